//! `terrain bench hub`: network sync on loopback. A laptop holding N records (about ten field
//! changes each) syncs with an empty hub, then a delta of 10 records; then many laptops sync
//! at once. The hub and the syncing laptop run as child processes (this same binary), so
//! their peak memory (VmHWM, Linux) is their own.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;
use terrain_core::schema::{ACTOR_GROUPS, PARTICIPANT_CONSENT, SEXES};
use terrain_core::Fields;
use terrain_core::{sync, Entity, Error, Store};
use terrain_hub::SyncSummary;

use crate::ctx::{Ctx, Failure, Result};

#[derive(clap::Args)]
pub struct Args {
    /// Records on the laptop of the first sync (about ten field changes each).
    #[arg(long, default_value_t = 100_000)]
    records: usize,
    /// Laptops syncing at once in the last part.
    #[arg(long, default_value_t = 20)]
    laptops: usize,
    /// Where to put the scratch databases (default: a temporary folder, removed after).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// The benchmark itself could not go on (a hub that did not start, a sync that failed).
fn refused(e: impl std::fmt::Display) -> Failure {
    Failure::Core(Error::Internal(e.to_string()))
}

fn fields(v: serde_json::Value) -> Fields {
    serde_json::from_value(v).unwrap_or_default()
}

/// A participant as a field team records one: nine fields on creation.
fn participant(session: &str, i: usize) -> Fields {
    fields(json!({
        "session_id": session,
        "sex": SEXES[i % 2],
        "age": 15 + (i % 65) as i64,
        "actor_group": ACTOR_GROUPS[i % ACTOR_GROUPS.len()],
        "institution": format!("Mairie de la commune {}", i % 97),
        "role": "membre",
        "consent": PARTICIPANT_CONSENT[i % 2],
    }))
}

/// Sessions, then `records` participants each created and edited once (~10 field changes).
fn fill(
    store: &mut Store,
    study: &str,
    records: usize,
    progress: &mut dyn FnMut(usize),
) -> Result<()> {
    let sessions: Vec<String> = store.write(|w| {
        (0..100)
            .map(|i| {
                w.create(
                    Entity::Session,
                    &fields(json!({"study_id": study, "session_type": "focus_group",
                                   "date": "2026-11-20", "title": format!("séance {i}")})),
                )
            })
            .collect()
    })?;
    let mut done = 0;
    while done < records {
        let n = (records - done).min(10_000);
        store.write(|w| {
            for i in done..done + n {
                let id = w.create(
                    Entity::Participant,
                    &participant(&sessions[i % sessions.len()], i),
                )?;
                w.update(
                    Entity::Participant,
                    &id,
                    &fields(json!({"role": "présidente"})),
                )?;
            }
            Ok(())
        })?;
        done += n;
        progress(done);
    }
    Ok(())
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mb(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

struct HubProcess {
    child: Child,
    url: String,
    code: String,
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_hub(exe: &Path, db: &Path) -> Result<HubProcess> {
    let mut child = Command::new(exe)
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| refused("no stdout from the hub"))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut hub = HubProcess {
        child,
        url: String::new(),
        code: String::new(),
    };
    while hub.url.is_empty() || hub.code.is_empty() {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .map_err(|_| refused("the hub did not start"))?;
        if let Some(u) = line.strip_prefix("listening on ") {
            hub.url = u.to_string();
        }
        if let Some(c) = line.strip_prefix("join code: ") {
            hub.code = c.to_string();
        }
    }
    Ok(hub)
}

struct Measured {
    summary: SyncSummary,
    wall_ms: f64,
    peak_kb: Option<u64>,
}

/// Runs `terrain --db DB sync URL` as a child, sampling its peak memory until it exits.
fn sync_child(exe: &Path, db: &Path, url: &str, code: &str) -> Result<Measured> {
    let t = Instant::now();
    let mut child = Command::new(exe)
        .arg("--db")
        .arg(db)
        .args(["sync", url, "--join", code, "--json", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let pid = child.id();
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| refused("no stdout from sync"))?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let mut peak = None;
    let deadline = Instant::now() + Duration::from_secs(600);
    let status = loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak = Some(kb);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(refused("sync took more than 10 minutes"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall_ms = t.elapsed().as_secs_f64() * 1000.0;
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(refused("the sync process failed"));
    }
    let summary: SyncSummary = serde_json::from_str(&text).map_err(refused)?;
    Ok(Measured {
        summary,
        wall_ms,
        peak_kb: peak,
    })
}

pub fn run(_ctx: &Ctx, args: Args) -> Result<()> {
    let (dir, remove) = match args.dir {
        Some(d) => (d, false),
        None => (
            std::env::temp_dir().join(format!("terrain-bench-hub-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&dir)?;
    let result = bench(&dir, args.records, args.laptops);
    if remove {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn bench(dir: &Path, records: usize, laptops: usize) -> Result<()> {
    let exe = std::env::current_exe()?;
    let laptop_db = dir.join("laptop.db");
    let hub_db = dir.join("hub.db");

    eprintln!("… building a laptop with {records} records");
    let t = Instant::now();
    let mut laptop = Store::open(&laptop_db)?;
    let study = laptop.create(Entity::Study, &fields(json!({"title": "Bench hub"})))?;
    sync::ensure_study_key(&laptop, &study)?;
    fill(&mut laptop, &study, records, &mut |n| {
        if n % 20_000 == 0 {
            eprintln!("…   {n}");
        }
    })?;
    let changes: i64 = laptop.conn().query_row(
        "SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM change_log",
        [],
        |r| r.get(0),
    )?;
    let build_s = t.elapsed().as_secs_f64();
    let invite = sync::invite(&laptop, &study)?;
    drop(laptop);
    sync::join(&Store::open(&hub_db)?, &invite)?;

    eprintln!("… starting the hub");
    let hub = spawn_hub(&exe, &hub_db)?;
    eprintln!("… first sync ({changes} field changes)");
    let first = sync_child(&exe, &laptop_db, &hub.url, &hub.code)?;
    let hub_after_first = vm_hwm_kb(hub.child.id());

    eprintln!("… delta of 10 records");
    {
        let mut laptop = Store::open(&laptop_db)?;
        let session: String =
            laptop
                .conn()
                .query_row("SELECT id FROM session LIMIT 1", [], |r| r.get(0))?;
        laptop.write(|w| {
            for i in 0..10 {
                w.create(Entity::Participant, &participant(&session, i))?;
            }
            Ok(())
        })?;
    }
    let delta = sync_child(&exe, &laptop_db, &hub.url, &hub.code)?;

    eprintln!("… {laptops} laptops at once");
    let crowd = crowd(dir, &hub, laptops)?;
    let hub_peak = vm_hwm_kb(hub.child.id());
    drop(hub);

    let s1 = first.summary.studies.first().cloned().unwrap_or_default();
    let sd = delta.summary.studies.first().cloned().unwrap_or_default();
    println!("terrain bench hub (loopback, hub and laptop as separate processes)");
    println!("  laptop: {records} records, {changes} field changes (built in {build_s:.1} s)");
    println!("first sync to an empty hub");
    println!(
        "  changes sent        {} ({} new to the hub)",
        s1.sent, s1.sent_new
    );
    println!(
        "  time                {:.0} ms in sync, {:.0} ms with process start",
        first.summary.millis as f64, first.wall_ms
    );
    println!(
        "  throughput          {:.0} changes/s",
        s1.sent as f64 / (first.summary.millis.max(1) as f64 / 1000.0)
    );
    println!(
        "  bytes sent          {} ({:.1} bytes per change)",
        first.summary.bytes_sent,
        first.summary.bytes_sent as f64 / s1.sent.max(1) as f64
    );
    println!("  bytes received      {}", first.summary.bytes_received);
    println!("  peak memory laptop  {}", mb(first.peak_kb));
    println!("  peak memory hub     {}", mb(hub_after_first));
    println!("delta sync of 10 new records into that hub");
    println!("  changes sent        {}", sd.sent);
    println!(
        "  time                {:.0} ms in sync, {:.0} ms with process start",
        delta.summary.millis as f64, delta.wall_ms
    );
    println!("  bytes sent          {}", delta.summary.bytes_sent);
    println!("  bytes received      {}", delta.summary.bytes_received);
    println!("  peak memory laptop  {}", mb(delta.peak_kb));
    println!("{laptops} laptops syncing at once (each: first sync of its own records, in-process clients)");
    println!("  succeeded           {}/{laptops}", crowd.ok);
    println!("  total wall time     {:.0} ms", crowd.wall_ms);
    println!(
        "  per laptop          min {:.0} ms, median {:.0} ms, max {:.0} ms",
        crowd.min_ms, crowd.median_ms, crowd.max_ms
    );
    println!("  peak memory hub     {} (whole run)", mb(hub_peak));
    if crowd.ok < laptops {
        return Err(refused(format!(
            "{} of {laptops} laptops failed to sync",
            laptops - crowd.ok
        )));
    }
    Ok(())
}

struct Crowd {
    ok: usize,
    wall_ms: f64,
    min_ms: f64,
    median_ms: f64,
    max_ms: f64,
}

/// Many laptops of a second study, each with 200 records of its own, sync with the hub at
/// once (in-process clients, one thread each).
fn crowd(dir: &Path, hub: &HubProcess, laptops: usize) -> Result<Crowd> {
    let lead_db = dir.join("crowd-lead.db");
    let mut lead = Store::open(&lead_db)?;
    let study = lead.create(Entity::Study, &fields(json!({"title": "Bench crowd"})))?;
    sync::ensure_study_key(&lead, &study)?;
    let session = lead.create(
        Entity::Session,
        &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-11-21"})),
    )?;
    let invite = sync::invite(&lead, &study)?;
    // The hub process reads study keys from its store on each request: joining now is enough.
    sync::join(&Store::open(&dir.join("hub.db"))?, &invite)?;
    let cancel = AtomicBool::new(false);
    let opts = terrain_hub::SyncOptions {
        join_code: Some(hub.code.clone()),
        ..terrain_hub::SyncOptions::default()
    };
    terrain_hub::sync(&mut lead, &hub.url, &opts, &mut |_| {}, &cancel)?;
    let mut stores = Vec::new();
    for i in 0..laptops {
        let mut s = Store::open(&dir.join(format!("crowd-{i}.db")))?;
        sync::join(&s, &invite)?;
        // A first small sync brings the study and its session; then each laptop records its own.
        terrain_hub::sync(&mut s, &hub.url, &opts, &mut |_| {}, &cancel)?;
        s.write(|w| {
            for j in 0..200 {
                w.create(Entity::Participant, &participant(&session, j))?;
            }
            Ok(())
        })?;
        stores.push(s);
    }
    let t = Instant::now();
    let times: Vec<Option<f64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter_mut()
            .map(|s| {
                let (url, opts, cancel) = (&hub.url, &opts, &cancel);
                scope.spawn(move || {
                    let t = Instant::now();
                    terrain_hub::sync(s, url, opts, &mut |_| {}, cancel)
                        .ok()
                        .map(|_| t.elapsed().as_secs_f64() * 1000.0)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let wall_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut ok: Vec<f64> = times.into_iter().flatten().collect();
    ok.sort_by(f64::total_cmp);
    let pick = |i: usize| ok.get(i).copied().unwrap_or(0.0);
    Ok(Crowd {
        ok: ok.len(),
        wall_ms,
        min_ms: pick(0),
        median_ms: pick(ok.len() / 2),
        max_ms: pick(ok.len().saturating_sub(1)),
    })
}
