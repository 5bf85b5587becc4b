//! Tapedeck's reference collector: receives batches as PROTOCOL.md describes, stores them in
//! SQLite, and serves them back to the replay viewer (`www/viewer.html`).
//!
//! `main.rs` is the command line; tests start the same server with [`serve`].

pub mod cli;
pub mod decode;
pub mod envelope;
pub mod server;
pub mod store;

use std::future::Future;
use std::sync::Arc;

pub use cli::Config;
use store::SqliteStore;

/// Serve on `listener` until `shutdown` resolves (requests in flight are finished first).
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    if let Some(dir) = &config.static_dir {
        if !dir.is_dir() {
            return Err(format!("--static: {} is not a directory", dir.display()));
        }
    }
    let data_dir = config.data_dir.clone();
    let store = tokio::task::spawn_blocking(move || SqliteStore::open(&data_dir))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| {
            format!(
                "cannot open the database in {}: {e}",
                config.data_dir.display()
            )
        })?;
    let app = server::router(&config, Arc::new(store))?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| format!("server error: {e}"))
}
