//! Hostile batches and files from a teammate (who holds the study key and signs with their
//! own device key): decompression bombs, counts and lengths no batch can hold, numbers that
//! overflow, a file too large to read. And long texts, which a count-only cut would have put
//! in a batch too large to read.

use std::time::Instant;

use serde_json::json;
use terrain_core::sync::bundle::{self, ExportTarget, MAX_BATCH_PLAIN, MAX_BUNDLE_BYTES};
use terrain_core::sync::{self};
use terrain_core::Entity;

use super::victim::{scene, varint, Scene};
use crate::support::fields;

/// A teammate's bundle carrying these compressed batch plaintexts; returns the victim's
/// refusal code, after checking that the victim is unchanged and still works.
fn send_plaintexts(s: &mut Scene, plaintexts: &[Vec<u8>]) -> String {
    let packed = plaintexts
        .iter()
        .map(|p| zstd::bulk::compress(p, 3).unwrap())
        .collect();
    let header = s.header_from_a();
    let path = s.write("hostile.terrain", header, packed, &s.key(), &s.signer_a());
    send(s, &path)
}

fn send(s: &mut Scene, path: &std::path::Path) -> String {
    let before = s.victim_state();
    let code = s.refusal(path);
    assert_eq!(
        s.victim_state(),
        before,
        "the refusal {code} changed the victim"
    );
    code
}

/// Empty tables (nodes, scopes, fields), then a count of changes, then `fill` zero bytes.
fn claims(count: u64, fill: usize) -> Vec<u8> {
    let mut p = vec![0, 0, 0];
    varint(&mut p, count);
    p.resize(p.len() + fill, 0);
    p
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_inflated() {
    let mut s = scene();
    // 64 MiB of plaintext claiming 300 million changes, in a few KB.
    let bomb = claims(300_000_000, 64 << 20);
    let packed = zstd::bulk::compress(&bomb, 3).unwrap();
    assert!(packed.len() < 16 << 10, "{} bytes", packed.len());
    let header = s.header_from_a();
    let path = s.write(
        "bomb.terrain",
        header,
        vec![packed],
        &s.key(),
        &s.signer_a(),
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 16 << 10);
    assert_eq!(send(&mut s, &path), "malformed");
    // Under the plaintext cap, the count alone is refused: no batch holds that many.
    assert_eq!(
        send_plaintexts(&mut s, &[claims(300_000_000, 16 << 20)]),
        "malformed"
    );
    s.victim_still_works();
}

#[test]
fn a_huge_count_in_few_bytes_is_refused() {
    let mut s = scene();
    // A change takes 6 bytes at least: 10 bytes cannot hold 2 changes, let alone 2^62.
    assert_eq!(send_plaintexts(&mut s, &[claims(1 << 62, 10)]), "malformed");
    assert_eq!(send_plaintexts(&mut s, &[claims(2, 10)]), "malformed");
    // Tables too: 2^40 node ids in a few bytes.
    let mut p = Vec::new();
    varint(&mut p, 1 << 40);
    p.extend_from_slice(&[0; 32]);
    assert_eq!(send_plaintexts(&mut s, &[p]), "malformed");
    s.victim_still_works();
}

#[test]
fn counts_and_lengths_that_overflow_are_refused() {
    let mut s = scene();
    // A varint past 64 bits.
    let mut p = vec![0xff; 9];
    p.push(0x7f);
    assert_eq!(send_plaintexts(&mut s, &[p]), "malformed");
    // A node id of length 2^64 - 1.
    let mut p = Vec::new();
    varint(&mut p, 1);
    varint(&mut p, u64::MAX);
    assert_eq!(send_plaintexts(&mut s, &[p]), "malformed");
    // Two changes whose seq goes past i64::MAX (the second's delta is +1).
    let change = |c: &mut Vec<u8>, seq_delta: u64, row: bool| {
        c.push(if row { 4 } else { 1 }); // a UUID row, then "same row"; null value
        varint(c, 0); // node
        varint(c, seq_delta); // zigzag(seq delta)
        varint(c, 1); // the study's scope
        varint(c, 0); // field
        if row {
            c.extend_from_slice(uuid::Uuid::now_v7().as_bytes());
        }
        varint(c, 2); // hlc delta +1
    };
    let mut p = Vec::new();
    for table in [&[s.a.node_id()][..], &["", &s.study]] {
        varint(&mut p, table.len() as u64);
        for t in table {
            varint(&mut p, t.len() as u64);
            p.extend_from_slice(t.as_bytes());
        }
    }
    varint(&mut p, 1);
    for t in ["session", "title"] {
        varint(&mut p, t.len() as u64);
        p.extend_from_slice(t.as_bytes());
    }
    varint(&mut p, 2);
    change(&mut p, (i64::MAX as u64) << 1, true);
    change(&mut p, 2, false);
    assert_eq!(send_plaintexts(&mut s, &[p]), "malformed");
    // A sealed batch whose length says 4 GiB, a header whose length says 4 GiB.
    let good = s.path("first.terrain");
    let bytes = std::fs::read(&good).unwrap();
    let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
    let frame = 14 + header_len + 40 + 24;
    for at in [frame, 10] {
        let mut bad = bytes.clone();
        bad[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let p = s.path("long.terrain");
        std::fs::write(&p, bad).unwrap();
        assert_eq!(send(&mut s, &p), "damaged", "length at {at}");
    }
    s.victim_still_works();
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread() {
    let mut s = scene();
    let p = s.path("huge.terrain");
    std::fs::copy(s.path("first.terrain"), &p).unwrap();
    // Sparse where the file system allows: nothing is written past the real bundle.
    let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
    f.set_len(MAX_BUNDLE_BYTES + 1).unwrap();
    drop(f);
    let started = Instant::now();
    assert_eq!(send(&mut s, &p), "bundle_too_large");
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    let err = bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap_err();
    assert!(err.message(terrain_core::Lang::Fr).contains("1024 Mo"));
    s.victim_still_works();
}

#[test]
fn long_texts_travel_in_batches_cut_by_bytes() {
    let mut s = scene();
    // 40 notes of 900,000 characters: 36 MB of text, past what one batch may hold, in far
    // fewer changes than a count-only cut puts in a batch.
    let notes: String = "Les femmes du marché parlent de la route. "
        .chars()
        .cycle()
        .take(900_000)
        .collect();
    let study = s.study.clone();
    for i in 0..40 {
        s.a.create(
            Entity::Session,
            &fields(json!({"study_id": study, "title": format!("L{i}"), "session_type": "workshop", "date": "2026-02-01", "notes": format!("{i} {notes}")})),
        )
        .unwrap();
    }
    assert!(40 * notes.len() > MAX_BATCH_PLAIN);
    let p = s.path("long.terrain");
    let export =
        bundle::export_bundle(&s.a, &s.study, &ExportTarget::Full, &p, &mut |_| {}).unwrap();
    assert!(export.changes < bundle::BATCH_SIZE as u64);
    assert!(export.batches >= 5, "{export:?}");
    let report = bundle::import_bundle(&mut s.b, &p, &mut |_| {}).unwrap();
    assert_eq!(report.new_records, 40);
    let scoped = |st: &terrain_core::Store| sync::dump_string(st.conn(), Some(&study)).unwrap();
    assert_eq!(scoped(&s.b), scoped(&s.a));
    s.victim_still_works();
}
