//! A rogue hub (anyone holding the study key can run one) cannot keep a laptop syncing
//! forever: a fake hub on 127.0.0.1 answers with the real sealed protocol but lies about
//! having more, and the laptop stops with a clear code, keeps what it held, and still works.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use terrain_core::sync::{self, Vector};
use terrain_core::Store;
use terrain_hub::engine::{self, Imported};
use terrain_hub::protocol::*;
use terrain_hub::seal::{self, Context, Way};
use terrain_hub::{HubError, SyncOptions, SyncSummary};

use crate::support::*;

/// How the fake hub answers a pull, always claiming that more remains.
enum Lie {
    /// Sends back changes the laptop already holds.
    Echo { bytes: Vec<u8>, count: u64 },
    /// Announces changes and sends none.
    Empty,
    /// Sends one change the laptop lacks per round, taken from this store.
    Drip(Box<Mutex<Store>>),
}

struct Rogue {
    study: String,
    key: [u8; 32],
    lie: Lie,
    pulls: AtomicU32,
}

fn header(h: &HeaderMap, name: &str) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

impl Rogue {
    fn context<'a>(&'a self, h: &'a Hdrs, path: &'a str, way: Way) -> Context<'a> {
        Context {
            study: &self.study,
            node: &h.node,
            path,
            nonce: &h.nonce,
            way,
        }
    }

    /// The roster of the member whose changes it drips, handed on as a hub would: without it,
    /// they are no one's.
    fn roster(&self) -> Vec<String> {
        match &self.lie {
            Lie::Drip(source) => {
                let source = source.lock().expect("source store");
                terrain_core::sync::roster_wire(source.conn(), &self.study).expect("roster")
            }
            _ => Vec::new(),
        }
    }

    /// Seals an answer to the request as the real hub does.
    fn answer(&self, h: &HeaderMap, path: &str, plain: &[u8]) -> Vec<u8> {
        let h = Hdrs::of(h);
        seal::seal(&self.key, &self.context(&h, path, Way::Answer), plain)
    }

    fn pull(&self, h: &HeaderMap, body: &[u8]) -> Vec<u8> {
        self.pulls.fetch_add(1, Ordering::SeqCst);
        let (bytes, count) = match &self.lie {
            Lie::Echo { bytes, count } => (bytes.clone(), *count),
            Lie::Empty => (Vec::new(), 5),
            Lie::Drip(source) => {
                let hdrs = Hdrs::of(h);
                let ctx = self.context(&hdrs, PATH_PULL, Way::Request);
                let plain = seal::open(&self.key, &ctx, body).expect("a sealed pull");
                let ask: PullRequest = serde_json::from_slice(&plain).expect("a pull request");
                let mut have = Vector::from_wire(&ask.have);
                let source = source.lock().expect("source store");
                let batch = engine::export(&source, &self.study, &mut have, 1).expect("export");
                (batch.bytes, batch.count)
            }
        };
        let frame = Frame::encode(&BatchHeader { more: true, count }, &bytes);
        self.answer(h, PATH_PULL, &frame)
    }
}

/// The request headers an answer is sealed for.
struct Hdrs {
    node: String,
    nonce: String,
}

impl Hdrs {
    fn of(h: &HeaderMap) -> Hdrs {
        Hdrs {
            node: header(h, H_NODE),
            nonce: header(h, H_NONCE),
        }
    }
}

