//! `terrain bench sync`: what the change-logged write path costs against plain SQLite, how fast
//! a large bundle merges into an empty replica, what a small delta costs on a large replica,
//! how small a field change is on the wire, and how much memory a large import takes.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde_json::json;

use ed25519_dalek::SigningKey;
use terrain_core::changes::{participant_code, sign_segments, Change};
use terrain_core::schema::{self, Entity, Role, ACTOR_GROUPS, PARTICIPANT_CONSENT, SEXES};
use terrain_core::store::{node_id_of, Store, CACHE_KIB};
use terrain_core::sync::bundle::{self, ExportTarget};
use terrain_core::sync::{self as keys, apply_signed, ChangeBatch};
use terrain_core::{Fields, Result};

use super::generate::{fields, participant, Laptops};
use super::measure::{median, ms, peak_memory_kb, reset_peak_memory, thread_cpu_ms};
use super::scratch::Scratch;

#[derive(clap::Args)]
pub struct Args {
    /// Field changes in the large bundle.
    #[arg(long, default_value_t = 1_000_000)]
    n: u64,
    /// Where to put the scratch databases (default: a temporary folder, removed after).
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub fn run(args: Args) -> crate::ctx::Result<()> {
    let scratch = Scratch::new(args.dir, "sync")?;
    let result = bench_sync(&scratch, args.n, &mut |step| eprintln!("… {step}"))?;
    crate::ctx::write_out(format_args!("{result}"))?;
    Ok(())
}

struct SyncBench {
    rows: usize,
    plain_insert_ms: f64,
    write_path_ms: f64,
    changes: u64,
    build_source_ms: f64,
    export_ms: f64,
    bundle_bytes: u64,
    import_ms: f64,
    import_cpu_ms: Option<f64>,
    import_peak_kb: Option<u64>,
    delta_export_ms: f64,
    delta_import_ms: f64,
    delta_changes: u64,
    delta_bytes: u64,
    /// The same write path and import on stores encrypted at rest (SQLCipher).
    encrypted_write_path_ms: f64,
    encrypted_import_ms: f64,
    /// Opening an encrypted store with its passphrase: Argon2id, the key, the first read.
    unlock_ms: f64,
}

/// The passphrase of the benchmark's encrypted stores.
const BENCH_PASSPHRASE: &str = "banc d'essai chiffré";

/// A new store in `dir`, plain or encrypted at rest.
fn new_store(dir: &Path, encrypted: bool) -> Result<Store> {
    if !encrypted {
        return Store::open_in_dir(dir);
    }
    std::fs::create_dir_all(dir)?;
    let (store, _) =
        Store::create_encrypted(&dir.join(terrain_core::store::DB_FILE), BENCH_PASSPHRASE)?;
    Ok(store)
}

/// The two other laptops' device keys (fixed: the same history every run).
fn laptop_keys() -> [SigningKey; 2] {
    [
        SigningKey::from_bytes(&[0x0a; 32]),
        SigningKey::from_bytes(&[0x0b; 32]),
    ]
}

/// A chunk of the laptops' changes as a bundle brings it: with each laptop's signatures.
fn signed(study: &str, chunk: Vec<Change>, keys: &[SigningKey]) -> Result<ChangeBatch> {
    let mut segments = Vec::new();
    for key in keys {
        let node = node_id_of(&key.verifying_key());
        let own: Vec<Change> = chunk.iter().filter(|c| c.node == node).cloned().collect();
        segments.extend(sign_segments(study, &own, key)?);
    }
    Ok(ChangeBatch {
        changes: chunk,
        segments,
    })
}

/// Synthetic history of a study: participants written by two laptops, each created with nine
/// fields and edited once (with its prev), about ten field changes per participant.
struct Generator {
    rng: StdRng,
    laptops: Laptops,
    sessions: Vec<String>,
}

impl Generator {
    /// A change of laptop `n`, one to three clock ticks after the last one.
    fn change(
        &mut self,
        n: usize,
        entity: Entity,
        row: &str,
        field: &str,
        value: SqlValue,
    ) -> Change {
        self.laptops.wait(self.rng.gen_range(0..3));
        self.laptops.change(n, entity, row, field, value, None)
    }

