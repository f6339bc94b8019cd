//! `terrain bench hub`: network sync on loopback. A laptop holding N records (about ten field
//! changes each) syncs with an empty hub, then a delta of 10 records; then many laptops sync
//! at once. The hub and the syncing laptop run as child processes (this same binary), so
//! their peak memory (VmHWM, Linux) is their own. Last, the delta sync again under a flood of
//! hostile 16 MiB uploads (strangers, then an enrolled id with a forged signature), to compare
//! with its normal time; the hub's log goes to `hub.log` in the scratch folder.

use crate::ctx::say;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde_json::json;
use terrain_core::schema::Role;
use terrain_core::{sync, Entity, Store};

use super::generate::{fields, participant};
use super::measure::{mb, median, ms};
use super::processes::{self, Hub};
use super::scratch::Scratch;
use super::stopped;
use crate::ctx::Result;

#[derive(clap::Args)]
pub struct Args {
    /// Records on the laptop of the first sync (about ten field changes each).
    #[arg(long, default_value_t = 100_000)]
    records: usize,
    /// Laptops syncing at once in the last part.
    #[arg(long, default_value_t = 20)]
    laptops: usize,
    /// Hostile uploaders during the flooded delta syncs.
    #[arg(long, default_value_t = 200)]
    flood: usize,
    /// Where to put the scratch databases (default: a temporary folder, removed after).
    #[arg(long)]
    dir: Option<PathBuf>,
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

pub fn run(args: Args) -> Result<()> {
    let scratch = Scratch::new(args.dir, "hub")?;
    bench(scratch.path(), args.records, args.laptops, args.flood)
}

/// Adds 10 participants to the laptop (a delta to sync).
fn add_delta(laptop_db: &Path) -> Result<()> {
    let mut laptop = Store::open(laptop_db)?;
    let session: String = laptop
        .conn()
        .query_row("SELECT id FROM session LIMIT 1", [], |r| r.get(0))?;
    laptop.write(|w| {
        for i in 0..10 {
            w.create(Entity::Participant, &participant(&session, i))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The delta sync's time in sync (ms), the fastest of three: this measures the hub, not
/// what else the machine runs.
fn delta_ms(laptop_db: &Path, hub: &Hub) -> Result<f64> {
    let mut best = f64::MAX;
    for _ in 0..3 {
        add_delta(laptop_db)?;
        best = best.min(processes::sync(laptop_db, hub)?.summary.millis as f64);
    }
    Ok(best)
}

fn bench(dir: &Path, records: usize, laptops: usize, flood: usize) -> Result<()> {
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
    sync::seal_own(&laptop)?;
    let changes = sync::count_missing(laptop.conn(), &study, &sync::Vector::new())?;
    let build_s = t.elapsed().as_secs_f64();
    let invite = sync::invite(&laptop, &study, Role::Enumerator)?;
    drop(laptop);
    sync::join_invitation(&Store::open(&hub_db)?, &invite)?;

    eprintln!("… starting the hub");
    let hub = Hub::start(&hub_db)?;
    eprintln!("… first sync ({changes} field changes)");
    let first = processes::sync(&laptop_db, &hub)?;
    let hub_after_first = hub.peak_memory_kb();

    eprintln!("… delta of 10 records");
    add_delta(&laptop_db)?;
    let delta = processes::sync(&laptop_db, &hub)?;

    eprintln!("… delta syncs, then under a flood of {flood} uploaders");
    let calm_ms = delta_ms(&laptop_db, &hub)?;
    let address = hub.url.trim_start_matches("http://").to_string();
    let node = Store::open(&laptop_db)?.node_id().to_string();
    let mut flooded = Vec::new();
    for forge in [None, Some((study.clone(), node))] {
        let running = super::flood::Flood::start(&address, flood, forge);
        let t = Instant::now();
        while running.attempts() < flood as u64 && t.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let ms = delta_ms(&laptop_db, &hub)?;
        flooded.push((ms, running.stop()));
    }
    let hub_flood_peak = hub.peak_memory_kb();

    eprintln!("… {laptops} laptops at once");
    let crowd = crowd(dir, &hub, laptops)?;
    let hub_peak = hub.peak_memory_kb();
    drop(hub);

    let s1 = first.summary.studies.first().cloned().unwrap_or_default();
    let sd = delta.summary.studies.first().cloned().unwrap_or_default();
    say!("terrain bench hub (loopback, hub and laptop as separate processes)");
    say!("  laptop: {records} records, {changes} field changes (built in {build_s:.1} s)");
    say!("first sync to an empty hub");
    say!(
        "  changes sent        {} ({} new to the hub)",
        s1.sent,
        s1.sent_new
    );
    say!(
        "  time                {:.0} ms in sync, {:.0} ms with process start",
        first.summary.millis as f64,
        first.wall_ms
    );
    say!(
        "  throughput          {:.0} changes/s",
        s1.sent as f64 / (first.summary.millis.max(1) as f64 / 1000.0)
    );
    say!(
        "  bytes sent          {} ({:.1} bytes per change)",
        first.summary.bytes_sent,
        first.summary.bytes_sent as f64 / s1.sent.max(1) as f64
    );
    say!("  bytes received      {}", first.summary.bytes_received);
    say!("  peak memory laptop  {}", mb(first.peak_kb));
    say!("  peak memory hub     {}", mb(hub_after_first));
    say!("delta sync of 10 new records into that hub");
    say!("  changes sent        {}", sd.sent);
    say!(
        "  time                {:.0} ms in sync, {:.0} ms with process start",
        delta.summary.millis as f64,
        delta.wall_ms
    );
    say!("  bytes sent          {}", delta.summary.bytes_sent);
    say!("  bytes received      {}", delta.summary.bytes_received);
    say!("  peak memory laptop  {}", mb(delta.peak_kb));
    say!("delta sync under a flood of {flood} hostile 16 MiB uploads (fastest of 3)");
    say!("  normal              {calm_ms:.0} ms");
    for ((ms, uploads), who) in flooded.iter().zip(["strangers", "forged enrolled id"]) {
        say!(
            "  {who:<19} {ms:.0} ms ({:.1}x normal, {uploads} uploads)",
            ms / calm_ms.max(1.0)
        );
    }
    say!("  peak memory hub     {}", mb(hub_flood_peak));
    say!("{laptops} laptops syncing at once (each: first sync of its own records, in-process clients)");
    say!("  succeeded           {}/{laptops}", crowd.ok);
    say!("  total wall time     {:.0} ms", crowd.wall_ms);
    say!(
        "  per laptop          min {:.0} ms, median {:.0} ms, max {:.0} ms",
        crowd.min_ms,
        crowd.median_ms,
        crowd.max_ms
    );
    say!("  peak memory hub     {} (whole run)", mb(hub_peak));
    if crowd.ok < laptops {
        return Err(stopped(format!(
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
fn crowd(dir: &Path, hub: &Hub, laptops: usize) -> Result<Crowd> {
    let lead_db = dir.join("crowd-lead.db");
    let mut lead = Store::open(&lead_db)?;
    let study = lead.create(Entity::Study, &fields(json!({"title": "Bench crowd"})))?;
    sync::ensure_study_key(&lead, &study)?;
    let session = lead.create(
        Entity::Session,
        &fields(json!({"study_id": study, "session_type": "workshop", "date": "2026-11-21"})),
    )?;
    let invite = sync::invite(&lead, &study, Role::Enumerator)?;
    // The hub process reads study keys from its store on each request: joining now is enough.
    sync::join_invitation(&Store::open(&dir.join("hub.db"))?, &invite)?;
    let cancel = AtomicBool::new(false);
    let opts = terrain_hub::SyncOptions {
        join_code: Some(hub.code.clone()),
        ..terrain_hub::SyncOptions::default()
    };
    terrain_hub::sync(&mut lead, &hub.url, &opts, &mut |_| {}, &cancel)?;
    let mut stores = Vec::new();
    for i in 0..laptops {
        let mut s = Store::open(&dir.join(format!("crowd-{i}.db")))?;
        sync::join_invitation(&s, &invite)?;
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
                        .map(|_| ms(t))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let wall_ms = ms(t);
    let mut ok: Vec<f64> = times.into_iter().flatten().collect();
    let median_ms = median(&mut ok);
    Ok(Crowd {
        ok: ok.len(),
        wall_ms,
        min_ms: ok.first().copied().unwrap_or(0.0),
        median_ms,
        max_ms: ok.last().copied().unwrap_or(0.0),
    })
}
