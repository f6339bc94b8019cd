//! Terrain's sync protocol over HTTP: the hub server (axum on tokio) and the client laptops
//! and relaying hubs use (ureq, blocking). Payloads are the bundle's change batches, sealed
//! with the study key; requests are signed with the device key. See [`protocol`].

pub mod auth;
pub mod client;
pub mod engine;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod gate;
pub mod interfaces;
pub mod laptop;
pub mod limits;
mod listen;
pub mod protocol;
pub mod registry;
pub mod seal;
pub mod server;
pub mod share;
pub mod task_progress;

pub use client::{sync, Progress, Stage, StudySummary, SyncOptions, SyncSummary};
pub use error::{HubError, Result};
pub use laptop::{normalise_url, sync_joined};
pub use limits::Limits;
pub use server::{LocalHub, ServeInfo, DEFAULT_SHARE_ADDRESS};
pub use share::ShareChoices;
pub use task_progress::{SyncTask, TaskProgress};

/// Logs to stderr, at the level RUST_LOG gives (info unless told otherwise), for a hub run
/// from the command line (`terrain-hub`, `terrain serve`). Once per process; later calls do
/// nothing.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// What `serve` prints once it listens: scripts read the first two lines.
pub fn print_ready(info: &ServeInfo) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", info.url);
    let _ = writeln!(out, "join code: {}", info.join_code);
    let _ = writeln!(out, "hub node: {}", info.hub_node);
    for url in &info.lan_urls {
        let _ = writeln!(out, "lan address: {url}");
    }
    let _ = writeln!(
        out,
        "Hub en service sur {} — code d'inscription des appareils : {} (Ctrl-C pour arrêter)",
        info.url, info.join_code
    );
    let _ = out.flush();
}
