//! The way into the filters page, known to every bundle (the page itself
//! is only in the filters bundle).

/// The filters page's address.
pub const FILTERS_PATH: &str = "/filters";

/// The link that opens the page with a new rule for a mailing list
/// (`/filters?new=list:<id>&name=<id>`).
pub fn new_list_rule_href(id: &str) -> String {
    use shared::mail::encode_segment;
    format!(
        "{FILTERS_PATH}?new=list:{}&name={}",
        encode_segment(id),
        encode_segment(id)
    )
}

/// The link that opens the page with a new rule for messages from `email`
/// (named `name`): `/filters?new=from:<email>&name=<name>`.
pub fn new_rule_href(email: &str, name: &str) -> String {
    use shared::mail::encode_segment;
    format!(
        "{FILTERS_PATH}?new=from:{}&name={}",
        encode_segment(email),
        encode_segment(name)
    )
}
