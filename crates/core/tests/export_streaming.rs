//! A large export streams: the peak memory it adds does not grow with the number of
//! participants (measured with Linux's VmHWM, reset through /proc/self/clear_refs).
//! One test in this binary, so no other test's memory is counted.

use std::path::Path;

use terrain_core::export::{self, ExportOptions, Format};
use terrain_core::Store;

const SADIOLA: &str = "e5ede3f5-1d45-5cc3-b925-41f7972dd82a";

/// Fills the tables directly (no change log: this measures the exporter, not the write path).
fn fill(store: &Store, participants: usize) {
    let c = store.conn();
    c.execute_batch("BEGIN").expect("begin");
    c.execute("INSERT INTO study(id, title) VALUES ('st', 'Étude')", [])
        .expect("study");
    let per_session = 20;
    for s in 0..participants.div_ceil(per_session) {
        c.execute(
            "INSERT INTO session(id, study_id, session_type, date, place_id, languages, facilitators, notes)
             VALUES (?1, 'st', 'focus_group', '2025-01-10', ?2, '[\"bm\",\"fr\"]', '[\"Awa\"]', 'Des notes assez longues pour peser un peu dans la mémoire.')",
            (format!("s{s:07}"), SADIOLA),
        )
        .expect("session");
    }
    let mut stmt = c
        .prepare(
            "INSERT INTO participant(id, session_id, code, sex, age, age_band, actor_group, institution, role, consent, name, phone)
             VALUES (?1, ?2, ?3, ?4, 30, '25_35', 'youth', 'Association des jeunes de Sadiola', 'membre', 'given', 'Prénom Nom de famille', '+22370000000')",
        )
        .expect("prepare");
    for p in 0..participants {
        stmt.execute((
            format!("p{p:09}"),
            format!("s{:07}", p / per_session),
            format!("P{p:09}"),
            if p % 2 == 0 { "female" } else { "male" },
        ))
        .expect("participant");
    }
    drop(stmt);
    c.execute_batch("COMMIT").expect("commit");
}

fn status_kb(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").expect("status");
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .expect("field")
}

/// Peak memory added by `f`, in kB.
fn peak_added(f: impl FnOnce()) -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").expect("reset VmHWM");
    let before = status_kb("VmRSS:");
    f();
    status_kb("VmHWM:").saturating_sub(before)
}

fn export_all(store: &mut Store, dir: &Path) -> u64 {
    let mut rows = 0;
    for (format, name) in [
        (Format::Csv, "csv"),
        (Format::Xlsx, "out.xlsx"),
        (Format::Json, "out.json"),
    ] {
        let sum = export::run(
            store,
            format,
            &dir.join(name),
            &ExportOptions::default(),
            &mut |_| {},
        )
        .expect("export");
        rows = sum
            .tables
            .iter()
            .find(|t| t.table == "participant")
            .map(|t| t.rows)
            .unwrap_or(0);
    }
    rows
}

#[test]
#[cfg(target_os = "linux")]
fn large_export_memory_does_not_grow_with_participants() {
    let small_n = 10_000;
    let large_n = 150_000;
    let dir = tempfile::tempdir().expect("tmp");
    let mut small = Store::open_in_dir(&dir.path().join("small")).expect("open");
    fill(&small, small_n);
    let mut large = Store::open_in_dir(&dir.path().join("large")).expect("open");
    fill(&large, large_n);
    // Warm up allocator and SQLite caches once, so the two measures compare like with like.
    export_all(&mut small, &dir.path().join("warm"));
    let mut rows_small = 0;
    let small_kb = peak_added(|| rows_small = export_all(&mut small, &dir.path().join("s")));
    let mut rows_large = 0;
    let large_kb = peak_added(|| rows_large = export_all(&mut large, &dir.path().join("l")));
    assert_eq!((rows_small, rows_large), (small_n as u64, large_n as u64));
    let json_size = std::fs::metadata(dir.path().join("l/out.json"))
        .expect("json")
        .len();
    eprintln!("peak memory added: {small_n} participants {small_kb} kB, {large_n} participants {large_kb} kB; JSON {json_size} bytes");
    // 15 times the participants: loading them would add tens of MB (the JSON alone is
    // json_size bytes). Streaming keeps the growth to what the sessions index needs.
    assert!(
        large_kb < 48 * 1024,
        "export of {large_n} participants added {large_kb} kB"
    );
    assert!(
        large_kb < small_kb + 24 * 1024,
        "memory grows with participants: {small_kb} kB -> {large_kb} kB"
    );
    assert!(
        json_size / 1024 > 2 * large_kb,
        "the measure would have caught loading the data"
    );
}
