//! Hybrid logical clock: 48 bits of milliseconds since the Unix epoch, 16 bits of counter.
//! A value is unique per node and only grows; ties between nodes are broken by node id.

/// How far ahead of our own wall clock a received stamp may be and still move our clock.
/// A laptop whose clock says 2036 must not drag everyone else's clock with it.
pub const MAX_DRIFT_MS: i64 = 60 * 60 * 1000;

pub fn from_millis(ms: i64) -> i64 {
    ms.max(0) << 16
}

pub fn millis(hlc: i64) -> i64 {
    hlc >> 16
}

/// The next stamp after `last`, given the wall clock.
pub fn tick(last: i64, wall_ms: i64) -> i64 {
    (last + 1).max(from_millis(wall_ms))
}

/// Our clock after seeing a remote stamp: it follows stamps up to `MAX_DRIFT_MS` ahead of
/// our wall clock and ignores the rest.
pub fn observe(last: i64, remote: i64, wall_ms: i64) -> i64 {
    if millis(remote) <= wall_ms + MAX_DRIFT_MS {
        last.max(remote)
    } else {
        last
    }
}

/// Wall clock in milliseconds, shifted by `offset_ms` (tests simulate skewed laptops).
pub fn wall_millis(offset_ms: i64) -> i64 {
    chrono::Utc::now().timestamp_millis() + offset_ms
}

/// The stamp as an RFC 3339 time, for people.
pub fn to_rfc3339(hlc: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis(hlc))
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_never_goes_back_even_when_the_wall_clock_does() {
        let a = tick(0, 1_000);
        let b = tick(a, 500);
        assert!(b > a);
        assert_eq!(millis(b), 1_000);
    }

    #[test]
    fn far_future_stamps_do_not_drag_the_clock() {
        let now = 1_700_000_000_000;
        let mine = tick(0, now);
        let near = from_millis(now + 10_000);
        assert_eq!(observe(mine, near, now), near);
        let far = from_millis(now + 10 * 365 * 24 * 3600 * 1000);
        assert_eq!(observe(mine, far, now), mine);
    }
}
