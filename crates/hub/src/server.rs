//! The hub server: axum on tokio over one embedded SQLite store.
//!
//! Store work runs on the blocking pool behind one fair (FIFO) lock, one batch at a time: with
//! bounded batches, twenty laptops syncing at once take turns batch by batch, and none waits
//! for another's whole sync. A batch is applied in one transaction, so stopping the hub (or
//! killing it) never leaves half a batch; shutdown lets the batches in flight finish.
//!
//! A request is admitted from its headers before its body is read and before it waits for the
//! store (see [`crate::gate`]); connections are capped and timed (see [`crate::listen`]).
//! Every refusal, error and sync request is logged with `tracing`.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use terrain_core::store::StoreFile;
use terrain_core::sync::Vector;
use terrain_core::Store;
use tokio::sync::Mutex;
use ts_rs::TS;

use crate::auth;
use crate::engine;
use crate::error::{HubError, Refusal};
use crate::gate::{Authentic, Gate};
use crate::limits::Limits;
use crate::protocol::*;
use crate::registry::{self, Known};

/// The address a shared hub listens on when given none: this machine only. The app offers
/// a network to pick (see [`crate::share`]); every network is never the default.
pub const DEFAULT_SHARE_ADDRESS: &str = "127.0.0.1:7878";

/// What a running hub tells the person who started it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ServeInfo {
    #[ts(type = "string")]
    pub address: SocketAddr,
    pub url: String,
    pub join_code: String,
    pub hub_node: String,
    /// Addresses other laptops can use when the hub listens on every network (0.0.0.0).
    pub lan_urls: Vec<String>,
    /// The addresses to give the other laptops: the one listened on, or when the hub listens
    /// on every network, this machine's addresses on them and its own (loopback).
    pub urls: Vec<String>,
}

/// This machine's addresses on its networks (see [`crate::interfaces`]).
fn lan_addresses() -> Vec<std::net::IpAddr> {
    let found = crate::interfaces::networks().into_iter();
    found.map(|n| std::net::IpAddr::V4(n.ip)).collect()
}

/// One sync request, for the status page.
#[derive(Debug, Clone)]
struct Event {
    at_ms: i64,
    node: String,
    what: &'static str,
    changes: u64,
}

pub(crate) struct Hub {
    store: Arc<Mutex<Store>>,
    gate: Gate,
    hub_node: String,
    started_ms: i64,
    events: SyncMutex<VecDeque<Event>>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Hub {
    fn open(db: &StoreFile, limits: Limits) -> Result<(Hub, String), HubError> {
        let store = db.open()?;
        registry::ensure_tables(store.conn())?;
        let code = registry::join_code(&store)?;
        let hub_node = store.node_id().to_string();
        let started_ms = now_ms();
        let gate = Gate::open(db, limits, started_ms)?;
        Ok((
            Hub {
                store: Arc::new(Mutex::new(store)),
                gate,
                hub_node,
                started_ms,
                events: SyncMutex::new(VecDeque::new()),
            },
            code,
        ))
    }

    fn record(&self, node: &str, what: &'static str, changes: u64) {
        if let Ok(mut events) = self.events.lock() {
            events.push_front(Event {
                at_ms: now_ms(),
                node: node.to_string(),
                what,
                changes,
            });
            events.truncate(50);
        }
    }
}

pub(crate) fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/", get(status_page))
        .route("/health", get(health))
        .route(PATH_HELLO, get(hello))
        .route(PATH_ENROL, post(enrol))
        .route(PATH_ROSTER, post(roster))
        .route(PATH_STATE, post(state))
        .route(PATH_PUSH, post(push))
        .route(PATH_PULL, post(pull))
        .fallback(not_found)
        .with_state(hub)
}

/// Answers a refusal, and logs it with its code and the peer: an operator sees every one.
fn refuse(peer: SocketAddr, path: &str, node: Option<&str>, r: Refusal) -> Response {
    let node = node.unwrap_or("-");
    if r.status >= 500 {
        tracing::error!(code = %r.code, %peer, path, node, "{}", r.message_en);
    } else {
        tracing::warn!(code = %r.code, %peer, path, node, "refused: {}", r.message_en);
    }
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(r)).into_response()
}

