//! App-wide state, shared through context: who is logged in (and the public
//! configuration), the folder tree, the open folder's list, and the interface language.

pub mod folders;
pub mod lang;
pub mod mailbox;
pub mod prefs;
pub mod selection;
pub mod session;
