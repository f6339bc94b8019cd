//! Where the desktop app's "Share on this network" listens: the networks it offers, the one
//! it preselects, and the choice it remembers. Never every network unless the person picks
//! "every network (0.0.0.0)" explicitly: a laptop on a hotel's or a carrier's network must not
//! offer the study to it by default.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};

use serde::Serialize;
use terrain_core::Store;
use ts_rs::TS;

use crate::interfaces::{self, looks_virtual, Network};

/// The port the app shares on unless the person changes it.
pub const SHARE_PORT: u16 = 7878;

/// Local settings (never synced): the address last shared on, and the name of its network, to
/// find that network again when it gets another address.
const ADDRESS: &str = "share.address";
const NETWORK: &str = "share.network";

/// Why the panel preselects what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "ShareReason")]
pub enum Reason {
    /// The choice made last time, still available.
    Remembered,
    /// The most likely local network: a private address the system routes through.
    Lan,
    /// Networks, but none with a private address: this machine only, until the person picks one.
    NoLan,
    /// No network at all: this machine only, for a test.
    NoNetwork,
}

/// What the share panel offers.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShareChoices {
    /// This machine's networks, in the system's order.
    pub networks: Vec<Network>,
    /// The address preselected: one of `networks`, 127.0.0.1 or, only when it was chosen
    /// before, 0.0.0.0.
    #[ts(type = "string")]
    pub ip: Ipv4Addr,
    pub port: u16,
    pub reason: Reason,
}

/// The choice made last time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub address: SocketAddrV4,
    pub network: Option<String>,
}

/// The panel's choices from what was found: the remembered choice if its network is still
/// there (by name first, as a network's address changes from day to day), else the most
/// likely LAN address, else loopback.
pub fn choose(
    networks: Vec<Network>,
    routed: Option<Ipv4Addr>,
    remembered: Option<&Remembered>,
) -> ShareChoices {
    let port = remembered.map_or(SHARE_PORT, |r| r.address.port());
    let again = remembered.and_then(|r| {
        let ip = *r.address.ip();
        if ip.is_unspecified() {
            return Some(ip);
        }
        let by_name = r
            .network
            .as_deref()
            .and_then(|name| networks.iter().find(|n| n.name == name));
        by_name
            .or_else(|| networks.iter().find(|n| n.ip == ip))
            .map(|n| n.ip)
    });
    let (ip, reason) = match (again, likely_lan(&networks, routed)) {
        (Some(ip), _) => (ip, Reason::Remembered),
        (None, Some(ip)) => (ip, Reason::Lan),
        (None, None) if networks.is_empty() => (Ipv4Addr::LOCALHOST, Reason::NoNetwork),
        (None, None) => (Ipv4Addr::LOCALHOST, Reason::NoLan),
    };
    ShareChoices {
        networks,
        ip,
        port,
        reason,
    }
}

/// A private address: the one the system routes through, else the first on a real adapter.
/// A virtual adapter's alone is not offered first: no other laptop is behind it.
fn likely_lan(networks: &[Network], routed: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
    let private = || networks.iter().filter(|n| n.ip.is_private());
    private()
        .find(|n| Some(n.ip) == routed)
        .or_else(|| private().find(|n| !looks_virtual(&n.name)))
        .map(|n| n.ip)
}

/// The Sync screen's overview, with where sharing may listen and the hub this laptop shares
/// when it does (`share`, held by the app).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SyncScreen {
    #[serde(flatten)]
    #[ts(flatten)]
    pub overview: terrain_core::sync::SyncOverview,
    /// Where sharing may listen: this machine's networks and the one preselected.
    pub share_choices: ShareChoices,
    pub share: Option<crate::ServeInfo>,
}

/// The Sync screen as the app shows it, with `share` (the hub it runs, if any).
pub fn screen(
    store: &Store,
    mut share: Option<crate::ServeInfo>,
) -> terrain_core::Result<SyncScreen> {
    // The hub rotates its code when it learns of a revocation: show the one in force.
    if let Some(info) = share.as_mut() {
        info.join_code = crate::registry::join_code(store)?;
    }
    Ok(SyncScreen {
        overview: terrain_core::sync::overview(store)?,
        share_choices: choices(store),
        share,
    })
}

/// The choices for this machine now, for the store at hand.
pub fn choices(store: &Store) -> ShareChoices {
    choose(
        interfaces::networks(),
        interfaces::routed_address(),
        remembered(store).as_ref(),
    )
}

/// The address to listen on for what the person picked: their pick, or when they picked
/// nothing, the preselection (never every network).
pub fn listen_address(store: &Store, picked: &str) -> String {
    match picked.trim() {
        "" => {
            let c = choices(store);
            format!("{}:{}", c.ip, c.port)
        }
        picked => picked.to_string(),
    }
}

/// The choice made last time, if any (an unreadable one is forgotten).
pub fn remembered(store: &Store) -> Option<Remembered> {
    let address = match store.setting(ADDRESS).ok()??.parse::<SocketAddr>().ok()? {
        SocketAddr::V4(a) => a,
        SocketAddr::V6(_) => return None,
    };
    let network = store
        .setting(NETWORK)
        .ok()
        .flatten()
        .filter(|n| !n.is_empty());
    Some(Remembered { address, network })
}

/// Remembers where the app shared, with the name of that network. Loopback is not
/// remembered: it is a test, and preselecting it tomorrow would hide the laptop from the team.
/// A failure to remember changes nothing. Says whether the choice was remembered.
pub fn remember(store: &Store, address: SocketAddr) -> bool {
    let IpAddr::V4(ip) = address.ip() else {
        return false;
    };
    if ip.is_loopback() {
        return false;
    }
    let network = interfaces::networks()
        .into_iter()
        .find(|n| n.ip == ip)
        .map(|n| n.name)
        .unwrap_or_default();
    store.set_setting(ADDRESS, &address.to_string()).is_ok()
        && store.set_setting(NETWORK, &network).is_ok()
}
