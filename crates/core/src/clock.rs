//! Hybrid logical clock: 48 bits of milliseconds since the Unix epoch, 16 bits of counter.
//! A value is unique per node and only grows; ties between nodes are broken by node id.

/// How far ahead of our own wall clock a received stamp may be and still move our clock.
/// A laptop whose clock says 2036 must not drag everyone else's clock with it.
pub const MAX_DRIFT_MS: i64 = 60 * 60 * 1000;

/// How far ahead of the receiver's wall clock a received change may be stamped. Such changes
/// are refused, not quarantined: a quarantine that depends on when each laptop received a
/// change would make replicas disagree, while a refusal leaves every replica holding the same
/// set. A day covers time zones and a clock set by hand; beyond that a stamp would win over
/// every edit made meanwhile by laptops whose clock is right.
pub const MAX_AHEAD_MS: i64 = 24 * 60 * 60 * 1000;

/// No stamp is ever above 2100-01-01, whatever a laptop's clock says (the largest stamp that
/// fits, year 6429, would win forever and overflow the next edit).
pub const CEILING_MS: i64 = 4_102_444_800_000;

pub fn from_millis(ms: i64) -> i64 {
    ms.max(0) << 16
}

pub fn millis(hlc: i64) -> i64 {
    hlc >> 16
}

/// The next stamp after `last`, given the wall clock. It never goes back, even when the wall
/// clock does (a flat battery): the log's order is the order of the writes.
pub fn tick(last: i64, wall_ms: i64) -> i64 {
    last.saturating_add(1).max(from_millis(wall_ms))
}

/// How far (ms) a stamp is ahead of `wall_ms` when that is more than a receiver accepts, or
/// when it is above the ceiling; None when it is fine.
pub fn too_far_ahead(hlc: i64, wall_ms: i64) -> Option<i64> {
    let ahead = millis(hlc).saturating_sub(wall_ms);
    (ahead > MAX_AHEAD_MS || millis(hlc) > CEILING_MS).then_some(ahead)
}

/// Our clock after seeing a remote stamp: it follows stamps up to `MAX_DRIFT_MS` ahead of
/// our wall clock and ignores the rest.
pub fn observe(last: i64, remote: i64, wall_ms: i64) -> i64 {
    if millis(remote) <= wall_ms.saturating_add(MAX_DRIFT_MS) {
        last.max(remote)
    } else {
        last
    }
}

/// Wall clock in milliseconds, shifted by `offset_ms` (tests simulate skewed laptops).
pub fn wall_millis(offset_ms: i64) -> i64 {
    chrono::Utc::now()
        .timestamp_millis()
        .saturating_add(offset_ms)
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

    #[test]
    fn the_clock_never_overflows_and_stamps_far_ahead_are_told() {
        let now = 1_700_000_000_000;
        let ahead = from_millis(now + 10 * 365 * 24 * 3600 * 1000);
        assert_eq!(tick(i64::MAX, now), i64::MAX);
        let near = from_millis(now + 1000);
        assert_eq!(too_far_ahead(near, now), None);
        assert!(too_far_ahead(ahead, now).is_some());
        assert!(
            too_far_ahead(i64::MAX, i64::MAX).is_some(),
            "above the ceiling"
        );
    }
}
