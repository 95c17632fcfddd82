//! One module per screen: the login page, the mail pages, the filters,
//! and (in the compose bundle) writing mail, the address book and the
//! settings.

#[cfg(feature = "compose")]
pub mod compose;
#[cfg(feature = "compose")]
pub mod contacts;
#[cfg(feature = "filters")]
pub mod filters;
pub mod filters_link;
pub mod links;
pub mod login;
pub mod mail;
#[cfg(feature = "compose")]
pub mod settings;
