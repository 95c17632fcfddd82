//! One module per screen: the login page, the mail pages, the filters.

#[cfg(feature = "filters")]
pub mod filters;
pub mod filters_link;
pub mod login;
pub mod mail;
