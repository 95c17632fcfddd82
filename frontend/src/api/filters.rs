//! Filter rules and the out-of-office reply: read, save, and try them on
//! recent messages.

use shared::filters::{DryRunRequest, DryRunResult, FiltersState, SaveFilters};

use super::{Failure, Method, Ticket, decode, get_text, json, send_text};

/// `GET`/`PUT /api/filters`.
pub const FILTERS_URL: &str = "/api/filters";

/// The user's filters, and the active script if another program wrote it.
pub async fn load(ticket: &Ticket) -> Result<FiltersState, Failure> {
    decode(&get_text(FILTERS_URL, Some(ticket)).await?)
}

/// Saves and activates the filters; the server answers with what it now holds.
pub async fn save(req: &SaveFilters) -> Result<FiltersState, Failure> {
    decode(&send_text(Method::Put, FILTERS_URL, json(req)).await?)
}

/// What the rules would have done to the most recent messages of the INBOX.
pub async fn dry_run(req: &DryRunRequest) -> Result<DryRunResult, Failure> {
    decode(&send_text(Method::Post, "/api/filters/dry-run", json(req)).await?)
}
