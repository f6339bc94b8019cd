//! Hostile uploaders for `terrain bench hub`: LAN peers that POST 16 MiB bodies to the hub
//! again and again, as strangers or under an enrolled device's id with a forged signature.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use terrain_hub::auth;
use terrain_hub::protocol::*;

const UPLOAD: usize = 16 * 1024 * 1024;

/// A running flood; stops (and joins its threads) when dropped or stopped.
pub struct Flood {
    stop: Arc<AtomicBool>,
    attempts: Arc<AtomicU64>,
    threads: Vec<JoinHandle<()>>,
}

impl Flood {
    /// `uploaders` threads against `address` (host:port); `forge` = (study, node) to carry an
    /// enrolled device's id. Each sends about 1 MB/s and pauses a second between connections.
    pub fn start(address: &str, uploaders: usize, forge: Option<(String, String)>) -> Flood {
        let stop = Arc::new(AtomicBool::new(false));
        let attempts = Arc::new(AtomicU64::new(0));
        let threads = (0..uploaders)
            .map(|_| {
                let (address, forge, stop, attempts) = (
                    address.to_string(),
                    forge.clone(),
                    stop.clone(),
                    attempts.clone(),
                );
                std::thread::spawn(move || uploader(&address, forge, &stop, &attempts))
            })
            .collect();
        Flood {
            stop,
            attempts,
            threads,
        }
    }

    /// Uploads started so far.
    pub fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::Relaxed)
    }

    pub fn stop(mut self) -> u64 {
        self.halt();
        self.attempts()
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Flood {
    fn drop(&mut self) {
        self.halt();
    }
}

fn uploader(
    address: &str,
    forge: Option<(String, String)>,
    stop: &AtomicBool,
    attempts: &AtomicU64,
) {
    let chunk = vec![0u8; 64 * 1024];
    while !stop.load(Ordering::Relaxed) {
        if let Ok(mut s) = TcpStream::connect(address) {
            let _ = s.set_write_timeout(Some(Duration::from_secs(2)));
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut head = format!(
                "POST {PATH_PUSH} HTTP/1.1\r\nhost: hub\r\ncontent-length: {UPLOAD}\r\n{H_PROTOCOL}: {PROTOCOL_VERSION}\r\n"
            );
            if let Some((study, node)) = &forge {
                let now = chrono::Utc::now().timestamp_millis();
                head.push_str(&format!(
                    "{H_STUDY}: {study}\r\n{H_NODE}: {node}\r\n{H_TIME}: {now}\r\n{H_NONCE}: {}\r\n{H_SIGNATURE}: {}==\r\n{H_BODY_HASH}: {}\r\n",
                    auth::new_nonce(),
                    "A".repeat(86),
                    "0".repeat(64),
                ));
            }
            head.push_str("\r\n");
            attempts.fetch_add(1, Ordering::Relaxed);
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
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