fn sealed_response(bytes: Vec<u8>) -> Response {
    let mut resp = (StatusCode::OK, bytes).into_response();
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    resp
}

async fn not_found(ConnectInfo(peer): ConnectInfo<SocketAddr>, uri: Uri) -> Response {
    refuse(
        peer,
        uri.path(),
        None,
        Refusal::new(
            404,
            "not_found",
            "Cette adresse n'existe pas sur le hub.",
            "No such address on this hub.",
        ),
    )
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    service: &'static str,
    protocol: u32,
    hub_node: String,
    uptime_s: i64,
}

async fn health(State(hub): State<Arc<Hub>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        service: "terrain-hub",
        protocol: PROTOCOL_VERSION,
        hub_node: hub.hub_node.clone(),
        uptime_s: (now_ms() - hub.started_ms) / 1000,
    })
}

async fn hello(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    if let Err(r) = auth::check_protocol(&get) {
        return refuse(peer, PATH_HELLO, None, r);
    }
    Json(Hello {
        service: "terrain-hub".into(),
        protocol: PROTOCOL_VERSION,
        min_protocol: MIN_PROTOCOL,
        hub_node: hub.hub_node.clone(),
        time_ms: now_ms(),
    })
    .into_response()
}

/// What a request did, for the log: its sealed answer and the changes in and out.
struct Done {
    answer: Vec<u8>,
    changes_in: u64,
    changes_out: u64,
}

/// The device's key as enrolled, checked again with the store locked: the directory the
/// gate read may be a moment old (a revocation made just now by `terrain device revoke`).
fn still_enrolled(store: &Store, req: &Authentic) -> Result<(), Refusal> {
    match registry::lookup(store.conn(), &req.signed.node)? {
        Known::Active(k) if auth::decode_key(&k) == Some(req.device_key) => Ok(()),
        Known::Active(_) => Err(auth::tampered()),
        Known::Revoked(_) => Err(registry::revoked_refusal()),
        Known::Unknown => Err(registry::not_enrolled_refusal()),
    }
}

/// What a refused request may still send before its answer: enough for any honest request
/// refused from its headers (a state, an enrolment), far less than a hostile upload.
const DRAIN_BYTES: usize = 64 * 1024;

/// Reads and drops at most [`DRAIN_BYTES`] of a request refused from its headers,
/// for at most a second, before the refusal is answered. Closing on a body the client is still
/// sending resets the connection, and the client then sees "unreachable" instead of the
/// refusal: a new laptop's first sync, refused `not_enrolled` so that it enrols, failed so at
/// random. A hostile upload still costs 64 KiB and a second at most, and nothing is kept.
async fn drain(body: axum::body::Body) {
    let _ = tokio::time::timeout(
        Duration::from_secs(1),
        axum::body::to_bytes(body, DRAIN_BYTES),
    )
    .await;
}

/// Admits a request from its headers, reads its body, then runs `work` on the blocking pool
/// with the store locked (FIFO). Logs the refusal, or the request done with its duration.
async fn with_store(
    hub: Arc<Hub>,
    peer: SocketAddr,
    path: &'static str,
    req: Request,
    work: impl FnOnce(&Hub, &mut Store, &Authentic) -> Result<Done, Refusal> + Send + 'static,
) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let admitted = match hub.gate.admit(&parts.headers, path, now_ms()) {
        Ok(a) => a,
        Err(r) => {
            drain(body).await;
            return refuse(peer, path, None, r);
        }
    };
    let node = admitted.signed.node.clone();
    let authentic = match hub.gate.read(admitted, body).await {
        Ok(a) => a,
        Err(r) => return refuse(peer, path, Some(&node), r),
    };
    let guard = hub.store.clone().lock_owned().await;
    let task = tokio::task::spawn_blocking(move || {
        let mut store = guard;
        if path != PATH_ENROL {
            still_enrolled(&store, &authentic)?;
        }
        let done = work(&hub, &mut store, &authentic)?;
        Ok::<_, Refusal>((authentic.seal(&done.answer), done))
    });
    match task.await {
        Ok(Ok((sealed, done))) => {
            tracing::info!(
                %peer,
                path,
                node,
                changes_in = done.changes_in,
                changes_out = done.changes_out,
                ms = started.elapsed().as_millis() as u64,
                "sync request done"
            );
            sealed_response(sealed)
        }
        Ok(Err(r)) => refuse(peer, path, Some(&node), r),
        Err(e) => refuse(peer, path, Some(&node), Refusal::internal(e)),
    }
}

