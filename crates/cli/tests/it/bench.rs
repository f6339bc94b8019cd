//! Every benchmark of `terrain bench` (sync, dashboard, hub, sealed, form) runs at a small size
//! through the real binary and prints its figures, so that none can break silently (the
//! dashboard one once did). The figures themselves mean something only in release, at the
//! default sizes; here only that each one runs, prints every line and counts what it built. The
//! hub benchmark starts `terrain serve` and `terrain sync` children on loopback: the test
//! fails, and kills them, if any is left running.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::BIN;

/// Far above what each benchmark takes at these sizes in a debug build (a few seconds).
const LIMIT: Duration = Duration::from_secs(300);

/// Runs `terrain bench <args> --dir <scratch>` and returns what it printed on stdout. Fails if
/// it exits non-zero, runs past `LIMIT` or leaves a process running.
fn bench(args: &[&str]) -> String {
    let scratch = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .env("TERRAIN_LANG", "en")
        .env("TERRAIN_DATA_DIR", scratch.path().join("data"))
        .arg("bench")
        .args(args)
        .arg("--dir")
        .arg(scratch.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = read_on_a_thread(child.stdout.take().unwrap());
    let stderr = read_on_a_thread(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let left = kill_left_running(scratch.path());
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(
        left.is_empty(),
        "terrain bench {args:?} left {left:?} running"
    );
    let status = status.unwrap_or_else(|| panic!("terrain bench {args:?} ran past {LIMIT:?}"));
    assert!(
        status.success(),
        "terrain bench {args:?} failed:\n{stderr}\n{stdout}"
    );
    stdout
}

fn read_on_a_thread(mut out: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    })
}

/// Kills the processes still running whose command line names `dir` (the benchmark's hub and
/// sync children work on databases in it) and returns their command lines.
#[cfg(target_os = "linux")]
fn kill_left_running(dir: &Path) -> Vec<String> {
    let dir = dir.to_string_lossy();
    let mut left = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if pid.parse::<u32>().is_err() {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(dir.as_ref()) {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            left.push(cmdline);
        }
    }
    left
}

#[cfg(not(target_os = "linux"))]
fn kill_left_running(_dir: &Path) -> Vec<String> {
    Vec::new()
}

/// The line that starts with `start` (after its indent).
fn line<'a>(out: &'a str, start: &str) -> &'a str {
    out.lines()
        .find(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line {start:?} in:\n{out}"))
}

/// The first number in `text` after `after`.
fn number_after(text: &str, after: &str) -> f64 {
    let rest = &text[text
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} in {text:?}"))
        + after.len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number after {after:?} in {text:?}"))
}

#[test]
fn bench_sync_runs_at_a_small_size_and_prints_every_measure() {
    let out = bench(&["sync", "--n", "3000"]);
    for start in [
        "measure",
        "plain SQLite insert, 300 rows",
        "write path (change log), 300 rows",
        "write path / plain insert",
        "write path, encrypted store",
        "encryption's cost on the write path",
        "same, into an encrypted replica",
        "encryption's cost on the import",
        "unlock an encrypted store",
        "full export of those changes",
        "bundle import (verify + merge) into empty replica",
        "bundle bytes per field change",
        "peak memory (VmHWM) during that import",
        "delta import into the 1M replica",
        "delta export + import",
    ] {
        line(&out, start);
    }
    assert!(number_after(line(&out, "merge, "), "merge, ") >= 3000.0);
    assert!(number_after(line(&out, "delta export, 10 records"), "(") > 0.0);
    assert!(number_after(line(&out, "write path / plain insert"), "insert") > 0.0);
    assert!(number_after(line(&out, "unlock an encrypted store"), "passes)") > 0.0);
}

