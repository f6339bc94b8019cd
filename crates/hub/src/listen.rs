//! The accept loop: each connection is served by hyper with a timer, so a peer that does not
//! send its headers in time, or leaves a kept-alive connection idle, is closed
//! ([`Limits::header_timeout`]); at most [`Limits::max_connections`] are open at once, and
//! one more is closed as soon as it is accepted (logged), so sockets and memory stay bounded
//! whatever a LAN peer opens.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

use crate::limits::Limits;

/// Read buffer of one connection: headers must fit in it (ours are under 1 KB).
const MAX_BUF: usize = 64 * 1024;

/// Serves `app` on `listener` until `stop` resolves, then closes idle connections, lets the
/// requests in flight finish and returns once every connection has ended.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    stop: impl Future<Output = ()> + Send + 'static,
) {
    let max = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max));
    let (closing_tx, closing_rx) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .max_buf_size(MAX_BUF);
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for some to close.
                    tracing::error!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::warn!(code = "too_many_connections", %peer, max, "refused");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            tokio::pin!(conn);
            let ended = tokio::select! {
                ended = conn.as_mut() => ended,
                _ = closing.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            match ended {
                Ok(()) => {}
                Err(e) if e.is_timeout() => {
                    tracing::info!(code = "header_timeout", %peer, "connection closed: idle or too slow");
                }
                Err(e) => tracing::info!(%peer, error = %e, "connection ended with an error"),
            }
        });
    }
    let _ = closing_tx.send(true);
    let _ = slots.acquire_many(max as u32).await;
}
