//! The hub server: axum on tokio over one embedded SQLite store.
//!
//! Store work runs on the blocking pool behind one fair (FIFO) lock, one batch at a time: with
//! bounded batches, twenty laptops syncing at once take turns batch by batch, and none waits
//! for another's whole sync. A batch is applied in one transaction, so stopping the hub (or
//! killing it) never leaves half a batch; shutdown lets the batches in flight finish.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex as SyncMutex};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use terrain_core::sync::Vector;
use terrain_core::Store;
use tokio::sync::Mutex;
use ts_rs::TS;

use crate::auth::{self, Freshness, Signed};
use crate::engine;
use crate::error::{HubError, Refusal};
use crate::protocol::*;
use crate::registry::{self, Known};
use crate::seal::{self, Context, Way};

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
    fresh: SyncMutex<Freshness>,
    hub_node: String,
    started_ms: i64,
    events: SyncMutex<VecDeque<Event>>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Hub {
    fn open(db: &Path) -> Result<(Hub, String), HubError> {
        let store = Store::open(db)?;
        registry::ensure_tables(store.conn())?;
        let code = registry::join_code(&store)?;
        let hub_node = store.node_id().to_string();
        let started_ms = now_ms();
        Ok((
            Hub {
                store: Arc::new(Mutex::new(store)),
                fresh: SyncMutex::new(Freshness::new(started_ms)),
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
        .route(PATH_STATE, post(state))
        .route(PATH_PUSH, post(push))
        .route(PATH_PULL, post(pull))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(hub)
}

fn refusal_response(r: Refusal) -> Response {
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

async fn not_found() -> Response {
    refusal_response(Refusal::new(
        404,
        "not_found",
        "Cette adresse n'existe pas sur le hub.",
        "No such address on this hub.",
    ))
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

async fn hello(State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Response {
    if let Err(r) = auth::check_protocol(&header_reader(&headers)) {
        return refusal_response(r);
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

fn header_reader(headers: &HeaderMap) -> impl Fn(&str) -> Option<String> + '_ {
    move |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// A request that passed the checks: who sent it, and its opened payload.
struct Authentic {
    signed: Signed,
    device_key: ed25519_dalek::VerifyingKey,
    key: [u8; 32],
    plain: Vec<u8>,
    path: &'static str,
}

impl Authentic {
    fn answer(&self, plain: &[u8]) -> Response {
        let ctx = Context {
            study: &self.signed.study,
            node: &self.signed.node,
            path: self.path,
            nonce: &self.signed.nonce,
            way: Way::Answer,
        };
        sealed_response(seal::seal(&self.key, &ctx, plain))
    }
}

fn unknown_study(study: &str) -> Refusal {
    Refusal::new(
        404,
        "unknown_study",
        format!("Ce hub ne connaît pas l'étude {study} : rejoignez-la d'abord sur le hub (`terrain study join`)."),
        format!("This hub does not hold study {study}: join it on the hub first (`terrain study join`)."),
    )
}

fn bad_payload() -> Refusal {
    Refusal::new(
        400,
        "bad_payload",
        "Le contenu de la requête ne peut pas être ouvert avec la clé de l'étude (clé différente ou contenu modifié).",
        "The request content cannot be opened with the study key (another key, or altered content).",
    )
}

/// Checks a request in order: protocol, study, device (or, to enrol, the key it presents),
/// signature, freshness, then opens its payload. Runs with the store locked.
fn authenticate(
    hub: &Hub,
    store: &Store,
    path: &'static str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Authentic, Refusal> {
    let get = header_reader(headers);
    let signed = auth::read_signed(&get)?;
    let key =
        engine::study_key(store, &signed.study)?.ok_or_else(|| unknown_study(&signed.study))?;
    let device_key = if path == PATH_ENROL {
        get(H_PUBLIC_KEY)
            .and_then(|k| auth::decode_key(&k))
            .ok_or_else(|| {
                Refusal::bad_request(
                    "Clé publique de l'appareil absente ou illisible.",
                    "Missing or unreadable device public key.",
                )
            })?
    } else {
        match registry::lookup(store.conn(), &signed.node)? {
            Known::Active(k) => auth::decode_key(&k).ok_or_else(auth::tampered)?,
            Known::Revoked => return Err(registry::revoked_refusal()),
            Known::Unknown => return Err(registry::not_enrolled_refusal()),
        }
    };
    auth::verify(&device_key, "POST", path, &signed, body, get(H_SIGNATURE))?;
    hub.fresh
        .lock()
        .map_err(|_| Refusal::internal("lock"))?
        .check(&signed, now_ms())?;
    let ctx = Context {
        study: &signed.study,
        node: &signed.node,
        path,
        nonce: &signed.nonce,
        way: Way::Request,
    };
    let plain = seal::open(&key, &ctx, body).ok_or_else(bad_payload)?;
    Ok(Authentic {
        signed,
        device_key,
        key,
        plain,
        path,
    })
}

/// Runs `work` on the blocking pool with the store locked (FIFO), after authentication.
async fn with_store(
    hub: Arc<Hub>,
    path: &'static str,
    headers: HeaderMap,
    body: Bytes,
    work: impl FnOnce(&Hub, &mut Store, Authentic) -> Result<Response, Refusal> + Send + 'static,
) -> Response {
    if let Err(r) = auth::check_protocol(&header_reader(&headers)) {
        return refusal_response(r);
    }
    let guard = hub.store.clone().lock_owned().await;
    let task = tokio::task::spawn_blocking(move || {
        let mut store = guard;
        let req = authenticate(&hub, &store, path, &headers, &body)?;
        work(&hub, &mut store, req)
    });
    match task.await {
        Ok(Ok(resp)) => resp,
        Ok(Err(r)) => refusal_response(r),
        Err(e) => refusal_response(Refusal::internal(e)),
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

async fn enrol(State(hub): State<Arc<Hub>>, headers: HeaderMap, body: Bytes) -> Response {
    with_store(hub, PATH_ENROL, headers, body, |hub, store, req| {
        let msg: EnrolRequest = json(&req.plain)?;
        let presented = auth::encode_key(&req.device_key);
        if auth::decode_key(&msg.public_key) != Some(req.device_key) {
            return Err(auth::tampered());
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
        let already = registry::enrol(
            store.conn(),
            &req.signed.node,
            &presented,
            msg.label.as_deref(),
            &req.signed.study,
        )?;
        hub.record(&req.signed.node, "enrol", 0);
        let answer = EnrolAnswer {
            hub_node: hub.hub_node.clone(),
            already,
        };
        Ok(req.answer(&serde_json::to_vec(&answer).unwrap_or_default()))
    })
    .await
}

async fn state(State(hub): State<Arc<Hub>>, headers: HeaderMap, body: Bytes) -> Response {
    with_store(hub, PATH_STATE, headers, body, |hub, store, req| {
        let ask: StateRequest = json(&req.plain)?;
        let vector = engine::vector(store, &req.signed.study)?;
        let key = auth::encode_key(&req.device_key);
        // Bookkeeping in one transaction: one disk sync, not two.
        let tx = store
            .conn()
            .unchecked_transaction()
            .map_err(Refusal::internal)?;
        registry::seen(&tx, &req.signed.node, 0, 0)?;
        engine::contact(
            store,
            &req.signed.node,
            ask.label.as_deref(),
            Some(&key),
            ask.wall_ms - now_ms(),
        )?;
        tx.commit().map_err(Refusal::internal)?;
        let answer = StateAnswer {
            hub_node: hub.hub_node.clone(),
            vector: vector.to_wire(),
        };
        Ok(req.answer(&serde_json::to_vec(&answer).unwrap_or_default()))
    })
    .await
}

async fn push(State(hub): State<Arc<Hub>>, headers: HeaderMap, body: Bytes) -> Response {
    with_store(hub, PATH_PUSH, headers, body, |hub, store, req| {
        let (_count, batch): (BatchHeader, &[u8]) = Frame::decode(&req.plain).map_err(|e| {
            Refusal::bad_request(
                format!("Lot illisible : {e}"),
                format!("Unreadable batch: {e}"),
            )
        })?;
        let done = engine::import(store, &req.signed.study, batch)?;
        registry::seen(store.conn(), &req.signed.node, done.received, 0)?;
        hub.record(&req.signed.node, "push", done.received);
        Ok(req.answer(&serde_json::to_vec(&done).unwrap_or_default()))
    })
    .await
}

async fn pull(State(hub): State<Arc<Hub>>, headers: HeaderMap, body: Bytes) -> Response {
    with_store(hub, PATH_PULL, headers, body, |hub, store, req| {
        let ask: PullRequest = json(&req.plain)?;
        let max = ask.max_changes.clamp(1, MAX_BATCH);
        let asked = Vector::from_wire(&ask.have);
        let mut have = asked.clone();
        let out = engine::export(store, &req.signed.study, &mut have, max)?;
        let tx = store
            .conn()
            .unchecked_transaction()
            .map_err(Refusal::internal)?;
        engine::learn(store, &req.signed.node, &asked)?;
        registry::seen(&tx, &req.signed.node, 0, out.count)?;
        tx.commit().map_err(Refusal::internal)?;
        hub.record(&req.signed.node, "pull", out.count);
        let header = BatchHeader {
            more: out.more,
            count: out.count,
        };
        Ok(req.answer(&Frame::encode(&header, &out.bytes)))
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

/// A small page for whoever runs the hub: is it up, who enrolled, who synced lately. Shows
/// no study content (it is served without authentication on the LAN).
async fn status_page(State(hub): State<Arc<Hub>>) -> Html<String> {
    let store = hub.store.clone().lock_owned().await;
    let events: Vec<Event> = hub
        .events
        .lock()
        .map(|e| e.iter().cloned().collect())
        .unwrap_or_default();
    let hub2 = hub.clone();
    let page = tokio::task::spawn_blocking(move || {
        let devices = registry::list(store.conn()).unwrap_or_default();
        let studies = engine::studies(&store).map(|s| s.len()).unwrap_or(0);
        render_status(&hub2, &devices, studies, &events)
    })
    .await
    .unwrap_or_default();
    Html(page)
}

fn render_status(
    hub: &Hub,
    devices: &[registry::Device],
    studies: usize,
    events: &[Event],
) -> String {
    let mut rows = String::new();
    for d in devices {
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
    let mut recent = String::new();
    for e in events {
        recent.push_str(&format!(
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            fmt_time(e.at_ms),
            escape(&e.node),
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
<p>En service / running · nœud / node <code>{node}</code> · protocole / protocol {protocol} · depuis / since {since} · études / studies : {studies}</p>
<h2>Appareils inscrits / Enrolled devices ({count})</h2>
<table><tr><th>Nœud / Node</th><th>Nom / Label</th><th>Inscrit / Enrolled</th><th>Vu / Last seen</th><th>Reçus / In</th><th>Envoyés / Out</th><th>État / State</th></tr>{rows}</table>
<h2>Dernières synchronisations / Recent syncs</h2>
<table><tr><th>Heure / Time</th><th>Nœud / Node</th><th>Quoi / What</th><th>Modifications / Changes</th></tr>{recent}</table>
</body></html>"#,
        node = escape(&hub.hub_node),
        protocol = PROTOCOL_VERSION,
        since = fmt_time(hub.started_ms),
        count = devices.len(),
    )
}

/// Opens the store and binds the address; the hub serves once [`Bound::run`] is awaited.
pub struct Bound {
    listener: tokio::net::TcpListener,
    hub: Arc<Hub>,
    pub info: ServeInfo,
}

pub async fn bind(db: &Path, listen: &str) -> Result<Bound, HubError> {
    let db: PathBuf = db.to_path_buf();
    let (hub, join_code) = tokio::task::spawn_blocking(move || Hub::open(&db))
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
        axum::serve(self.listener, router(self.hub))
            .with_graceful_shutdown(stop)
            .await?;
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
    db: &Path,
    listen: &str,
    ready: impl FnOnce(&ServeInfo),
) -> Result<(), HubError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let bound = bind(db, listen).await?;
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
    pub fn start(db: &Path, listen: &str) -> Result<LocalHub, HubError> {
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
        let bound = rt.block_on(bind(db, listen))?;
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
