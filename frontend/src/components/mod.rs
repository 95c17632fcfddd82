//! Reusable pieces of the interface, one component per file, named for what
//! the user sees.

pub mod confirm_dialog;
pub mod error_banner;
pub mod folder_tree;
pub mod invitation_card;
pub mod lang_switch;
pub mod message_list;
pub mod message_row;
pub mod message_view;
#[cfg(any(feature = "compose", feature = "people", feature = "calendar"))]
pub mod page_header;
pub mod quota_bar;
