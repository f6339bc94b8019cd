//! A hub process under hostile load (M6): floods of 16 MiB uploads, with or without an
//! enrolled device's id, and idle sockets by the thousand. The hub runs as its own process
//! (`terrain-hub`) so that its memory and open files can be read; a real laptop syncs
//! alongside, and must take at most twice its normal time.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use terrain_core::Store;
use terrain_hub::auth;
use terrain_hub::protocol::*;

use crate::support::*;

const FLOOD: usize = 200;
const UPLOAD: usize = 16 * 1024 * 1024;
const MAX_RSS: u64 = 200 * 1024 * 1024;

/// One hostile uploader: POSTs 16 MiB to /api/push again and again until `stop`, with the
/// extra headers `forge` makes (none for a stranger). Each sends at about 1 MB/s (64 KiB
/// every 50 ms, a second between connections), a LAN peer's share of a link: 200 of them
/// keep 200 uploads in flight, and the flood, which shares this machine's two cores with the
/// hub and the laptop, measures the hub rather than the CPU the flooders burn.
fn uploader(
    address: String,
    forge: Option<(String, String)>,
    stop: Arc<AtomicBool>,
    attempts: Arc<AtomicU64>,
) {
    let chunk = vec![0u8; 64 * 1024];
    while !stop.load(Ordering::Relaxed) {
        if let Ok(mut s) = TcpStream::connect(&address) {
            let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut head = format!(
                "POST {PATH_PUSH} HTTP/1.1\r\nhost: hub\r\ncontent-type: application/octet-stream\r\ncontent-length: {UPLOAD}\r\n{H_PROTOCOL}: {PROTOCOL_VERSION}\r\n"
            );
            if let Some((study, node)) = &forge {
                // An enrolled laptop's id, a fresh time and nonce, a signature nobody made.
                let now = chrono::Utc::now().timestamp_millis();
                head.push_str(&format!(
                    "{H_STUDY}: {study}\r\n{H_NODE}: {node}\r\n{H_KEY}: 0123456789abcdef\r\n{H_TIME}: {now}\r\n{H_NONCE}: {}\r\n{H_SIGNATURE}: {}\r\n{H_BODY_HASH}: {}\r\n",
                    auth::new_nonce(),
                    "A".repeat(86) + "==",
                    "0".repeat(64),
                ));
            }
            head.push_str("\r\n");
            if s.write_all(head.as_bytes()).is_ok() {
                let mut sent = 0;
                while sent < UPLOAD && !stop.load(Ordering::Relaxed) {
                    match s.write(&chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => sent += n,
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            let mut answer = [0u8; 512];
            let _ = s.read(&mut answer);
            attempts.fetch_add(1, Ordering::Relaxed);
        }
        std::thread::sleep(Duration::from_millis(1_000));
    }
}

/// The flood tests measure times: one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Adds `n` sessions and syncs them; returns the time the sync took.
fn timed_sync(laptop: &mut Store, url: &str, study: &str, n: usize, tag: &str) -> Duration {
    add_sessions(laptop, study, n, tag);
    let start = Instant::now();
    let summary = sync(laptop, url, None).expect("the laptop syncs");
    let sent: u64 = summary.studies.iter().map(|s| s.sent).sum();
    assert!(sent >= n as u64, "{summary:?}");
    start.elapsed()
}

/// The fastest of a few syncs: this machine is shared (other builds run on its two cores),
/// and the fastest run is the one that measures the hub rather than the neighbours.
fn fastest(times: Vec<Duration>) -> Duration {
    times.into_iter().min().unwrap_or_default()
}

/// A laptop syncs normally, then under a flood of 200 uploaders (forged with its own id
/// when `forge`); returns nothing, asserts everything.
fn sync_under_flood(forge: bool) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let lab = Lab::new();
    let (mut laptop, study) = laptop_and_hub(&lab, 300);
    let hub = HubProcess::start(
        &lab.path("hub"),
        &["--header-timeout-ms", "2000", "--body-timeout-ms", "5000"],
    );
    sync(&mut laptop, &hub.url, Some(&hub.join_code)).expect("enrols and syncs");
    let normal = fastest(
        (0..5)
            .map(|i| timed_sync(&mut laptop, &hub.url, &study, 100, &format!("calme {i}")))
            .collect(),
    );

    let stop = Arc::new(AtomicBool::new(false));
    let attempts = Arc::new(AtomicU64::new(0));
    let forged = forge.then(|| (study.clone(), laptop.node_id().to_string()));
    let flood: Vec<_> = (0..FLOOD)
        .map(|_| {
            let (address, forged, stop, attempts) = (
                hub.address(),
                forged.clone(),
                stop.clone(),
                attempts.clone(),
            );
            std::thread::spawn(move || uploader(address, forged, stop, attempts))
        })
        .collect();
    let start = Instant::now();
    while attempts.load(Ordering::Relaxed) < FLOOD as u64
        && start.elapsed() < Duration::from_secs(5)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    let flooded = fastest(
        (0..5)
            .map(|i| timed_sync(&mut laptop, &hub.url, &study, 100, &format!("crue {i}")))
            .collect(),
    );
    let during = attempts.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for t in flood {
        t.join().expect("uploader");
    }
    let rss = hub.peak_rss();
    println!(
        "normal sync {normal:?}, under flood {flooded:?}, {during} hostile uploads, hub peak RSS {:?} MB",
        rss.map(|b| b / (1024 * 1024))
    );
    assert!(during >= FLOOD as u64, "the flood ran: {during} uploads");
    assert!(
        flooded <= normal * 2,
        "a sync under flood took {flooded:?}, normally {normal:?}"
    );
    if let Some(rss) = rss {
        assert!(rss < MAX_RSS, "hub peak RSS {} MB", rss / (1024 * 1024));
    }

    // Every refusal is in the log, with its code and the peer; so is every sync request.
    let log = hub.log();
    let code = if forge { "bad_signature" } else { "unsigned" };
    let refusals = log
        .lines()
        .filter(|l| l.contains(code) && l.contains("peer=127.0.0.1"))
        .count();
    assert!(refusals >= FLOOD, "{refusals} refusals logged as {code}");
    assert!(log.contains("sync request done"), "{log}");

    // Nothing of the flood reached the store: the hub holds exactly what the laptop holds,
    // and a write and a sync still work.
    add_sessions(&mut laptop, &study, 1, "après");
    sync(&mut laptop, &hub.url, None).expect("syncs after the flood");
    assert_eq!(dump(&lab.store("hub")), dump(&laptop));
}

#[test]
fn a_flood_of_strangers_uploads_does_not_slow_a_real_sync() {
    sync_under_flood(false);
}

#[test]
fn a_flood_carrying_an_enrolled_device_id_does_not_slow_its_sync() {
    sync_under_flood(true);
}

#[test]
fn idle_sockets_are_capped_then_closed_and_a_sync_still_works() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let lab = Lab::new();
    let (mut laptop, _study) = laptop_and_hub(&lab, 10);
    let hub = HubProcess::start(
        &lab.path("hub"),
        &["--max-connections", "256", "--header-timeout-ms", "1000"],
    );
    let files_before = hub.open_files();
    let mut sockets = Vec::new();
    for _ in 0..1_100 {
        if let Ok(s) = TcpStream::connect(hub.address()) {
            sockets.push(s);
        }
    }
    assert!(sockets.len() >= 1_000, "{} sockets opened", sockets.len());
    std::thread::sleep(Duration::from_millis(300));
    if let (Some(before), Some(now)) = (files_before, hub.open_files()) {
        assert!(
            now <= before + 256 + 8,
            "open files {before} -> {now}: capped at 256 connections"
        );
    }

    // Past the header timeout, every one is closed by the hub.
    std::thread::sleep(Duration::from_millis(2_000));
    let mut open = 0;
    for s in &mut sockets {
        let _ = s.set_read_timeout(Some(Duration::from_millis(50)));
        let mut byte = [0u8; 1];
        match s.read(&mut byte) {
            Ok(0) => {}
            Err(e)
                if e.kind() != std::io::ErrorKind::WouldBlock
                    && e.kind() != std::io::ErrorKind::TimedOut => {}
            _ => open += 1,
        }
    }
    assert_eq!(open, 0, "sockets the hub left open");
    if let (Some(before), Some(now)) = (files_before, hub.open_files()) {
        assert!(now <= before + 4, "open files {before} -> {now}");
    }
    let log = hub.log();
    assert!(log.contains("too_many_connections"), "{log}");
    assert!(log.contains("header_timeout"), "{log}");

    sync(&mut laptop, &hub.url, Some(&hub.join_code)).expect("a sync works afterwards");
    assert_eq!(dump(&lab.store("hub")), dump(&laptop));
}
