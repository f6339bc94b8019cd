//! Output into a pipe the reader closes early (`terrain record list … | head`): the command
//! ends quietly, without a panic or a backtrace.

use std::io::Read;
use std::process::Stdio;

use crate::support::{cmd, ok};

/// Runs `terrain <args>`, reads `keep` bytes of its output, closes the pipe and waits.
fn read_then_close(db: &std::path::Path, args: &[&str], keep: usize) -> (i32, String) {
    let mut child = cmd(db)
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = vec![0u8; keep];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), err)
}

#[test]
fn a_reader_closing_the_pipe_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&db, &["demo"]);
    // Far more than a pipe holds (64 KiB), so the command is still writing when it closes.
    let whole = ok(&db, &["record", "list", "participant", "--json"]);
    assert!(whole.len() > 256 * 1024, "{} bytes", whole.len());
    for args in [
        &["record", "list", "participant", "--json"][..],
        &["record", "list", "participant"][..],
        &["dump", "--json"][..],
    ] {
        let (status, err) = read_then_close(&db, args, 100);
        assert_eq!(status, 0, "terrain {args:?}: {err}");
        assert!(err.is_empty(), "terrain {args:?} said: {err}");
    }
    // The store is untouched and the command still works to the end.
    assert_eq!(ok(&db, &["record", "list", "participant", "--json"]), whole);
}