fn json<T: serde::de::DeserializeOwned>(plain: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(plain).map_err(|e| {
        Refusal::bad_request(
            format!("Message illisible : {e}"),
            format!("Unreadable message: {e}"),
        )
    })
}

fn answer<T: Serialize>(value: &T, changes_in: u64, changes_out: u64) -> Done {
    Done {
        answer: serde_json::to_vec(value).unwrap_or_default(),
        changes_in,
        changes_out,
    }
}

async fn enrol(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    with_store(hub, peer, PATH_ENROL, req, |hub, store, req| {
        let msg: EnrolRequest = json(&req.plain)?;
        let presented = auth::encode_key(&req.device_key);
        if auth::decode_key(&msg.public_key) != Some(req.device_key) {
            return Err(auth::tampered());
        }
        // A node id is made from its key: nobody enrols under another laptop's id (M8).
        if terrain_core::store::node_id_of(&req.device_key) != req.signed.node {
            return Err(Refusal::new(
                403,
                "node_not_key",
                "Cet appareil annonce un identifiant qui n'est pas celui de sa clé : inscription refusée.",
                "This device claims an id that is not the one its key gives: enrolment refused.",
            ));
        }
        let code = registry::join_code(store)?;
        if !registry::code_matches(&code, &msg.join_code) {
            return Err(Refusal::new(
                403,
                "bad_join_code",
                "Code d'inscription incorrect : vérifiez le code affiché par le hub.",
                "Wrong join code: check the code the hub shows.",
            ));
        }
        let label = registry::clean_label(msg.label.as_deref());
        let already = registry::enrol(
            store.conn(),
            &req.signed.node,
            &presented,
            label.as_deref(),
            &req.signed.study,
        )?;
        if !already {
            tracing::info!(node = %req.signed.node, label = label.as_deref().unwrap_or(""), "device enrolled");
        }
        hub.record(&req.signed.node, "enrol", 0);
        let answer_ = EnrolAnswer {
            hub_node: hub.hub_node.clone(),
            already,
        };
        Ok(answer(&answer_, 0, 0))
    })
    .await
}

/// Receives a device's roster entries (and the study keys a re-key hands to this hub). A
/// revocation new here rotates the join code: the revoked laptop knew the old one.
fn receive_roster(store: &Store, study: &str, wire: &[String]) -> Result<(), Refusal> {
    let revoked = |roster: Option<terrain_core::changes::Roster>| {
        roster.map_or(0, |r| {
            r.members().iter().filter(|m| m.role.is_none()).count()
        })
    };
    let before = revoked(terrain_core::sync::roster(store, study)?);
    if revoked(engine::receive_roster(store, study, wire)?) > before {
        registry::rotate_join_code(store)?;
        tracing::warn!(
            study,
            "a device was revoked from the study: join code rotated"
        );
    }
    Ok(())
}

async fn roster(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    with_store(hub, peer, PATH_ROSTER, req, |_hub, store, req| {
        let msg: RosterExchange = json(&req.plain)?;
        // The device's entries first: a grant or a revocation it brings rules what follows.
        receive_roster(store, &req.signed.study, &msg.roster)?;
        let answer_ = RosterExchange {
            roster: engine::roster(store, &req.signed.study)?,
        };
        Ok(answer(&answer_, 0, 0))
    })
    .await
}

async fn state(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    with_store(hub, peer, PATH_STATE, req, |hub, store, req| {
        let ask: StateRequest = json(&req.plain)?;
        let vector = engine::vector(store, &req.signed.study)?;
        let key = auth::encode_key(&req.device_key);
        let label = registry::clean_label(ask.label.as_deref());
        // Bookkeeping in one transaction: one disk sync, not two.
        let tx = store
            .conn()
            .unchecked_transaction()
            .map_err(Refusal::internal)?;
        registry::seen(&tx, &req.signed.node, 0, 0)?;
        engine::contact(
            store,
            &req.signed.node,
            label.as_deref(),
            Some(&key),
            ask.wall_ms.saturating_sub(now_ms()),
        )?;
        tx.commit().map_err(Refusal::internal)?;
        let answer_ = StateAnswer {
            hub_node: hub.hub_node.clone(),
            vector: vector.to_wire(),
        };
        Ok(answer(&answer_, 0, 0))
    })
    .await
}

