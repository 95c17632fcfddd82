//! One module per screen: the login page and the mail pages.

pub mod login;
pub mod mail;
