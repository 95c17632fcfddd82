//! One module per screen: the login page, the mail pages, the filters,
//! writing mail (compose bundle), the address book and the settings
//! (people bundle), the calendar (calendar bundle).

#[cfg(feature = "calendar")]
pub mod calendar;
#[cfg(feature = "compose")]
pub mod compose;
#[cfg(feature = "people")]
pub mod contacts;
#[cfg(feature = "filters")]
pub mod filters;
pub mod filters_link;
pub mod links;
pub mod login;
pub mod mail;
#[cfg(feature = "people")]
pub mod settings;