async fn push(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    with_store(hub, peer, PATH_PUSH, req, |hub, store, req| {
        let (_count, batch): (BatchHeader, &[u8]) = Frame::decode(&req.plain).map_err(|e| {
            Refusal::bad_request(
                format!("Lot illisible : {e}"),
                format!("Unreadable batch: {e}"),
            )
        })?;
        let revoked = registry::revoked_nodes(store.conn())?;
        let refused = |origin: &str| revoked.contains(origin);
        let (done, left_out) =
            engine::import_from(store, &req.signed.study, batch, &refused, None)?;
        if left_out > 0 {
            tracing::warn!(
                code = "revoked_origin",
                node = %req.signed.node,
                left_out,
                "refused: changes of a revoked device, relayed by this one, left out"
            );
        }
        registry::seen(store.conn(), &req.signed.node, done.received, 0)?;
        hub.record(&req.signed.node, "push", done.received);
        Ok(answer(&done, done.received, 0))
    })
    .await
}

fn bad_vector(fr: impl Into<String>, en: impl Into<String>) -> Refusal {
    Refusal::new(400, "bad_vector", fr, en)
}

/// A pull's `have` vector, checked: at most [`MAX_HAVE`] entries, each for this study's
/// scope or the shared one (`""`), a device id that is a UUID and a sequence number >= 0.
fn checked_have(study: &str, have: &[VectorEntry]) -> Result<Vector, Refusal> {
    if have.len() > MAX_HAVE {
        return Err(bad_vector(
            format!(
                "Vecteur de versions trop long ({} entrées, au plus {MAX_HAVE}).",
                have.len()
            ),
            format!(
                "Version vector too long ({} entries, at most {MAX_HAVE}).",
                have.len()
            ),
        ));
    }
    for e in have {
        let scope_ok = e.scope.is_empty() || e.scope == study;
        if !scope_ok || uuid::Uuid::try_parse(&e.node).is_err() || e.max_seq < 0 {
            return Err(bad_vector(
                "Vecteur de versions invalide (portée, appareil ou numéro).",
                "Invalid version vector (scope, device or number).",
            ));
        }
    }
    Ok(Vector::from_wire(have))
}

