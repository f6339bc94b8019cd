//! Where "Share on this network" listens: the network preselected, the case of a machine with
//! no network, and the choice remembered in the store.

use std::net::{Ipv4Addr, SocketAddr};

use terrain_hub::interfaces::Network;
use terrain_hub::share::{self, choose, Reason, Remembered, SHARE_PORT};

use crate::support::*;

fn net(name: &str, ip: [u8; 4]) -> Network {
    Network {
        name: name.to_string(),
        ip: Ipv4Addr::from(ip),
    }
}

fn ip(a: [u8; 4]) -> Ipv4Addr {
    Ipv4Addr::from(a)
}

fn remembered(address: &str, network: Option<&str>) -> Remembered {
    let SocketAddr::V4(address) = address.parse().expect("an address") else {
        panic!("IPv4 only");
    };
    Remembered {
        address,
        network: network.map(str::to_string),
    }
}

#[test]
fn the_wifi_network_is_preselected_and_never_every_network() {
    let found = vec![
        net("docker0", [172, 17, 0, 1]),
        net("Wi-Fi", [192, 168, 1, 23]),
        net("vEthernet (Default Switch)", [172, 20, 96, 1]),
    ];
    // The system routes through the Wi-Fi.
    let c = choose(found.clone(), Some(ip([192, 168, 1, 23])), None);
    assert_eq!((c.ip, c.reason), (ip([192, 168, 1, 23]), Reason::Lan));
    assert_eq!(c.port, SHARE_PORT);
    assert_eq!(
        c.networks, found,
        "every network is listed, in the system's order"
    );
    // The routing table says nothing: the first real adapter with a private address.
    let c = choose(found, None, None);
    assert_eq!((c.ip, c.reason), (ip([192, 168, 1, 23]), Reason::Lan));
}

#[test]
fn a_public_or_virtual_address_alone_is_not_preselected() {
    // A USB modem straight on the carrier's network, and a container bridge.
    let found = vec![
        net("wwan0", [100, 72, 4, 9]),
        net("docker0", [172, 17, 0, 1]),
    ];
    let c = choose(found.clone(), Some(ip([100, 72, 4, 9])), None);
    assert_eq!((c.ip, c.reason), (Ipv4Addr::LOCALHOST, Reason::NoLan));
    assert_eq!(c.networks, found, "still offered, to pick explicitly");
}

#[test]
fn with_no_network_only_this_machine_is_offered() {
    let c = choose(Vec::new(), None, None);
    assert_eq!((c.ip, c.reason), (Ipv4Addr::LOCALHOST, Reason::NoNetwork));
    assert!(c.networks.is_empty());
    // A remembered network that is gone does not come back.
    let gone = remembered("192.168.1.23:7900", Some("Wi-Fi"));
    let c = choose(Vec::new(), None, Some(&gone));
    assert_eq!((c.ip, c.reason), (Ipv4Addr::LOCALHOST, Reason::NoNetwork));
    assert_eq!(c.port, 7900, "the port chosen is kept");
}

#[test]
fn the_choice_made_last_time_wins_while_its_network_is_there() {
    let found = vec![
        net("Ethernet", [10, 0, 0, 5]),
        net("Wi-Fi", [192, 168, 43, 7]),
    ];
    let routed = Some(ip([10, 0, 0, 5]));
    // Same network, new address from the hotspot: found again by its name.
    let wifi = remembered("192.168.1.23:7878", Some("Wi-Fi"));
    let c = choose(found.clone(), routed, Some(&wifi));
    assert_eq!(
        (c.ip, c.reason),
        (ip([192, 168, 43, 7]), Reason::Remembered)
    );
    // Every network, when that was the explicit choice.
    let every = remembered("0.0.0.0:8000", None);
    let c = choose(found.clone(), routed, Some(&every));
    assert_eq!(
        (c.ip, c.port, c.reason),
        (Ipv4Addr::UNSPECIFIED, 8000, Reason::Remembered)
    );
    // A network that is gone: back to the most likely one.
    let gone = remembered("172.16.0.4:7878", Some("USB Ethernet"));
    let c = choose(found, routed, Some(&gone));
    assert_eq!((c.ip, c.reason), (ip([10, 0, 0, 5]), Reason::Lan));
}

#[test]
fn the_store_remembers_where_the_app_shared_but_not_a_loopback_test() {
    let lab = Lab::new();
    let store = lab.store("laptop");
    assert_eq!(share::remembered(&store), None);
    assert!(!share::remember(
        &store,
        "127.0.0.1:7878".parse().expect("address")
    ));
    assert_eq!(
        share::remembered(&store),
        None,
        "a test on this machine is not kept"
    );
    assert!(share::remember(
        &store,
        "0.0.0.0:8123".parse().expect("address")
    ));
    assert_eq!(
        share::remembered(&store),
        Some(remembered("0.0.0.0:8123", None))
    );
    let c = share::choices(&store);
    assert_eq!(
        (c.ip, c.port, c.reason),
        (Ipv4Addr::UNSPECIFIED, 8123, Reason::Remembered)
    );
    // Kept in the store file: a laptop restarted finds it again.
    drop(store);
    let again = lab.store("laptop");
    assert_eq!(share::choices(&again).port, 8123);
}