    fn record(&mut self, i: usize) -> Vec<Change> {
        let n = i % 2;
        let id = uuid::Uuid::now_v7().to_string();
        let session = self.sessions[self.rng.gen_range(0..self.sessions.len())].clone();
        let age: i64 = self.rng.gen_range(15..80);
        let text = |s: &str| SqlValue::Text(s.to_string());
        let p = Entity::Participant;
        let mut out = vec![
            self.change(n, p, &id, "session_id", text(&session)),
            self.change(
                n,
                p,
                &id,
                "code",
                text(&format!("P{:03}-{:04X}", i % 1000, i % 65536)),
            ),
        ];
        let sex = SEXES[self.rng.gen_range(0..2)];
        out.push(self.change(n, p, &id, "sex", text(sex)));
        out.push(self.change(n, p, &id, "age", SqlValue::Integer(age)));
        out.push(self.change(n, p, &id, "age_band", text(schema::age_band_of(age))));
        let group = ACTOR_GROUPS[self.rng.gen_range(0..ACTOR_GROUPS.len())];
        out.push(self.change(n, p, &id, "actor_group", text(group)));
        out.push(self.change(n, p, &id, "institution", text("Mairie")));
        let role = self.change(n, p, &id, "role", text("membre"));
        let role_stamp = role.stamp();
        out.push(role);
        let consent = PARTICIPANT_CONSENT[self.rng.gen_range(0..2)];
        out.push(self.change(n, p, &id, "consent", text(consent)));
        self.laptops.wait(self.rng.gen_range(0..3));
        out.push(
            self.laptops
                .change(n, p, &id, "role", text("présidente"), Some(role_stamp)),
        );
        out
    }
}

/// Runs the benchmark in `scratch` (emptied stores are created there). `n` field changes are
/// merged; the insert comparison uses n/10 rows (at most 100,000).
fn bench_sync(scratch: &Scratch, n: u64, progress: &mut dyn FnMut(&str)) -> Result<SyncBench> {
    let rows = ((n / 10) as usize).clamp(100, 100_000);

    // The machine's noise moves one round by several per cent: the median of three rounds,
    // taken in turn, compares like with like.
    let mut plain_rounds = Vec::new();
    let mut write_rounds = Vec::new();
    let mut encrypted_rounds = Vec::new();
    for round in 1..=ROUNDS {
        progress(&format!("plain SQLite insert, round {round} of {ROUNDS}"));
        plain_rounds.push(plain_insert(&scratch.fresh("plain")?, rows)?);
        progress(&format!("write path, round {round} of {ROUNDS}"));
        write_rounds.push(write_path(&scratch.fresh("writepath")?, rows, false)?);
        progress(&format!(
            "write path, encrypted store, round {round} of {ROUNDS}"
        ));
        encrypted_rounds.push(write_path(&scratch.fresh("writepath-enc")?, rows, true)?);
    }
    let plain_insert_ms = median(&mut plain_rounds);
    let write_path_ms = median(&mut write_rounds);
    let encrypted_write_path_ms = median(&mut encrypted_rounds);

    progress("building a source replica");
    let mut source = Store::open_in_dir(&scratch.join("source"))?;
    // The source founds the study; the two laptops whose history it receives are members.
    let study = source.create(Entity::Study, &fields(json!({"title": "Bench"})))?;
    let laptop_keys = laptop_keys();
    let nodes: Vec<String> = laptop_keys
        .iter()
        .map(|k| node_id_of(&k.verifying_key()))
        .collect();
    for key in &laptop_keys {
        keys::grant(
            &source,
            &study,
            &key.verifying_key().to_bytes(),
            Role::Enumerator,
        )?;
    }
    let node_refs: Vec<&str> = nodes.iter().map(String::as_str).collect();
    let mut g = Generator {
        rng: StdRng::seed_from_u64(7),
        laptops: Laptops::new(&study, &node_refs),
        sessions: Vec::new(),
    };
    let mut head = Vec::new();
    for _ in 0..100 {
        let s = uuid::Uuid::now_v7().to_string();
        for (f, v) in [
            ("study_id", study.as_str()),
            ("session_type", "focus_group"),
            ("date", "2026-11-20"),
        ] {
            head.push(g.change(1, Entity::Session, &s, f, SqlValue::Text(v.into())));
        }
        g.sessions.push(s);
    }
    let t = Instant::now();
    let mut total = head.len() as u64;
    apply_signed(&mut source, &study, &signed(&study, head, &laptop_keys)?)?;
    let mut i = 0;
    while total < n {
        let mut chunk = Vec::with_capacity(bundle::BATCH_SIZE + 10);
        while chunk.len() < bundle::BATCH_SIZE && total + (chunk.len() as u64) < n {
            chunk.extend(g.record(i));
            i += 1;
        }
        total += chunk.len() as u64;
        apply_signed(&mut source, &study, &signed(&study, chunk, &laptop_keys)?)?;
    }
    let build_source_ms = ms(t);
    keys::ensure_study_key(&source, &study)?;

    progress("full export");
    let bundle = scratch.join("full.terrain");
    let t = Instant::now();
    let exported =
        bundle::export_bundle(&source, &study, &ExportTarget::Full, &bundle, &mut |_| {})?;
    let export_ms = ms(t);

    progress("import into an empty replica");
    let mut target = Store::open_in_dir(&scratch.join("target"))?;
    keys::join_invitation(&target, &keys::invite(&source, &study, Role::Enumerator)?)?;
    let measured = reset_peak_memory();
    let t = Instant::now();
    let cpu = thread_cpu_ms();
    bundle::import_bundle(&mut target, &bundle, &mut |_| {})?;
    let import_ms = ms(t);
    let import_cpu_ms = cpu.zip(thread_cpu_ms()).map(|(a, b)| b - a);
    let import_peak_kb = if measured {
        peak_memory_kb(std::process::id())
    } else {
        None
    };

    progress("import into an empty encrypted replica");
    let encrypted_dir = scratch.fresh("target-enc")?;
    let mut encrypted = new_store(&encrypted_dir, true)?;
    keys::join_invitation(
        &encrypted,
        &keys::invite(&source, &study, Role::Enumerator)?,
    )?;
    let t = Instant::now();
    bundle::import_bundle(&mut encrypted, &bundle, &mut |_| {})?;
    let encrypted_import_ms = ms(t);
    let encrypted_path = encrypted.path().to_path_buf();
    drop(encrypted);
    progress("unlocking the encrypted replica");
    let t = Instant::now();
    drop(Store::open_with(
        &encrypted_path,
        terrain_core::store::Unlock::Passphrase(BENCH_PASSPHRASE),
    )?);
    let unlock_ms = ms(t);

    progress("delta of 10 records");
    // The source learns what the target holds from the target's (nearly empty) bundle.
    let back = scratch.join("back.terrain");
    bundle::export_bundle(
        &target,
        &study,
        &ExportTarget::For(source.node_id().to_string()),
        &back,
        &mut |_| {},
    )?;
    bundle::import_bundle(&mut source, &back, &mut |_| {})?;
    let session = g.sessions[0].clone();
    source.write(|w| {
        for i in 0..10 {
            w.create(Entity::Participant, &participant(&session, i))?;
        }
        Ok(())
    })?;
    let delta = scratch.join("delta.terrain");
    let t = Instant::now();
    let d = bundle::export_bundle(
        &source,
        &study,
        &ExportTarget::For(target.node_id().to_string()),
        &delta,
        &mut |_| {},
    )?;
    let delta_export_ms = ms(t);
    let t = Instant::now();
    bundle::import_bundle(&mut target, &delta, &mut |_| {})?;
    let delta_import_ms = ms(t);

    Ok(SyncBench {
        rows,
        plain_insert_ms,
        write_path_ms,
        changes: exported.changes,
        build_source_ms,
        export_ms,
        bundle_bytes: exported.bytes,
        import_ms,
        import_cpu_ms,
        import_peak_kb,
        delta_export_ms,
        delta_import_ms,
        delta_changes: d.changes,
        delta_bytes: d.bytes,
        encrypted_write_path_ms,
        encrypted_import_ms,
        unlock_ms,
    })
}

/// About 25 people per session, as in the field (the write path numbers them per session).
const PER_SESSION: usize = 25;

/// `rows` participants written through the write path into a new store (encrypted at rest or
/// not), one transaction.
fn write_path(dir: &Path, rows: usize, encrypted: bool) -> Result<f64> {
    let mut wp = new_store(dir, encrypted)?;
    let study = wp.create(Entity::Study, &fields(json!({"title": "Bench"})))?;
    let sessions: Vec<String> = wp.write(|w| {
        (0..rows.div_ceil(PER_SESSION))
            .map(|_| {
                w.create(
                    Entity::Session,
                    &fields(json!({"study_id": study, "session_type": "focus_group", "date": "2026-11-20"})),
                )
            })
            .collect()
    })?;
    // What a person typed arrives as fields (the UI's JSON): made off the clock, as the plain
    // insert's values are at hand, a chunk at a time to keep memory small; one transaction.
    let mut write_path_ms = 0.0;
    let mut commit_start = Instant::now();
    wp.write(|w| {
        for chunk in (0..rows).collect::<Vec<_>>().chunks(10_000) {
            let typed: Vec<Fields> = chunk
                .iter()
                .map(|i| participant(&sessions[i / PER_SESSION], *i))
                .collect();
            let t = Instant::now();
            for f in &typed {
                w.create(Entity::Participant, f)?;
            }
            write_path_ms += ms(t);
        }
        commit_start = Instant::now();
        Ok(())
    })?;
    // The commit (WAL write and fsync) counts, as it does for the plain insert.
    Ok(write_path_ms + ms(commit_start))
}

const ROUNDS: usize = 3;

/// The same participant rows (as the write path stores them) inserted with plain SQL into
/// the same table, with the same indexes and pragmas, with no change log and no checks.
fn plain_insert(dir: &Path, rows: usize) -> Result<f64> {
    let path = Store::open_in_dir(dir)?.path().to_path_buf();
    let mut conn = Connection::open(&path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    let sessions: Vec<String> = (0..rows.div_ceil(PER_SESSION))
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let typed: Vec<Fields> = (0..rows)
        .map(|i| participant(&sessions[i / PER_SESSION], i))
        .collect();
    let t = Instant::now();
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO participant(id, session_id, code, sex, age, age_band, actor_group, institution, role, consent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (i, f) in typed.iter().enumerate() {
            let id = uuid::Uuid::now_v7().to_string();
            let text = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let age = f.get("age").and_then(|v| v.as_i64()).unwrap_or_default();
            stmt.execute((
                &id,
                text("session_id"),
                participant_code(&id, (i % PER_SESSION) as i64 + 1),
                text("sex"),
                age,
                schema::age_band_of(age),
                text("actor_group"),
                text("institution"),
                text("role"),
                text("consent"),
            ))?;
        }
    }
    tx.commit()?;
    Ok(ms(t))
}

impl fmt::Display for SyncBench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_s = |n: u64, ms: f64| {
            if ms > 0.0 {
                n as f64 / (ms / 1000.0)
            } else {
                0.0
            }
        };
        let ratio = if self.plain_insert_ms > 0.0 {
            self.write_path_ms / self.plain_insert_ms
        } else {
            0.0
        };
        writeln!(f, "{:<58} {:>16} {:>14}", "measure", "value", "target")?;
        writeln!(f, "{}", "-".repeat(90))?;
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            format!(
                "plain SQLite insert, {} rows (median of {ROUNDS})",
                self.rows
            ),
            self.plain_insert_ms,
            ""
        )?;
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            format!(
                "write path (change log), {} rows (median of {ROUNDS})",
                self.rows
            ),
            self.write_path_ms,
            ""
        )?;
        writeln!(
            f,
            "{:<58} {:>15.2}x {:>14}",
            "write path / plain insert", ratio, "<= 2x"
        )?;
        let overhead = |encrypted: f64, plain: f64| {
            if plain > 0.0 {
                (encrypted / plain - 1.0) * 100.0
            } else {
                0.0
            }
        };
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            format!("write path, encrypted store (median of {ROUNDS})"),
            self.encrypted_write_path_ms,
            ""
        )?;
        writeln!(
            f,
            "{:<58} {:>14.1} % {:>14}",
            "  encryption's cost on the write path",
            overhead(self.encrypted_write_path_ms, self.write_path_ms),
            "< 25 %"
        )?;
        writeln!(
            f,
            "{:<58} {:>11.0} ch/s {:>14}",
            format!(
                "merge, {} changes applied in 10k batches (no bundle)",
                self.changes
            ),
            per_s(self.changes, self.build_source_ms),
            ""
        )?;
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            "full export of those changes", self.export_ms, ""
        )?;
        writeln!(
            f,
            "{:<58} {:>11.0} ch/s {:>14}",
            format!(
                "bundle import (verify + merge) into empty replica, {:.1} s",
                self.import_ms / 1000.0
            ),
            per_s(self.changes, self.import_ms),
            ">= 100000/s"
        )?;
        if let Some(cpu) = self.import_cpu_ms {
            writeln!(
                f,
                "{:<58} {:>11.0} ch/s {:>14}",
                format!("  same, per CPU second ({:.1} s of CPU)", cpu / 1000.0),
                per_s(self.changes, cpu),
                ""
            )?;
        }
        writeln!(
            f,
            "{:<58} {:>11.0} ch/s {:>14}",
            format!(
                "  same, into an encrypted replica, {:.1} s",
                self.encrypted_import_ms / 1000.0
            ),
            per_s(self.changes, self.encrypted_import_ms),
            ""
        )?;
        writeln!(
            f,
            "{:<58} {:>14.1} % {:>14}",
            "  encryption's cost on the import",
            overhead(self.encrypted_import_ms, self.import_ms),
            "< 25 %"
        )?;
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            "unlock an encrypted store (Argon2id 64 MiB, 3 passes)", self.unlock_ms, "~1 s"
        )?;
        writeln!(
            f,
            "{:<58} {:>13.2} B {:>14}",
            format!(
                "bundle bytes per field change ({} bytes)",
                self.bundle_bytes
            ),
            self.bundle_bytes as f64 / self.changes.max(1) as f64,
            ""
        )?;
        let peak = self
            .import_peak_kb
            .map(|k| format!("{:.1} MB", k as f64 / 1024.0))
            .unwrap_or_else(|| "n/a".into());
        writeln!(
            f,
            "{:<58} {:>16} {:>14}",
            "peak memory (VmHWM) during that import", peak, "< 200 MB"
        )?;
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            format!(
                "delta export, 10 records ({} changes, {} B)",
                self.delta_changes, self.delta_bytes
            ),
            self.delta_export_ms,
            ""
        )?;
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            "delta import into the 1M replica", self.delta_import_ms, ""
        )?;
        writeln!(
            f,
            "{:<58} {:>13.1} ms {:>14}",
            "delta export + import",
            self.delta_export_ms + self.delta_import_ms,
            "< 50 ms"
        )
    }
}
