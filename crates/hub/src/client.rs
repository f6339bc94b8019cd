//! The client side: a laptop (or a hub relaying to another hub) syncing with a hub.
//!
//! Per study both stores share: learn what the hub holds, push what it lacks in bounded
//! batches, then pull what this store lacks in bounded batches. Each batch is applied in one
//! transaction on the receiving side, and what a side holds is always read afresh from its
//! store, so a sync interrupted anywhere (cable pulled, hub killed) resumes where it stopped
//! on the next run and never applies a change twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use terrain_core::{Store, SyncError};
use ts_rs::TS;

use crate::auth::{self, Signed};
use crate::engine::{self, Imported};
use crate::error::{HubError, Refusal, Result};
use crate::protocol::*;
use crate::seal::{self, Context, Way};
use terrain_core::sync::Vector;

/// Most pull rounds per study in one sync. A round carries up to a batch of changes (10,000
/// by default), so this is millions of changes, far more than a study holds; a hub still
/// claiming more after that is holding the laptop, and syncing again goes on where it stopped.
pub const MAX_PULL_ROUNDS: u32 = 1000;

/// How a sync is run.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The hub's join code, needed on the first sync of this device with this hub.
    pub join_code: Option<String>,
    /// A name for this device on the hub's list.
    pub label: Option<String>,
    /// Changes per batch, both ways.
    pub batch: usize,
    /// Most pull rounds per study in one sync (see [`MAX_PULL_ROUNDS`]).
    pub max_rounds: u32,
    /// The protocol version announced (tests pretend to be a newer client).
    pub protocol: u32,
    /// Time allowed for one request.
    pub timeout: Duration,
    /// Added to this laptop's wall clock: simulates a laptop whose clock is wrong (tests).
    /// Defaults to `TERRAIN_CLOCK_OFFSET_MS`, as the store's clock does.
    pub clock_skew_ms: i64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            join_code: None,
            label: None,
            batch: DEFAULT_BATCH,
            max_rounds: MAX_PULL_ROUNDS,
            protocol: PROTOCOL_VERSION,
            timeout: Duration::from_secs(120),
            clock_skew_ms: std::env::var("TERRAIN_CLOCK_OFFSET_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        }
    }
}

/// Where a sync stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "HubStage")]
pub enum Stage {
    Connecting,
    Enrolling,
    Pushing,
    Pulling,
    Done,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, rename = "HubProgress")]
pub struct Progress {
    pub stage: Stage,
    pub study: Option<String>,
    /// Changes sent so far, and how many the hub lacked at the start.
    pub sent: u64,
    pub to_send: u64,
    /// Changes received so far.
    pub received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// What one study's sync did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StudySummary {
    pub study: String,
    /// The study's title for people: its record's, else its join file's, else its id.
    #[serde(default)]
    pub title: String,
    pub sent: u64,
    /// Of the sent changes, how many the hub did not have yet.
    pub sent_new: u64,
    pub received: u64,
    pub received_new: u64,
    pub conflicts: u64,
    /// Of the received changes, records this store did not have and fields of known
    /// records whose value changed (the desktop app's summary shows them).
    pub new_records: u64,
    pub updated_fields: u64,
}

/// What a whole sync did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncSummary {
    pub hub_node: String,
    pub enrolled: bool,
    pub studies: Vec<StudySummary>,
    /// Studies of this laptop the hub does not hold (join them on the hub to sync them).
    pub skipped_studies: Vec<String>,
    /// Their titles, in the same order.
    #[serde(default)]
    pub skipped_titles: Vec<String>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub millis: u64,
}

