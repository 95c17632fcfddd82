//! `facteur`: reads the configuration, binds, serves.

use clap::Parser;
use facteur::{
    AppState,
    config::{Cli, Config},
    housekeeping, router,
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("FACTEUR_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::load(Cli::parse())?;
    let listen = config.listen;
    let state = AppState::new(config)?;
    tracing::info!(files = state.assets.files.len(), "web app loaded");
    tokio::spawn(housekeeping(state.clone()));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!("Facteur écoute sur http://{listen}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