async fn pull(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    with_store(hub, peer, PATH_PULL, req, |hub, store, req| {
        let ask: PullRequest = json(&req.plain)?;
        let max = ask.max_changes.clamp(1, MAX_BATCH);
        let asked = checked_have(&req.signed.study, &ask.have)?;
        let mut have = asked.clone();
        let out = engine::export(store, &req.signed.study, &mut have, max)?;
        // Learn only of devices this hub holds changes from: a vector naming others would
        // only fill the disk (and the hub would never send their changes anyway).
        let held = engine::vector(store, &req.signed.study)?;
        let mut known = Vector::new();
        for (scope, node, seq) in asked.iter() {
            if held.get(scope, node) > 0 {
                known.raise(scope, node, seq);
            }
        }
        let tx = store
            .conn()
            .unchecked_transaction()
            .map_err(Refusal::internal)?;
        engine::learn(store, &req.signed.node, &known)?;
        registry::seen(&tx, &req.signed.node, 0, out.count)?;
        tx.commit().map_err(Refusal::internal)?;
        hub.record(&req.signed.node, "pull", out.count);
        let header = BatchHeader {
            more: out.more,
            count: out.count,
        };
        Ok(Done {
            answer: Frame::encode(&header, &out.bytes),
            changes_in: 0,
            changes_out: out.count,
        })
    })
    .await
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fmt_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// A small page for whoever runs the hub: is it up, how many devices, when it last synced.
/// Served without authentication on the LAN, so it names no device (ids and labels say who
/// is on the team): counts and times only. From this machine (loopback), the operator also
/// sees the devices and who synced. Never takes the store lock.
async fn status_page(
    State(hub): State<Arc<Hub>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Html<String> {
    let events: Vec<Event> = hub
        .events
        .lock()
        .map(|e| e.iter().cloned().collect())
        .unwrap_or_default();
    let operator = peer.ip().is_loopback();
    let hub2 = hub.clone();
    let page = tokio::task::spawn_blocking(move || {
        let counts = hub2.gate.counts();
        let devices = if operator {
            hub2.gate.devices()
        } else {
            Vec::new()
        };
        render_status(&hub2, counts, operator.then_some(&devices[..]), &events)
    })
    .await
    .unwrap_or_default();
    Html(page)
}

fn render_status(
    hub: &Hub,
    (active, revoked, studies): (usize, usize, usize),
    devices: Option<&[registry::Device]>,
    events: &[Event],
) -> String {
    let mut rows = String::new();
    for d in devices.unwrap_or_default() {
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.node_id),
            escape(d.label.as_deref().unwrap_or("")),
            escape(&d.enrolled_at),
            escape(d.last_seen_at.as_deref().unwrap_or("—")),
            d.changes_in,
            d.changes_out,
            if d.revoked { "révoqué / revoked" } else { "actif / active" },
        ));
    }
    let device_table = match devices {
        Some(_) => format!(
            "<table><tr><th>Nœud / Node</th><th>Nom / Label</th><th>Inscrit / Enrolled</th><th>Vu / Last seen</th><th>Reçus / In</th><th>Envoyés / Out</th><th>État / State</th></tr>{rows}</table>"
        ),
        None => "<p>Détail visible depuis cette machine seulement / details shown on this machine only.</p>".to_string(),
    };
    let mut recent = String::new();
    for e in events {
        let node = match devices {
            Some(_) => format!("<code>{}</code>", escape(&e.node)),
            None => "—".to_string(),
        };
        recent.push_str(&format!(
            "<tr><td>{}</td><td>{node}</td><td>{}</td><td>{}</td></tr>",
            fmt_time(e.at_ms),
            e.what,
            e.changes
        ));
    }
    format!(
        r#"<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Terrain — hub</title>
<style>body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}</style>
</head><body>
<h1>Terrain — hub de synchronisation / sync hub</h1>
<p>En service / running · protocole / protocol {protocol} · depuis / since {since} · études / studies : {studies}</p>
<h2>Appareils inscrits / Enrolled devices : {active} actifs / active, {revoked} révoqués / revoked</h2>
{device_table}
<h2>Dernières synchronisations / Recent syncs</h2>
<table><tr><th>Heure / Time</th><th>Nœud / Node</th><th>Quoi / What</th><th>Modifications / Changes</th></tr>{recent}</table>
</body></html>"#,
        protocol = PROTOCOL_VERSION,
        since = fmt_time(hub.started_ms),
    )
}

/// Opens the store and binds the address; the hub serves once [`Bound::run`] is awaited.
pub struct Bound {
    listener: tokio::net::TcpListener,
    hub: Arc<Hub>,
    pub info: ServeInfo,
}

pub async fn bind(db: impl Into<StoreFile>, listen: &str) -> Result<Bound, HubError> {
    bind_with(db, listen, Limits::default()).await
}

/// [`bind`] with other limits than the default ones (tests shorten the times).
pub async fn bind_with(
    db: impl Into<StoreFile>,
    listen: &str,
    limits: Limits,
) -> Result<Bound, HubError> {
    let db: StoreFile = db.into();
    let (hub, join_code) = tokio::task::spawn_blocking(move || Hub::open(&db, limits))
        .await
        .map_err(|e| HubError::Io(std::io::Error::other(e)))??;
    let listener =
        tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| HubError::CannotListen {
                address: listen.to_string(),
                reason: e.to_string(),
            })?;
    let address = listener.local_addr()?;
    let url = format!("http://{address}");
    let (lan_urls, urls) = if address.ip().is_unspecified() {
        let lan: Vec<String> = lan_addresses()
            .into_iter()
            .map(|ip| format!("http://{}", SocketAddr::new(ip, address.port())))
            .collect();
        let own = format!("http://127.0.0.1:{}", address.port());
        (lan.clone(), lan.into_iter().chain([own]).collect())
    } else {
        (Vec::new(), vec![url.clone()])
    };
    let info = ServeInfo {
        address,
        url,
        join_code,
        hub_node: hub.hub_node.clone(),
        lan_urls,
        urls,
    };
    Ok(Bound {
        listener,
        hub: Arc::new(hub),
        info,
    })
}