/// One connection to a hub for one store.
struct Session<'a> {
    agent: ureq::Agent,
    base: String,
    key: SigningKey,
    node: String,
    /// Hub clock minus ours: requests are stamped in the hub's time.
    offset_ms: i64,
    /// Our wall clock's error (see [`SyncOptions::clock_skew_ms`]).
    skew_ms: i64,
    protocol: u32,
    /// Most pull rounds per study (see [`SyncOptions::max_rounds`]).
    max_rounds: u32,
    progress: Progress,
    report: &'a mut dyn FnMut(&Progress),
    cancel: &'a AtomicBool,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Session<'_> {
    /// This laptop's wall clock, right or wrong.
    fn wall_ms(&self) -> i64 {
        now_ms() + self.skew_ms
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn unreachable(&self, e: impl std::fmt::Display) -> HubError {
        HubError::Unreachable {
            url: self.base.clone(),
            reason: e.to_string(),
        }
    }

    fn check_cancel(&self) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(HubError::Cancelled);
        }
        Ok(())
    }

    fn tell(&mut self) {
        (self.report)(&self.progress);
    }

    /// Reads an answer: the body on success, the hub's refusal otherwise.
    fn read(
        &mut self,
        resp: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Vec<u8>> {
        let mut resp = resp.map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| self.unreachable(e))?;
        self.progress.bytes_received += body.len() as u64;
        if status == 200 {
            return Ok(body);
        }
        let refusal = serde_json::from_slice::<Refusal>(&body).unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(&body)
                .chars()
                .take(200)
                .collect::<String>();
            Refusal::new(
                status,
                "http_error",
                format!("Le hub a répondu {status} : {text}"),
                format!("The hub answered {status}: {text}"),
            )
        });
        Err(Refusal { status, ..refusal }.into_error())
    }

    fn hello(&mut self) -> Result<Hello> {
        let before = self.wall_ms();
        let resp = self
            .agent
            .get(self.url(PATH_HELLO))
            .header(H_PROTOCOL, self.protocol.to_string())
            .call();
        let body = self.read(resp)?;
        let after = self.wall_ms();
        let hello: Hello =
            serde_json::from_slice(&body).map_err(|e| HubError::BadAnswer(e.to_string()))?;
        if hello.service != "terrain-hub" {
            return Err(HubError::BadAnswer("not a Terrain hub".into()));
        }
        self.offset_ms = hello.time_ms - (before + after) / 2;
        Ok(hello)
    }

    /// Sends one signed, sealed request and opens the sealed answer.
    fn call(
        &mut self,
        path: &'static str,
        study: &str,
        study_key: &[u8; 32],
        plain: &[u8],
        extra: Option<(&'static str, String)>,
    ) -> Result<Vec<u8>> {
        self.check_cancel()?;
        let signed = Signed {
            protocol: self.protocol,
            study: study.to_string(),
            node: self.node.clone(),
            time_ms: self.wall_ms() + self.offset_ms,
            nonce: auth::new_nonce(),
            key: terrain_core::sync::key_check(study_key),
        };
        let node = self.node.clone();
        let ctx = |way| Context {
            study,
            node: &node,
            path,
            nonce: &signed.nonce,
            way,
        };
        let body = seal::seal(study_key, &ctx(Way::Request), plain);
        let mut req = self.agent.post(self.url(path));
        for (h, v) in auth::sign(&self.key, "POST", path, &signed, &body) {
            req = req.header(h, v);
        }
        if let Some((h, v)) = extra {
            req = req.header(h, v);
        }
        self.progress.bytes_sent += body.len() as u64;
        let resp = req.content_type("application/octet-stream").send(&body[..]);
        let answer = self.read(resp)?;
        seal::open(study_key, &ctx(Way::Answer), &answer).ok_or_else(|| {
            HubError::BadAnswer("the answer cannot be opened with the study key".into())
        })
    }

    fn enrol(
        &mut self,
        study: &str,
        key: &[u8; 32],
        code: &str,
        label: Option<&str>,
    ) -> Result<EnrolAnswer> {
        self.progress.stage = Stage::Enrolling;
        self.tell();
        let public = auth::encode_key(&self.key.verifying_key());
        let msg = EnrolRequest {
            join_code: code.to_string(),
            public_key: public.clone(),
            label: label.map(str::to_string),
        };
        let plain = serde_json::to_vec(&msg).unwrap_or_default();
        let answer = self.call(PATH_ENROL, study, key, &plain, Some((H_PUBLIC_KEY, public)))?;
        serde_json::from_slice(&answer).map_err(|e| HubError::BadAnswer(e.to_string()))
    }

    /// Exchanges rosters with the hub before anything else, sealed with the newest key both
    /// hold (the newest here first, then older ones the hub may still be on): a re-key reaches
    /// whichever side lacks the new study key, which then seals with it.
    fn exchange_roster(&mut self, store: &Store, study: &str) -> Result<()> {
        let ask = RosterExchange {
            roster: engine::roster(store, study)?,
        };
        let plain = serde_json::to_vec(&ask).unwrap_or_default();
        let mut answer = Err(HubError::Core(terrain_core::Error::Sync(
            SyncError::NotJoined {
                study: study.to_string(),
            },
        )));
        for (_, key) in terrain_core::sync::study_keys(store.conn(), study)? {
            answer = self.call(PATH_ROSTER, study, &key, &plain, None);
            match &answer {
                Err(HubError::Refused { code, .. }) if code == "study_key_unknown" => continue,
                _ => break,
            }
        }
        let answer = answer?;
        let theirs: RosterExchange =
            serde_json::from_slice(&answer).map_err(|e| HubError::BadAnswer(e.to_string()))?;
        engine::receive_roster(store, study, &theirs.roster)?;
        Ok(())
    }

    /// Learns what the hub holds (the rosters were exchanged just before).
    fn state(&mut self, study: &str, key: &[u8; 32], label: Option<&str>) -> Result<StateAnswer> {
        let ask = StateRequest {
            wall_ms: self.wall_ms(),
            label: label.map(str::to_string),
        };
        let plain = serde_json::to_vec(&ask).unwrap_or_default();
        let answer = self.call(PATH_STATE, study, key, &plain, None)?;
        serde_json::from_slice(&answer).map_err(|e| HubError::BadAnswer(e.to_string()))
    }

    fn push(
        &mut self,
        store: &Store,
        study: &str,
        key: &[u8; 32],
        hub_has: &mut Vector,
        batch: usize,
        sum: &mut StudySummary,
    ) -> Result<()> {
        self.progress.stage = Stage::Pushing;
        self.progress.to_send = engine::missing(store, study, hub_has)?;
        self.progress.sent = 0;
        self.tell();
        loop {
            let out = engine::export(store, study, hub_has, batch)?;
            if out.count == 0 {
                return Ok(());
            }
            let header = BatchHeader {
                more: out.more,
                count: out.count,
            };
            let answer = self.call(
                PATH_PUSH,
                study,
                key,
                &Frame::encode(&header, &out.bytes),
                None,
            )?;
            let done: Imported =
                serde_json::from_slice(&answer).map_err(|e| HubError::BadAnswer(e.to_string()))?;
            sum.sent += out.count;
            sum.sent_new += done.applied;
            self.progress.sent += out.count;
            self.tell();
            if !out.more {
                return Ok(());
            }
        }
    }

    /// Pulls in rounds until the hub says it has nothing more. The hub's word is not trusted
    /// to end the loop: a round that leaves this store holding what it held before would be
    /// asked again word for word, so it ends the sync ([`HubError::HubStalled`]), and so does
    /// a hub still claiming more after [`SyncOptions::max_rounds`] rounds
    /// ([`HubError::TooManyRounds`]).
    fn pull(
        &mut self,
        store: &mut Store,
        study: &str,
        key: &[u8; 32],
        batch: usize,
        sum: &mut StudySummary,
    ) -> Result<()> {
        self.progress.stage = Stage::Pulling;
        self.tell();
        let mut have = engine::vector(store, study)?;
        let start = engine::sync_start(store, study)?;
        for _ in 0..self.max_rounds {
            let ask = PullRequest {
                have: have.to_wire(),
                max_changes: batch,
            };
            let plain = serde_json::to_vec(&ask).unwrap_or_default();
            let answer = self.call(PATH_PULL, study, key, &plain, None)?;
            let (header, bytes): (BatchHeader, &[u8]) =
                Frame::decode(&answer).map_err(HubError::BadAnswer)?;
            if header.count > 0 {
                let done = engine::import_since(store, study, bytes, &start)?;
                sum.received += done.received;
                sum.received_new += done.applied;
                sum.conflicts += done.conflicts;
                sum.new_records += done.new_records;
                sum.updated_fields += done.updated_fields;
                self.progress.received += done.received;
                self.tell();
            }
            if !header.more || header.count == 0 {
                return Ok(());
            }
            let now = engine::vector(store, study)?;
            if now == have {
                return Err(HubError::HubStalled);
            }
            have = now;
        }
        Err(HubError::TooManyRounds {
            rounds: self.max_rounds,
        })
    }
}

