//! `terrain serve` and `terrain sync` run as child processes of this same binary, so that their
//! peak memory is their own. Loopback only. A child is killed and reaped when its handle is
//! dropped: no error or panic of the benchmark leaves one running.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use terrain_hub::SyncSummary;

use super::measure::{ms, peak_memory_kb};
use super::stopped;
use crate::ctx::Result;

/// How long a hub may take to start, and a sync to finish.
const HUB_START: Duration = Duration::from_secs(60);
const SYNC_LIMIT: Duration = Duration::from_secs(600);

/// A child process, killed (if still running) and reaped when dropped.
struct Running(Child);

impl Running {
    fn start(command: &mut Command) -> Result<Running> {
        Ok(Running(command.stderr(Stdio::inherit()).spawn()?))
    }

    fn stdout(&mut self) -> Result<ChildStdout> {
        self.0
            .stdout
            .take()
            .ok_or_else(|| stopped("no output from a child process"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `terrain --db DB` as a command of this same binary.
fn terrain(db: &Path) -> Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.arg("--db").arg(db).stdout(Stdio::piped());
    Ok(command)
}

/// A hub serving on a loopback port chosen by the system.
pub struct Hub {
    process: Running,
    pub url: String,
    pub code: String,
}

impl Hub {
    /// Starts `terrain --db DB serve` and waits for its address and join code.
    pub fn start(db: &Path) -> Result<Hub> {
        // The hub logs every request and refusal: to a file beside its database.
        let log = std::fs::File::create(db.with_extension("log"))?;
        let mut process = Running::start(
            terrain(db)?
                .args(["serve", "--listen", "127.0.0.1:0"])
                .stderr(log),
        )?;
        let lines = read_lines(process.stdout()?);
        let (mut url, mut code) = (String::new(), String::new());
        while url.is_empty() || code.is_empty() {
            let line = lines
                .recv_timeout(HUB_START)
                .map_err(|_| stopped("the hub did not start"))?;
            if let Some(u) = line.strip_prefix("listening on ") {
                url = u.to_string();
            }
            if let Some(c) = line.strip_prefix("join code: ") {
                code = c.to_string();
            }
        }
        Ok(Hub { process, url, code })
    }

    /// The hub's peak memory so far, in KiB.
    pub fn peak_memory_kb(&self) -> Option<u64> {
        peak_memory_kb(self.process.0.id())
    }
}

/// The lines a child prints, read on a thread until it closes its output (read to the end, so
/// the child never blocks on a full pipe).
fn read_lines(out: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out)
            .lines()
            .map_while(std::result::Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    rx
}

/// One sync of a laptop with a hub, run as its own process.
pub struct Synced {
    pub summary: SyncSummary,
    /// Including the process's start.
    pub wall_ms: f64,
    pub peak_kb: Option<u64>,
}

/// Runs `terrain --db DB sync URL --join CODE --json --quiet`, sampling its peak memory until
/// it exits.
pub fn sync(db: &Path, hub: &Hub) -> Result<Synced> {
    let t = Instant::now();
    let mut sync = terrain(db)?;
    sync.args(["sync", &hub.url, "--join", &hub.code, "--json", "--quiet"]);
    let mut process = Running::start(&mut sync)?;
    let mut out = process.stdout()?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let pid = process.0.id();
    let mut peak_kb = None;
    let status = loop {
        peak_kb = peak_memory_kb(pid).or(peak_kb);
        if let Some(status) = process.0.try_wait()? {
            break status;
        }
        if t.elapsed() > SYNC_LIMIT {
            return Err(stopped("sync took more than 10 minutes"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall_ms = ms(t);
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(stopped("the sync process failed"));
    }
    let summary: SyncSummary = serde_json::from_str(&text).map_err(stopped)?;
    Ok(Synced {
        summary,
        wall_ms,
        peak_kb,
    })
}
