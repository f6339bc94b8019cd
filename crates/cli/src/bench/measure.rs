//! The readings every benchmark takes: wall time, medians, CPU time and peak memory. CPU and
//! memory come from Linux's /proc; elsewhere they read as None and print as "n/a".

use std::time::Instant;

/// Milliseconds since `start`.
pub fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// The middle value (sorts `values`); 0 when there is none.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// CPU time of this thread so far, in ms: unlike wall time, it does not count the time other
/// programs on a busy machine kept us waiting. The measured work (queries, imports) runs on the
/// calling thread: the core starts no threads of its own.
pub fn thread_cpu_ms() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}

/// Peak resident memory (VmHWM) of a process, in KiB: this one is `std::process::id()`.
pub fn peak_memory_kb(pid: u32) -> Option<u64> {
    status_kb(pid, "VmHWM:")
}

/// Resident memory (VmRSS) of a process now, in KiB.
pub fn memory_kb(pid: u32) -> Option<u64> {
    status_kb(pid, "VmRSS:")
}

/// Resets this process's peak memory so the next reading covers only what follows (false when
/// it cannot: then a peak reading means nothing).
pub fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_kb(pid: u32, key: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// KiB as "12.3 MB", or "n/a" when not measured.
pub fn mb(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
        .unwrap_or_else(|| "n/a".into())
}

/// Wall times of the runs of one piece of work (ms) and its mean CPU time per run.
pub struct Runs {
    pub first: f64,
    pub median: f64,
    pub max: f64,
    pub cpu: Option<f64>,
}

/// Runs `work` `runs` times (at least once), timing each run.
pub fn time_runs(
    runs: usize,
    mut work: impl FnMut() -> terrain_core::Result<()>,
) -> terrain_core::Result<Runs> {
    let mut wall = Vec::with_capacity(runs.max(1));
    let cpu_before = thread_cpu_ms();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        work()?;
        wall.push(ms(t));
    }
    let cpu = cpu_before
        .zip(thread_cpu_ms())
        .map(|(a, b)| (b - a) / wall.len() as f64);
    let first = wall[0];
    let median = median(&mut wall);
    let max = wall.last().copied().unwrap_or(0.0);
    Ok(Runs {
        first,
        median,
        max,
        cpu,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_and_runs_keep_the_first_and_the_slowest() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut []), 0.0);
        let mut n = 0;
        let runs = time_runs(3, || {
            n += 1;
            Ok(())
        })
        .expect("runs");
        assert_eq!(n, 3);
        assert!(runs.first <= runs.max && runs.median <= runs.max);
        assert_eq!(mb(Some(2048)), "2.0 MB");
        assert_eq!(mb(None), "n/a");
    }
}
