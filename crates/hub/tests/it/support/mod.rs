//! Shared pieces of the hub tests: stores in a temp dir, a study shared by join text, hubs
//! on 127.0.0.1 with a random port, syncs with a time limit.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::json;
use terrain_core::schema::Role;
use terrain_core::{sync, Entity, Store};
use terrain_hub::{HubError, LocalHub, SyncOptions, SyncSummary};

pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.db"))
    }

    pub fn store(&self, name: &str) -> Store {
        Store::open(&self.path(name)).expect("open store")
    }
}

pub fn fields(pairs: &[(&str, serde_json::Value)]) -> terrain_core::Fields {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Creates a study on `owner` and returns its id and an invitation (its sealed file and code).
pub fn new_study(owner: &mut Store, title: &str) -> (String, sync::Invitation) {
    let id = owner
        .create(Entity::Study, &fields(&[("title", json!(title))]))
        .expect("study");
    sync::ensure_study_key(owner, &id).expect("key");
    let invite = sync::invite(owner, &id, Role::Coordinator).expect("invite");
    (id, invite)
}

pub fn join(store: &Store, invite: &sync::Invitation) {
    sync::join_invitation(store, invite).expect("join");
}

pub fn new_session(store: &mut Store, study: &str, title: &str) -> String {
    store
        .create(
            Entity::Session,
            &fields(&[
                ("study_id", json!(study)),
                ("title", json!(title)),
                ("session_type", json!("focus_group")),
                ("date", json!("2026-02-03")),
            ]),
        )
        .expect("session")
}

pub fn start_hub(db: &Path) -> LocalHub {
    LocalHub::start(db, "127.0.0.1:0").expect("hub starts")
}

pub fn opts(join_code: Option<&str>) -> SyncOptions {
    SyncOptions {
        join_code: join_code.map(str::to_string),
        timeout: Duration::from_secs(60),
        ..SyncOptions::default()
    }
}

pub fn sync(
    store: &mut Store,
    url: &str,
    join_code: Option<&str>,
) -> Result<SyncSummary, HubError> {
    let cancel = AtomicBool::new(false);
    terrain_hub::sync(store, url, &opts(join_code), &mut |_| {}, &cancel)
}

pub fn dump(store: &Store) -> String {
    terrain_core::sync::dump_string(store.conn(), None).expect("dump")
}

pub fn change_ids(store: &Store) -> Vec<(String, i64)> {
    terrain_core::sync::all_changes(store.conn())
        .expect("changes")
        .into_iter()
        .map(|c| (c.node, c.seq))
        .collect()
}

/// A `terrain-hub` process on 127.0.0.1 with short timeouts, its log (stderr) gathered.
/// Killed when dropped.
pub struct HubProcess {
    pub child: std::process::Child,
    pub url: String,
    pub join_code: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl HubProcess {
    /// Starts the hub on `db`; `extra` are more arguments (limits).
    pub fn start(db: &Path, extra: &[&str]) -> HubProcess {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_terrain-hub"))
            .args(["--db", &db.to_string_lossy(), "--listen", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hub process starts");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut log) = sink.lock() {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (mut url, mut join_code) = (String::new(), String::new());
        while url.is_empty() || join_code.is_empty() {
            let line = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("hub prints its address");
            if let Some(u) = line.strip_prefix("listening on ") {
                url = u.to_string();
            }
            if let Some(c) = line.strip_prefix("join code: ") {
                join_code = c.to_string();
            }
        }
        HubProcess {
            child,
            url,
            join_code,
            log,
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The process's peak resident memory in bytes (Linux), None elsewhere.
    pub fn peak_rss(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    /// Open file descriptors of the process (Linux), None elsewhere.
    pub fn open_files(&self) -> Option<usize> {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .ok()
            .map(|d| d.count())
    }

    pub fn address(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A laptop with a study of `sessions` sessions, and a hub store that joined it.
pub fn laptop_and_hub(lab: &Lab, sessions: usize) -> (Store, String) {
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Mopti");
    add_sessions(&mut laptop, &study, sessions, "séance");
    join(&lab.store("hub"), &invite);
    (laptop, study)
}

pub fn add_sessions(store: &mut Store, study: &str, n: usize, title: &str) {
    store
        .write(|w| {
            for i in 0..n {
                w.create(
                    Entity::Session,
                    &fields(&[
                        ("study_id", json!(study)),
                        ("title", json!(format!("{title} {i}"))),
                        ("session_type", json!("workshop")),
                        ("date", json!("2026-03-04")),
                        ("notes", json!(format!("notes {title} {i}"))),
                    ]),
                )?;
            }
            Ok(())
        })
        .expect("sessions");
}
