//! A hub process killed (SIGKILL on Unix) in the middle of a large push loses nothing: after
//! a restart the next sync completes, with every change held once.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;
use terrain_core::Entity;

use crate::support::*;

/// Starts `terrain-hub` on a random port; returns the child, its URL and join code.
fn spawn_hub(db: &Path) -> (Child, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_terrain-hub"))
        .args(["--db", &db.to_string_lossy(), "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hub process starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut url = None;
    let mut code = None;
    while url.is_none() || code.is_none() {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("hub prints its address");
        if let Some(u) = line.strip_prefix("listening on ") {
            url = Some(u.to_string());
        }
        if let Some(c) = line.strip_prefix("join code: ") {
            code = Some(c.to_string());
        }
    }
    (child, url.unwrap_or_default(), code.unwrap_or_default())
}

#[test]
fn a_hub_killed_mid_push_resumes_and_loses_nothing() {
    let lab = Lab::new();
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Ségou");
    laptop
        .write(|w| {
            for i in 0..2_000 {
                w.create(
                    Entity::Session,
                    &fields(&[
                        ("study_id", json!(study)),
                        ("title", json!(format!("séance {i}"))),
                        ("session_type", json!("workshop")),
                        ("date", json!("2026-03-04")),
                        ("notes", json!(format!("notes de la séance {i}, Ségou"))),
                    ]),
                )?;
            }
            Ok(())
        })
        .expect("sessions");
    let total = change_ids(&laptop).len();
    assert!(total > 8_000);
    {
        let hub_store = lab.store("hub");
        join(&hub_store, &invite);
    }

    let (mut child, url, code) = spawn_hub(&lab.path("hub"));
    let small_batches = terrain_hub::SyncOptions {
        join_code: Some(code.clone()),
        batch: 500,
        ..opts(None)
    };
    let cancel = AtomicBool::new(false);
    let mut killed = false;
    let result = terrain_hub::sync(
        &mut laptop,
        &url,
        &small_batches,
        &mut |p| {
            if !killed && p.sent >= 3_000 {
                child.kill().expect("kill the hub");
                killed = true;
            }
        },
        &cancel,
    );
    assert!(killed);
    assert!(result.is_err(), "the sync cannot finish with the hub dead");
    let _ = child.wait();
    let held = change_ids(&lab.store("hub")).len();
    assert!(
        held >= 3_000 && held < total,
        "the hub kept what it had applied: {held} of {total}"
    );

    let (mut child, url, _) = spawn_hub(&lab.path("hub"));
    let again = terrain_hub::SyncOptions {
        join_code: None,
        ..small_batches
    };
    let summary =
        terrain_hub::sync(&mut laptop, &url, &again, &mut |_| {}, &cancel).expect("resumed sync");
    // Only what the hub lacked went again.
    assert_eq!(summary.studies[0].sent as usize, total - held);
    assert_eq!(summary.studies[0].sent_new as usize, total - held);
    let _ = child.kill();
    let _ = child.wait();

    let hub_view = lab.store("hub");
    assert_eq!(change_ids(&hub_view), change_ids(&laptop));
    assert_eq!(dump(&hub_view), dump(&laptop));
}

/// SIGTERM stops the hub once the batch in flight is applied: the hub holds whole batches,
/// exits cleanly, and the next sync completes.
#[cfg(unix)]
#[test]
fn sigterm_lets_the_batch_in_flight_finish() {
    let lab = Lab::new();
    let mut laptop = lab.store("laptop");
    let (study, invite) = new_study(&mut laptop, "Sikasso");
    laptop
        .write(|w| {
            for i in 0..1_000 {
                w.create(
                    Entity::Session,
                    &fields(&[
                        ("study_id", json!(study)),
                        ("title", json!(format!("séance {i}"))),
                        ("session_type", json!("round_table")),
                        ("date", json!("2026-05-06")),
                    ]),
                )?;
            }
            Ok(())
        })
        .expect("sessions");
    let total = change_ids(&laptop).len();
    {
        let hub_store = lab.store("hub");
        join(&hub_store, &invite);
    }
    let (mut child, url, code) = spawn_hub(&lab.path("hub"));
    let batch = 250;
    let small = terrain_hub::SyncOptions {
        join_code: Some(code),
        batch,
        ..opts(None)
    };
    let cancel = AtomicBool::new(false);
    let pid = child.id().to_string();
    let mut signalled = false;
    let result = terrain_hub::sync(
        &mut laptop,
        &url,
        &small,
        &mut |p| {
            if !signalled && p.sent >= 1_000 {
                let status = Command::new("kill")
                    .args(["-TERM", &pid])
                    .status()
                    .expect("kill -TERM");
                assert!(status.success());
                signalled = true;
            }
        },
        &cancel,
    );
    assert!(signalled);
    assert!(result.is_err(), "the hub stopped taking requests");
    let mut exited = None;
    for _ in 0..300 {
        if let Some(status) = child.try_wait().expect("wait") {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = exited.expect("the hub exits within 15 s of SIGTERM");
    assert!(status.success(), "clean exit: {status:?}");
    let held = change_ids(&lab.store("hub")).len();
    // A batch ends at the end of a signed segment (1,024 changes when sealed at once).
    let segment = terrain_core::changes::SEGMENT_MAX_CHANGES as usize;
    assert_eq!(held % segment, 0, "whole batches only: {held}");
    assert!(held >= 1_000 && held < total);

    let (mut child, url, _) = spawn_hub(&lab.path("hub"));
    let again = terrain_hub::SyncOptions {
        join_code: None,
        ..small
    };
    terrain_hub::sync(&mut laptop, &url, &again, &mut |_| {}, &cancel).expect("resumed");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(change_ids(&lab.store("hub")), change_ids(&laptop));
}
