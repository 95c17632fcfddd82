//! The JSON API, one file per area. Handlers only translate between HTTP
//! and the adapters' domain operations.

pub mod bulk;
pub mod calendar;
pub mod compose;
pub mod contacts;
pub mod filters;
pub mod folders;
pub mod messages;
pub mod prefs;
pub mod search;
pub mod session;

use axum::{
    Router,
    routing::{get, post},
};
use utoipa::OpenApi;

use crate::{AppState, auth::Json, error::AppError};

/// The OpenAPI 3 description of the API, generated from the `shared` types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Facteur API",
        description = "API JSON du webmail Facteur. Les requêtes qui modifient quelque chose portent l'en-tête X-CSRF-Token reçu à la connexion."
    ),
    paths(
        session::public_config,
        session::current,
        session::login,
        session::logout,
        folders::list,
        folders::create,
        folders::rename,
        folders::delete,
        folders::subscription,
        folders::empty,
        messages::page,
        messages::message,
        messages::raw,
        messages::attachment,
        messages::flags,
        messages::move_messages,
        messages::delete,
        messages::bulk,
        messages::changes,
        bulk::uids,
        bulk::copy,
        bulk::threads,
        bulk::conversation,
        bulk::export,
        bulk::import,
        search::search,
        search::junk,
        search::space,
        filters::get,
        filters::save,
        filters::dry_run,
        calendar::list,
        calendar::create,
        calendar::change,
        calendar::delete,
        calendar::open_other,
        calendar::answer_pending,
        calendar::share,
        calendar::unshare,
        calendar::events,
        calendar::event,
        calendar::create_event,
        calendar::update_event,
        calendar::delete_event,
        calendar::answer_event,
        calendar::import,
        calendar::export,
        calendar::free_busy,
        calendar::invitation,
        calendar::answer_invitation,
        contacts::list,
        contacts::create,
        contacts::update,
        contacts::delete,
        contacts::import,
        contacts::export,
        contacts::recipients,
        prefs::get,
        prefs::put,
        compose::limits,
        compose::upload,
        compose::prepare,
        compose::save_draft,
        compose::delete_draft,
        compose::send,
        crate::events::stream,
    ),
    components(schemas(shared::ApiError, shared::events::StreamEnd))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn not_found() -> AppError {
    shared::ApiError::InvalidRequest {
        detail: "route inconnue".into(),
    }
    .into()
}

/// `GET /api/events` (Server-Sent Events), mounted beside [`api_router`]
/// rather than in it: outside its compression and `Cache-Control` layers.
pub fn events_router() -> Router<AppState> {
    Router::new().route("/api/events", get(crate::events::stream))
}

/// Routes under `/api`.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/config", get(session::public_config))
        .route(
            "/session",
            get(session::current)
                .post(session::login)
                .delete(session::logout),
        )
        .route("/folders", get(folders::list).post(folders::create))
        .route(
            "/folders/rename",
            post(folders::rename).delete(folders::delete_static_name),
        )
        .route(
            "/folders/subscription",
            post(folders::subscription).delete(folders::delete_static_name),
        )
        .route("/folders/{folder}", axum::routing::delete(folders::delete))
        .route("/folders/{folder}/empty", post(folders::empty))
        .route("/search", post(search::search))
        .route("/space", get(search::space))
        .route("/preferences", get(prefs::get).put(prefs::put))
        .route("/compose/limits", get(compose::limits))
        .route(
            "/compose/attachments",
            post(compose::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/compose/from/{folder}/{uid}", get(compose::prepare))
        .route("/drafts", axum::routing::put(compose::save_draft))
        .route(
            "/drafts/{uid}",
            axum::routing::delete(compose::delete_draft),
        )
        .route(
            "/send",
            post(compose::send).layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024)),
        )
        .route("/filters", get(filters::get).put(filters::save))
        .route("/filters/dry-run", post(filters::dry_run))
        .route("/folders/{folder}/messages", get(messages::page))
        .route("/folders/{folder}/messages/flags", post(messages::flags))
        .route(
            "/folders/{folder}/messages/move",
            post(messages::move_messages),
        )
        .route("/folders/{folder}/messages/delete", post(messages::delete))
        .route("/folders/{folder}/messages/bulk", get(messages::bulk))
        .route("/folders/{folder}/messages/junk", post(search::junk))
        .route("/folders/{folder}/changes", get(messages::changes))
        .route("/folders/{folder}/uids", get(bulk::uids))
        .route("/folders/{folder}/messages/copy", post(bulk::copy))
        .route("/folders/{folder}/threads", get(bulk::threads))
        .route("/folders/{folder}/threads/{uid}", get(bulk::conversation))
        .route("/folders/{folder}/export", get(bulk::export))
        .route(
            "/folders/{folder}/import",
            post(bulk::import).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/folders/{folder}/messages/{uid}", get(messages::message))
        .route("/folders/{folder}/messages/{uid}/raw", get(messages::raw))
        .route(
            "/folders/{folder}/messages/{uid}/attachments/{part}",
            get(messages::attachment),
        )
        .route(
            "/folders/{folder}/messages/{uid}/invitation",
            get(calendar::invitation).post(calendar::answer_invitation),
        )
        .route("/calendars", get(calendar::list).post(calendar::create))
        .route("/calendars/events", get(calendar::events))
        .route("/calendars/others", post(calendar::open_other))
        .route("/calendars/pending", post(calendar::answer_pending))
        .route("/calendars/freebusy", post(calendar::free_busy))
        .route(
            "/calendars/{cal}",
            axum::routing::patch(calendar::change).delete(calendar::delete),
        )
        .route("/calendars/{cal}/shares", post(calendar::share))
        .route(
            "/calendars/{cal}/shares/{who}",
            axum::routing::delete(calendar::unshare),
        )
        .route("/calendars/{cal}/events", post(calendar::create_event))
        .route(
            "/calendars/{cal}/events/{id}",
            get(calendar::event)
                .put(calendar::update_event)
                .delete(calendar::delete_event),
        )
        .route(
            "/calendars/{cal}/events/{id}/answer",
            post(calendar::answer_event),
        )
        .route(
            "/calendars/{cal}/import",
            post(calendar::import).layer(axum::extract::DefaultBodyLimit::max(
                calendar::MAX_IMPORT_BYTES,
            )),
        )
        .route("/calendars/{cal}/export", get(calendar::export))
        .route("/contacts", get(contacts::list).post(contacts::create))
        .route(
            "/contacts/import",
            post(contacts::import).layer(axum::extract::DefaultBodyLimit::max(
                contacts::MAX_IMPORT_BYTES,
            )),
        )
        .route("/contacts/export", get(contacts::export))
        .route("/contacts/recipients", get(contacts::recipients))
        .route(
            "/contacts/{id}",
            axum::routing::put(contacts::update).delete(contacts::delete),
        )
        .fallback(not_found)
}