#[test]
fn bench_dashboard_runs_at_a_small_size_and_prints_every_query_and_export() {
    let out = bench(&["dashboard", "--participants", "1000", "--runs", "2"]);
    line(&out, "built 1000 participants in");
    for query in [
        "1 people",
        "2 sessions + follow-up",
        "3 dsf",
        "4 methods",
        "5 recommendations",
        "6 quality + duplicates",
        "7 activity",
        "all (dashboard)",
    ] {
        let times = out.lines().filter(|l| l.starts_with(query)).count();
        assert_eq!(times, 3, "{query} once per filter:\n{out}");
    }
    let check = line(&out, "check: ");
    let women = number_after(check, "check: ");
    let men = number_after(check, "women, ");
    assert!(
        women + men >= 1000.0,
        "every participant (and the tallies): {check}"
    );
    assert_eq!(number_after(check, "men in "), 50.0, "{check}");
    line(&out, "slowest single query: median");
    line(&out, "export ");
    // Label, seconds, rows, peak memory added; anonymised, people are counted, not listed.
    for (export, least) in [
        ("csv ", 1000.0),
        ("xlsx ", 1000.0),
        ("json ", 1000.0),
        ("csv --anonymised --hxl ", 1.0),
    ] {
        let l = line(&out, export);
        assert!(number_after(l, export) >= 0.0, "{l}");
        let rows: f64 = l.split_whitespace().rev().nth(1).unwrap().parse().unwrap();
        assert!(rows >= least, "{l}");
    }
}

#[test]
fn bench_hub_runs_at_a_small_size_and_leaves_no_process_behind() {
    let out = bench(&["hub", "--records", "300", "--laptops", "3", "--flood", "20"]);
    let laptop = line(&out, "laptop: 300 records,");
    let changes = number_after(laptop, "records,");
    assert!(
        changes >= 3000.0,
        "about ten field changes a record: {laptop}"
    );
    line(&out, "first sync to an empty hub");
    let first = out.split("delta sync").next().unwrap();
    assert_eq!(number_after(line(first, "changes sent"), "sent"), changes);
    line(&out, "throughput");
    line(&out, "bytes sent");
    line(&out, "peak memory hub");
    let delta = out.split("delta sync").nth(1).unwrap();
    assert!(number_after(line(delta, "changes sent"), "sent") > 0.0);
    line(
        &out,
        "delta sync under a flood of 20 hostile 16 MiB uploads",
    );
    assert!(number_after(line(&out, "normal "), "normal") > 0.0);
    for who in ["strangers ", "forged enrolled id "] {
        let l = line(&out, who);
        assert!(number_after(l, who) > 0.0, "{l}");
        assert!(number_after(l, "normal,") >= 20.0, "the flood ran: {l}");
    }
    line(&out, "3 laptops syncing at once");
    assert_eq!(
        line(&out, "succeeded").split_whitespace().nth(1),
        Some("3/3")
    );
    line(&out, "per laptop");
}

#[test]
fn bench_sealed_runs_at_a_small_size_and_reads_every_name_back() {
    let out = bench(&["sealed", "--rows", "200"]);
    line(&out, "Sealing names and phones to headquarters");
    let plain = line(&out, "write path, no HQ key");
    let sealed = line(&out, "write path, HQ key");
    assert!(number_after(plain, "key") == 200.0, "{plain}");
    assert!(number_after(sealed, "key") == 200.0, "{sealed}");
    line(&out, "HQ reads them opened    400 participants");
}

#[test]
fn bench_export_forms_runs_at_a_small_size_and_exports_every_response() {
    let out = bench(&["export-forms", "--responses", "200"]);
    line(&out, "export of a form");
    assert_eq!(number_after(line(&out, "built 20 responses"), "(+"), 20.0);
    assert_eq!(number_after(line(&out, "built 200 responses"), "(+"), 180.0);
    // Each response's row and its two members' rows.
    for format in ["csv", "xlsx", "json"] {
        for size in [20.0, 200.0] {
            let label = format!("{format} {size} ");
            let l = line(&out, &label);
            let rows: f64 = l.split_whitespace().rev().nth(1).unwrap().parse().unwrap();
            assert_eq!(rows, size * 3.0, "{l}");
        }
    }
}

#[test]
fn bench_form_runs_at_a_small_size_and_evaluates_the_whole_form() {
    let out = bench(&["form", "--questions", "50", "--runs", "5"]);
    line(&out, "Form engine: one answer's re-evaluation (5 runs)");
    line(
        &out,
        "form: 50 questions, 10 relevance, 5 constraint expressions",
    );
    let times = line(&out, "re-evaluation: median");
    assert!(number_after(times, "median") > 0.0, "{times}");
    assert!(
        number_after(times, "p95") >= number_after(times, "median"),
        "{times}"
    );
    // The last run answered "no" to q0: of the ten texts, those after q10, q20, q30, q40 show.
    line(&out, "check: 50 items, 44 relevant, 44 pages, 0 errors");
}