impl Bound {
    /// Serves until `stop` resolves, then stops taking requests and lets the ones in flight
    /// (and the batch each is applying) finish.
    pub async fn run(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), HubError> {
        let limits = self.hub.gate.limits.clone();
        tracing::info!(address = %self.info.address, hub_node = %self.info.hub_node, ?limits, "hub serving");
        crate::listen::serve(self.listener, router(self.hub), &limits, stop).await;
        tracing::info!("hub stopped");
        Ok(())
    }
}

/// Resolves on Ctrl-C everywhere, and on SIGTERM on Unix.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `terrain serve`: runs a hub on its own runtime until Ctrl-C or SIGTERM. `ready` is told the
/// address and join code once the hub listens.
pub fn serve_blocking(
    db: impl Into<StoreFile>,
    listen: &str,
    ready: impl FnOnce(&ServeInfo),
) -> Result<(), HubError> {
    serve_blocking_with(db, listen, Limits::default(), ready)
}

/// [`serve_blocking`] with other limits than the default ones.
pub fn serve_blocking_with(
    db: impl Into<StoreFile>,
    listen: &str,
    limits: Limits,
    ready: impl FnOnce(&ServeInfo),
) -> Result<(), HubError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let bound = bind_with(db, listen, limits).await?;
        ready(&bound.info);
        bound.run(shutdown_signal()).await
    })
}

/// A hub running inside the desktop app ("share on this network"), on its own threads.
pub struct LocalHub {
    pub info: ServeInfo,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), HubError>>>,
}

impl LocalHub {
    /// Starts serving the store at `db` on `listen` (e.g. "0.0.0.0:8765", empty for
    /// [`DEFAULT_SHARE_ADDRESS`]); returns once it listens.
    pub fn start(db: impl Into<StoreFile>, listen: &str) -> Result<LocalHub, HubError> {
        LocalHub::start_with(db, listen, Limits::default())
    }

    /// [`LocalHub::start`] with other limits than the default ones (tests shorten the times).
    pub fn start_with(
        db: impl Into<StoreFile>,
        listen: &str,
        limits: Limits,
    ) -> Result<LocalHub, HubError> {
        let listen = match listen.trim() {
            "" => DEFAULT_SHARE_ADDRESS,
            typed => typed,
        };
        if listen.parse::<SocketAddr>().is_err() {
            return Err(HubError::BadAddress {
                address: listen.to_string(),
            });
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let bound = rt.block_on(bind_with(db, listen, limits))?;
        let info = bound.info.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("terrain-hub".into())
            .spawn(move || {
                rt.block_on(bound.run(async {
                    let _ = rx.await;
                }))
            })?;
        Ok(LocalHub {
            info,
            stop: Some(tx),
            thread: Some(thread),
        })
    }

    /// Stops taking requests, lets those in flight finish, and waits for the hub to end.
    pub fn stop(mut self) -> Result<(), HubError> {
        self.halt()
    }

    fn halt(&mut self) -> Result<(), HubError> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| HubError::Io(std::io::Error::other("hub thread panicked")))?,
            None => Ok(()),
        }
    }
}

impl Drop for LocalHub {
    fn drop(&mut self) {
        let _ = self.halt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_hub_refuses_an_address_it_cannot_listen_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("terrain.db");
        let e = LocalHub::start(&db, "not an address").err().expect("bad");
        assert_eq!(e.code(), "bad_address");
        assert!(e
            .message(terrain_core::Lang::Fr)
            .contains("n'est pas une adresse d'écoute valide"));
        let taken = LocalHub::start(&db, "127.0.0.1:0").expect("a port");
        let busy = LocalHub::start(&db, &taken.info.address.to_string());
        assert_eq!(
            busy.err().map(|e| e.code()).as_deref(),
            Some("cannot_listen")
        );
        taken.stop().expect("stop");
    }
}