/// The fake hub, serving on 127.0.0.1 until dropped.
struct FakeHub {
    url: String,
    rogue: Arc<Rogue>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeHub {
    fn start(study: &str, key: [u8; 32], lie: Lie) -> FakeHub {
        let rogue = Arc::new(Rogue {
            study: study.to_string(),
            key,
            lie,
            pulls: AtomicU32::new(0),
        });
        let app = Router::new()
            .route(
                PATH_HELLO,
                get(|| async {
                    Json(Hello {
                        service: "terrain-hub".into(),
                        protocol: PROTOCOL_VERSION,
                        min_protocol: MIN_PROTOCOL,
                        hub_node: "rogue-hub".into(),
                        time_ms: chrono::Utc::now().timestamp_millis(),
                    })
                }),
            )
            .route(
                PATH_ROSTER,
                post(|State(r): State<Arc<Rogue>>, h: HeaderMap| async move {
                    let plain =
                        serde_json::to_vec(&RosterExchange { roster: r.roster() }).expect("json");
                    r.answer(&h, PATH_ROSTER, &plain)
                }),
            )
            .route(
                PATH_STATE,
                post(|State(r): State<Arc<Rogue>>, h: HeaderMap| async move {
                    // Claims to hold nothing, so the laptop pushes everything it has.
                    let state = StateAnswer {
                        hub_node: "rogue-hub".into(),
                        vector: Vec::new(),
                    };
                    let plain = serde_json::to_vec(&state).expect("json");
                    r.answer(&h, PATH_STATE, &plain)
                }),
            )
            .route(
                PATH_PUSH,
                post(|State(r): State<Arc<Rogue>>, h: HeaderMap| async move {
                    let plain = serde_json::to_vec(&Imported::default()).expect("json");
                    r.answer(&h, PATH_PUSH, &plain)
                }),
            )
            .route(
                PATH_PULL,
                post(
                    |State(r): State<Arc<Rogue>>, h: HeaderMap, body: Bytes| async move {
                        r.pull(&h, &body)
                    },
                ),
            )
            .with_state(rogue.clone());
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a port");
        let address: SocketAddr = listener.local_addr().expect("address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            rt.block_on(async {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            })
        });
        FakeHub {
            url: format!("http://{address}"),
            rogue,
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    fn pulls(&self) -> u32 {
        self.rogue.pulls.load(Ordering::SeqCst)
    }
}

impl Drop for FakeHub {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A study on an honest hub, and a laptop (the victim) that joined it and holds its data.
struct Team {
    lab: Lab,
    study: String,
    invite: terrain_core::sync::Invitation,
    hub: terrain_hub::LocalHub,
    victim: Store,
}

fn team() -> Team {
    let lab = Lab::new();
    let mut owner = lab.store("owner");
    let (study, invite) = new_study(&mut owner, "Kidal 2026");
    for i in 0..3 {
        new_session(&mut owner, &study, &format!("séance {i}"));
    }
    join(&lab.store("hub"), &invite);
    let hub = start_hub(&lab.path("hub"));
    let code = hub.info.join_code.clone();
    sync(&mut owner, &hub.info.url, Some(&code)).expect("owner syncs");
    let mut victim = lab.store("victim");
    join(&victim, &invite);
    sync(&mut victim, &hub.info.url, Some(&code)).expect("victim syncs");
    Team {
        lab,
        study,
        invite,
        hub,
        victim,
    }
}

fn study_key(store: &Store, study: &str) -> [u8; 32] {
    sync::study_key(store.conn(), study)
        .expect("key")
        .expect("joined")
}

fn sync_with(store: &mut Store, url: &str, opts: &SyncOptions) -> Result<SyncSummary, HubError> {
    terrain_hub::sync(store, url, opts, &mut |_| {}, &AtomicBool::new(false))
}

fn code_of(r: Result<SyncSummary, HubError>) -> (String, String, String) {
    match r {
        Ok(s) => panic!("the rogue hub's sync succeeded: {s:?}"),
        Err(e) => (
            e.code(),
            e.message(terrain_core::Lang::Fr),
            e.message(terrain_core::Lang::En),
        ),
    }
}

/// After the attack the victim writes and syncs with the honest hub as usual, and ends with
/// what the hub holds.
fn still_works(t: &mut Team) {
    new_session(&mut t.victim, &t.study, "après le hub pirate");
    let code = t.hub.info.join_code.clone();
    let summary = sync(&mut t.victim, &t.hub.info.url, Some(&code)).expect("honest sync");
    assert_eq!(summary.studies.len(), 1);
    assert!(summary.studies[0].sent_new >= 1, "{summary:?}");
    let hub_view = t.lab.store("hub");
    assert_eq!(dump(&t.victim), dump(&hub_view));
}

#[test]
fn a_hub_that_sends_back_what_the_laptop_holds_while_claiming_more_is_stopped() {
    let mut t = team();
    let (bytes, count) = {
        let batch = engine::export(&t.victim, &t.study, &mut Vector::default(), 10).expect("own");
        (batch.bytes, batch.count)
    };
    assert!(count > 0);
    let rogue = FakeHub::start(
        &t.study,
        study_key(&t.victim, &t.study),
        Lie::Echo { bytes, count },
    );
    let before = dump(&t.victim);

    let (code, fr, en) = code_of(sync_with(&mut t.victim, &rogue.url, &opts(None)));
    assert_eq!(code, "hub_stalled");
    assert!(fr.contains("n'en envoie aucune de nouvelle"), "{fr}");
    assert!(en.contains("sends none that are new"), "{en}");
    assert_eq!(
        rogue.pulls(),
        1,
        "stopped after the first round that brought nothing"
    );
    assert_eq!(dump(&t.victim), before);
    drop(rogue);
    still_works(&mut t);
}

#[test]
fn a_hub_that_announces_changes_and_sends_none_is_stopped() {
    let mut t = team();
    let rogue = FakeHub::start(&t.study, study_key(&t.victim, &t.study), Lie::Empty);
    let before = dump(&t.victim);

    let (code, _, _) = code_of(sync_with(&mut t.victim, &rogue.url, &opts(None)));
    assert_eq!(code, "hub_stalled");
    assert_eq!(rogue.pulls(), 1);
    assert_eq!(dump(&t.victim), before);
    drop(rogue);
    still_works(&mut t);
}

#[test]
fn a_hub_that_keeps_sending_is_stopped_after_the_most_rounds() {
    let mut t = team();
    // Another member of the study writes ten sessions and syncs them to the honest hub; the
    // rogue hub hands them to the victim one change per round, always claiming more.
    let mut member = t.lab.store("member");
    join(&member, &t.invite);
    let code = t.hub.info.join_code.clone();
    sync(&mut member, &t.hub.info.url, Some(&code)).expect("member syncs");
    // One sync after each: ten signed segments, a session each.
    for i in 0..10 {
        new_session(&mut member, &t.study, &format!("séance du membre {i}"));
        sync(&mut member, &t.hub.info.url, None).expect("member sends");
    }
    let per_session = change_ids(&member)
        .iter()
        .filter(|(node, _)| node == member.node_id())
        .count();
    let key = study_key(&t.victim, &t.study);
    let rogue = FakeHub::start(&t.study, key, Lie::Drip(Box::new(Mutex::new(member))));
    let before = change_ids(&t.victim);

    let few = SyncOptions {
        max_rounds: 3,
        ..opts(None)
    };
    let (code, fr, en) = code_of(sync_with(&mut t.victim, &rogue.url, &few));
    assert_eq!(code, "too_many_rounds");
    assert!(fr.contains("après 3 échanges"), "{fr}");
    assert!(en.contains("after 3 rounds"), "{en}");
    assert_eq!(rogue.pulls(), 3);
    // Each round was applied whole (a segment, one session), and nothing else.
    let after = change_ids(&t.victim);
    assert_eq!((after.len() - before.len()) * 10, 3 * per_session);
    assert!(before.iter().all(|c| after.contains(c)));
    drop(rogue);
    still_works(&mut t);
}