/// The newest key of a study this laptop joined.
fn current_key(store: &Store, study: &str) -> Result<[u8; 32]> {
    engine::study_key(store, study)?.ok_or_else(|| {
        HubError::Core(terrain_core::Error::Sync(SyncError::NotJoined {
            study: study.to_string(),
        }))
    })
}

/// Syncs every study this store and the hub share, both ways. `progress` is called as work
/// advances; setting `cancel` stops at the next batch (what was applied stays applied).
pub fn sync(
    store: &mut Store,
    url: &str,
    opts: &SyncOptions,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<SyncSummary> {
    let started = std::time::Instant::now();
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(opts.timeout))
        .build();
    let mut session = Session {
        agent: config.into(),
        base: url.trim_end_matches('/').to_string(),
        key: engine::signing_key(store)?,
        node: store.node_id().to_string(),
        offset_ms: 0,
        skew_ms: opts.clock_skew_ms,
        protocol: opts.protocol,
        max_rounds: opts.max_rounds.max(1),
        progress: Progress {
            stage: Stage::Connecting,
            study: None,
            sent: 0,
            to_send: 0,
            received: 0,
            bytes_sent: 0,
            bytes_received: 0,
        },
        report: progress,
        cancel,
    };
    session.tell();
    let hello = session.hello()?;
    let batch = opts.batch.clamp(1, MAX_BATCH);
    let mut summary = SyncSummary {
        hub_node: hello.hub_node.clone(),
        ..SyncSummary::default()
    };
    for study in engine::studies(store)? {
        session.progress.study = Some(study.clone());
        let label = opts.label.as_deref();
        let mut enrolled = true;
        match session.exchange_roster(store, &study) {
            Ok(()) => {}
            Err(HubError::Refused { code, .. }) if code == "unknown_study" => {
                summary.skipped_titles.push(engine::title(store, &study));
                summary.skipped_studies.push(study.clone());
                continue;
            }
            Err(HubError::Refused { code, .. }) if code == "not_enrolled" => enrolled = false,
            Err(e) => return Err(e),
        }
        if !enrolled {
            let code = opts.join_code.as_deref().ok_or(HubError::NeedJoinCode)?;
            let key = current_key(store, &study)?;
            match session.enrol(&study, &key, code, opts.label.as_deref()) {
                Ok(_) => {}
                // A study made on this laptop that the hub does not hold: named, not fatal
                // to the studies it does hold.
                Err(HubError::Refused { code, .. }) if code == "unknown_study" => {
                    summary.skipped_titles.push(engine::title(store, &study));
                    summary.skipped_studies.push(study.clone());
                    continue;
                }
                Err(e) => return Err(e),
            }
            summary.enrolled = true;
            session.exchange_roster(store, &study)?;
        }
        // The newest key, once the rosters carried any re-key both ways.
        let key = current_key(store, &study)?;
        let state = session.state(&study, &key, label)?;
        let mut sum = StudySummary {
            study: study.clone(),
            title: engine::title(store, &study),
            ..StudySummary::default()
        };
        let mut hub_has = Vector::from_wire(&state.vector);
        session.push(store, &study, &key, &mut hub_has, batch, &mut sum)?;
        session.pull(store, &study, &key, batch, &mut sum)?;
        // Both ways done: the hub holds at least what we hold now.
        let holds = engine::vector(store, &study)?;
        let tx = store
            .conn()
            .unchecked_transaction()
            .map_err(terrain_core::Error::from)?;
        engine::learn(store, &state.hub_node, &holds)?;
        engine::contact(store, &state.hub_node, None, None, session.offset_ms)?;
        tx.commit().map_err(terrain_core::Error::from)?;
        summary.studies.push(sum);
    }
    if summary.studies.is_empty() {
        return Err(HubError::NoCommonStudy);
    }
    session.progress.stage = Stage::Done;
    session.tell();
    summary.bytes_sent = session.progress.bytes_sent;
    summary.bytes_received = session.progress.bytes_received;
    summary.millis = started.elapsed().as_millis() as u64;
    Ok(summary)
}
