//! This machine's networks as the share panel lists them: a name and an IPv4 address each,
//! without the addresses no other laptop can reach (loopback, link-local).

use std::net::{IpAddr, Ipv4Addr, UdpSocket};

use if_addrs::IfOperStatus;
use serde::Serialize;
use ts_rs::TS;

/// One IPv4 address of this machine on one of its networks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "ShareNetwork")]
pub struct Network {
    /// The system's name for the network adapter ("Wi-Fi", "Ethernet", "wlan0").
    pub name: String,
    #[ts(type = "string")]
    pub ip: Ipv4Addr,
}

/// Whether another laptop could reach this machine at `ip`.
pub fn reachable_from_others(ip: Ipv4Addr) -> bool {
    !(ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast())
}

/// This machine's networks in the system's order, one entry per address. An adapter that is
/// down is left out; a failure to list them reads as no network (the panel then offers a
/// test on this machine only).
pub fn networks() -> Vec<Network> {
    let Ok(found) = if_addrs::get_if_addrs() else {
        return Vec::new();
    };
    let mut out: Vec<Network> = Vec::new();
    for adapter in found {
        let IpAddr::V4(ip) = adapter.ip() else {
            continue;
        };
        let down = matches!(
            adapter.oper_status,
            IfOperStatus::Down | IfOperStatus::NotPresent
        );
        if down || !reachable_from_others(ip) || out.iter().any(|n| n.ip == ip) {
            continue;
        }
        out.push(Network {
            name: adapter.name,
            ip,
        });
    }
    out
}

/// The address the routing table would send from to reach a private network: on a laptop
/// with Wi-Fi and virtual adapters (Docker, VirtualBox, Hyper-V), the Wi-Fi one. Connecting
/// a UDP socket sends no packet.
pub fn routed_address() -> Option<Ipv4Addr> {
    ["192.168.255.254:9", "10.255.255.254:9", "172.31.255.254:9"]
        .into_iter()
        .find_map(|target| {
            let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
            socket.connect(target).ok()?;
            match socket.local_addr().ok()?.ip() {
                IpAddr::V4(ip) if reachable_from_others(ip) => Some(ip),
                _ => None,
            }
        })
}

/// Whether an adapter's name says it is a virtual one (containers, virtual machines, VPN
/// tunnels): other laptops are seldom behind it.
pub fn looks_virtual(name: &str) -> bool {
    const PREFIXES: [&str; 14] = [
        "docker",
        "veth",
        "br-",
        "virbr",
        "vboxnet",
        "vmnet",
        "tun",
        "tap",
        "wg",
        "zt",
        "utun",
        "lxc",
        "lxdbr",
        "tailscale",
    ];
    const PARTS: [&str; 5] = ["virtualbox", "vmware", "vethernet", "hyper-v", "vpn"];
    let name = name.to_lowercase();
    PREFIXES.iter().any(|p| name.starts_with(p)) || PARTS.iter().any(|p| name.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_link_local_addresses_are_not_offered() {
        assert!(!reachable_from_others(Ipv4Addr::LOCALHOST));
        assert!(!reachable_from_others(Ipv4Addr::new(169, 254, 10, 3)));
        assert!(!reachable_from_others(Ipv4Addr::UNSPECIFIED));
        assert!(reachable_from_others(Ipv4Addr::new(192, 168, 1, 23)));
        for n in networks() {
            assert!(reachable_from_others(n.ip), "{n:?}");
        }
    }

    #[test]
    fn virtual_adapters_are_told_from_real_ones() {
        for name in [
            "docker0",
            "vEthernet (Default Switch)",
            "VirtualBox Host-Only",
            "wg0",
        ] {
            assert!(looks_virtual(name), "{name}");
        }
        for name in ["Wi-Fi", "Ethernet", "wlan0", "eth0", "enp3s0", "wlp2s0"] {
            assert!(!looks_virtual(name), "{name}");
        }
    }
}
