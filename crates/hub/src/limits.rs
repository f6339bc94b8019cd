//! How much a hub gives any one peer: connections, body reads, sizes and times. Every LAN
//! peer is a stranger until its request is authenticated, so each of these bounds what a
//! stranger can hold (memory, sockets, the store lock) before being refused.

use std::time::Duration;

use crate::protocol::{MAX_BODY, MAX_PULL_BODY, MAX_SMALL_BODY, PATH_PULL, PATH_PUSH};

/// The limits a hub serves under. [`Limits::default`] suits a team of a few dozen laptops;
/// tests shorten the times.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at once; past it a new connection is closed at once (and logged).
    /// Well under the usual limit of 1024 open files.
    pub max_connections: usize,
    /// Request bodies being read at once (only authenticated requests read theirs): bounds
    /// the memory held by bodies to this many times [`MAX_BODY`].
    pub max_body_reads: usize,
    /// Time to send a request's headers, and time an idle kept-alive connection stays open.
    pub header_timeout: Duration,
    /// Time to send a body once admitted, waiting for a turn to read included.
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 256,
            max_body_reads: 4,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(120),
        }
    }
}

/// The largest body a route takes: a push carries a batch, a pull its vector, the others a
/// few hundred bytes.
pub fn body_limit(path: &str) -> usize {
    match path {
        PATH_PUSH => MAX_BODY,
        PATH_PULL => MAX_PULL_BODY,
        _ => MAX_SMALL_BODY,
    }
}
