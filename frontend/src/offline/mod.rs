//! Working without the network: whether it is there, changes made offline
//! waiting to be replayed ([`queue`]), messages waiting to be sent
//! ([`outbox`]), messages fetched ahead for offline reading
//! ([`prefetch`]), the cache brought up to date when the network comes
//! back ([`resync`]), and searching what is kept ([`search`]).

pub mod live;
pub mod outbox;
pub mod prefetch;
pub mod queue;
pub mod resync;
pub mod search;

use leptos::prelude::*;

/// Whether the browser has a network, shared through context.
#[derive(Clone, Copy)]
pub struct OnlineCtx {
    pub online: RwSignal<bool>,
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Follows the browser's `online` / `offline` events.
pub fn provide_online() -> OnlineCtx {
    let ctx = OnlineCtx {
        online: RwSignal::new(navigator_online()),
    };
    let online = ctx.online;
    let _ = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let _ = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    provide_context(ctx);
    ctx
}

pub fn use_online() -> OnlineCtx {
    use_context::<OnlineCtx>().unwrap_or_else(provide_online)
}
