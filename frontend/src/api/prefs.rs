//! The user's preferences (identities, signatures, how to write, the undo
//! delay), stored with the mail account.

use shared::prefs::Preferences;

use super::{Failure, Method, decode, get_text, json, send_text};

pub const PREFERENCES_URL: &str = "/api/preferences";

pub async fn load() -> Result<Preferences, Failure> {
    decode(&get_text(PREFERENCES_URL, None).await?)
}

#[cfg_attr(not(feature = "people"), allow(dead_code))]
/// Saves them; the answer is what the server kept (put in order).
pub async fn save(prefs: &Preferences) -> Result<Preferences, Failure> {
    decode(&send_text(Method::Put, PREFERENCES_URL, json(prefs)).await?)
}
