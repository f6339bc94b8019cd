//! Importing a bundle, valid or hostile, keeps peak memory far under 200 MB whatever the
//! file: a decompression bomb of a few KB claiming 300 million changes, a sparse file of
//! 3 GB, a valid bundle larger than the bound itself. Measured with a counting global
//! allocator (the Rust heap, where batches and decoded changes live) and, on Linux, with the
//! process's peak resident memory (VmHWM, which also counts what zstd and SQLite allocate).
//! One test in this binary, so no other test's memory is counted.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Instant;

use peak_alloc::PeakAlloc;
use rand::{Rng, SeedableRng};
use serde_json::json;
use terrain_core::schema::Role;
use terrain_core::sync::bundle::{self, BundleWriter, ExportTarget, Header};
use terrain_core::sync::{self};
use terrain_core::{store, Entity, Fields, Store};

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const BOUND_MB: f64 = 200.0;

fn fields(v: serde_json::Value) -> Fields {
    serde_json::from_value(v).unwrap()
}

#[cfg(target_os = "linux")]
fn status_kb(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Peak memory added while importing `path` into `b`: (heap MB, resident MB), and the code
/// of the refusal ("ok" if imported).
fn measure(b: &mut Store, path: &Path) -> (f64, f64, String) {
    #[cfg(target_os = "linux")]
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    #[cfg(target_os = "linux")]
    let rss_before = status_kb("VmRSS:");
    let heap_before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let code = match bundle::import_bundle(b, path, &mut |_| {}) {
        Ok(_) => "ok".to_string(),
        Err(e) => e.code().to_string(),
    };
    let heap = HEAP.peak_usage().saturating_sub(heap_before) as f64 / 1048576.0;
    #[cfg(target_os = "linux")]
    let resident = status_kb("VmHWM:").saturating_sub(rss_before) as f64 / 1024.0;
    #[cfg(not(target_os = "linux"))]
    let resident = 0.0;
    (heap, resident, code)
}

fn header(a: &Store, study: &str, batches: u32) -> Header {
    let key = sync::study_key(a.conn(), study).unwrap().unwrap();
    let signer = sync::device_key(a).unwrap();
    Header {
        schema_version: store::schema_version(),
        study: study.to_string(),
        key_check: sync::key_check(&key),
        key_version: 1,
        sender: a.node_id().to_string(),
        sender_label: None,
        sender_public_key: {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(signer.verifying_key().to_bytes())
        },
        sender_wall_ms: chrono::Utc::now().timestamp_millis(),
        held: vec![],
        base: vec![],
        batches,
        changes: 0,
        roster: sync::roster_wire(a.conn(), study).unwrap(),
    }
}

#[test]
fn importing_any_bundle_stays_under_200_mb() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open_in_dir(&dir.path().join("a")).unwrap();
    let mut b = Store::open_in_dir(&dir.path().join("b")).unwrap();
    let study = a
        .create(Entity::Study, &fields(json!({"title": "Kidal"})))
        .unwrap();
    sync::join_invitation(&b, &sync::invite(&a, &study, Role::Coordinator).unwrap()).unwrap();
    let key = sync::study_key(a.conn(), &study).unwrap().unwrap();
    let signer = sync::device_key(&a).unwrap();

    // A bomb: 256 MiB of plaintext claiming 300 million changes (some 45 GB once decoded
    // by the old decoder), in a few KB.
    let mut plain = vec![0u8, 0, 0];
    plain.extend_from_slice(&[0x80, 0xc6, 0x86, 0x8f, 0x01]); // 300,000,000
    plain.resize(256 << 20, 0);
    let packed = zstd::bulk::compress(&plain, 3).unwrap();
    drop(plain);
    let bomb = dir.path().join("bomb.terrain");
    let mut w = BundleWriter::create(&bomb, &header(&a, &study, 1), &key).unwrap();
    w.write_packed(packed).unwrap();
    w.finish(&signer).unwrap();
    let bomb_size = std::fs::metadata(&bomb).unwrap().len();
    let (heap, resident, code) = measure(&mut b, &bomb);
    eprintln!(
        "bomb of {bomb_size} bytes: {code}, peak heap +{heap:.1} MB, resident +{resident:.1} MB"
    );
    assert_eq!(code, "malformed");
    assert!(bomb_size < 64 << 10);
    assert!(heap < BOUND_MB && resident < BOUND_MB);

    // A sparse file of 3 GB: refused from its size, before a byte is read.
    let huge = dir.path().join("huge.terrain");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let started = Instant::now();
    let (heap, resident, code) = measure(&mut b, &huge);
    let took = started.elapsed();
    eprintln!(
        "sparse 3 GB file: {code} in {took:?}, peak heap +{heap:.1} MB, resident +{resident:.1} MB"
    );
    assert_eq!(code, "bundle_too_large");
    assert!(took.as_secs() < 1);
    assert!(heap < 1.0);

    // A valid bundle of notes of 900,000 random characters (6 bits each, so zstd keeps some
    // three quarters of them): 48 by default (a 33 MB file, a minute in a debug build);
    // TERRAIN_TEST_LARGE_NOTES=300 makes a 203 MB file, larger than the bound itself.
    let notes_count: usize = std::env::var("TERRAIN_TEST_LARGE_NOTES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .";
    let mut bytes = vec![0u8; 900_000];
    for i in 0..notes_count {
        rng.fill(&mut bytes[..]);
        let notes: String = bytes
            .iter()
            .map(|b| alphabet[(b & 63) as usize] as char)
            .collect();
        a.create(
            Entity::Session,
            &fields(json!({"study_id": study, "title": format!("S{i}"), "session_type": "workshop", "date": "2026-02-01", "notes": notes})),
        )
        .unwrap();
    }
    let large = dir.path().join("large.terrain");
    let export =
        bundle::export_bundle(&a, &study, &ExportTarget::Full, &large, &mut |_| {}).unwrap();
    let started = Instant::now();
    let (heap, resident, code) = measure(&mut b, &large);
    eprintln!(
        "valid bundle of {} bytes ({} batches, {} changes): {code} in {:?}, peak heap +{heap:.1} MB, resident +{resident:.1} MB",
        export.bytes, export.batches, export.changes, started.elapsed()
    );
    assert_eq!(code, "ok");
    assert!(heap < BOUND_MB && resident < BOUND_MB);
    // Reading the file whole (as before) costs its size at least, twice with the batches
    // kept between checking and applying: a batch at a time costs a few batches.
    let file_mb = export.bytes as f64 / 1048576.0;
    assert!(
        export.batches >= 4 && heap < 0.9 * file_mb,
        "{heap:.1} MB for a file of {file_mb:.1} MB"
    );
    assert_eq!(
        sync::dump_string(b.conn(), Some(&study)).unwrap(),
        sync::dump_string(a.conn(), Some(&study)).unwrap()
    );
}
