//! Terrain's sync protocol over HTTP: the hub server (axum on tokio) and the client laptops
//! and relaying hubs use (ureq, blocking). Payloads are the bundle's change batches, sealed
//! with the study key; requests are signed with the device key. See [`protocol`].

pub mod auth;
pub mod client;
pub mod engine;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod laptop;
pub mod protocol;
pub mod registry;
pub mod seal;
pub mod server;

pub use client::{sync, Progress, Stage, StudySummary, SyncOptions, SyncSummary};
pub use error::{HubError, Result};
pub use laptop::{normalise_url, sync_joined};
pub use server::{LocalHub, ServeInfo, DEFAULT_SHARE_ADDRESS};

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
