//! The fuzzer's inputs as regression tests (docs/fuzzing.md): every file of fuzz/corpus/<target>/
//! (real bundles and batches, the seeds) and of fuzz/crashes/<target>/ (inputs that once crashed
//! a decoder, kept after the fix) goes through the same calls as the fuzz targets
//! (fuzz/src/bin/{bundle,batch,backup_head,form_expr}.rs). A refusal is fine; a panic fails the test. The hub's target
//! is replayed in the hub's tests.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use terrain_core::sync::bundle;

/// The study key the corpus was written with: `terrain_fuzz::STUDY_KEY` in fuzz/src/lib.rs.
const STUDY_KEY: [u8; 32] = *b"terrain-fuzz-fixed-study-key-32b";

const REGENERATE: &str = "regenerate the corpus: cargo nextest run -p terrain-hub --run-ignored only -E 'test(write_the_fuzz_seed_corpus)'";

/// What the `bundle` target does: the container and its header tag, then each batch opened
/// and decoded. The reader streams from a file, so the input is written to one first.
fn bundle_target(data: &[u8]) -> Result<usize, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("input.terrain");
    std::fs::write(&path, data).map_err(|e| e.to_string())?;
    let code = |e: terrain_core::Error| e.code().to_string();
    let signed = bundle::read_signed(&path).map_err(code)?;
    signed.authenticate(&STUDY_KEY).map_err(code)?;
    let mut changes = 0;
    for packed in signed.batches(&STUDY_KEY).map_err(code)? {
        changes += bundle::unpack(&packed.map_err(code)?)
            .map_err(code)?
            .changes
            .len();
    }
    Ok(changes)
}

/// What the `backup_head` target does.
fn backup_head_target(data: &[u8]) -> Result<usize, String> {
    terrain_core::store::backup::parse_head(data, data.len() as u64)
        .map(|head| head.db_bytes as usize)
        .map_err(|e| e.code().to_string())
}

/// What the `form_expr` target does: the first line an expression, the next `${a}`, `${b}`,
/// `.`, then one line per instance of `${r}`.
fn form_expr_target(data: &[u8]) -> Result<usize, String> {
    use terrain_core::forms::expr::{parse, TestEnv, Value};
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let expr = parse(lines.next().unwrap_or_default()).map_err(|e| e.code().to_string())?;
    let line = |l: Option<&str>| l.unwrap_or_default().to_string();
    let mut env = TestEnv::new()
        .with("a", &line(lines.next()))
        .with("b", &line(lines.next()));
    env.current = Some(Value::Str(line(lines.next())));
    env.position = Some(1);
    env.values.insert(
        "r".into(),
        Value::Nodes(lines.map(str::to_string).collect()),
    );
    Ok(expr.eval(&env).as_answer().len())
}

/// What the `xlsform` target does.
fn xlsform_target(data: &[u8]) -> Result<usize, String> {
    terrain_core::forms::xlsform::import_bytes(data, "fuzz.xlsx")
        .map(|(def, _)| def.question_count())
        .map_err(|issues| format!("{} issues", issues.len()))
}

/// What the `batch` target does.
fn batch_target(data: &[u8]) -> Result<usize, String> {
    bundle::decode_batch(data).map(|c| c.changes.len())
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs every file of `dirs` through `target`; returns the files that panicked.
fn panics(dirs: &[PathBuf], target: fn(&[u8]) -> Result<usize, String>) -> Vec<String> {
    let mut panicked = Vec::new();
    for file in dirs.iter().flat_map(|d| files_in(d)) {
        let data = std::fs::read(&file).unwrap();
        if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
            panicked.push(file.display().to_string());
        }
    }
    panicked
}

#[test]
fn the_fuzz_corpus_and_the_crashes_found_decode_without_a_panic() {
    let fuzz = fuzz_dir();
    for (name, target) in [
        (
            "bundle",
            bundle_target as fn(&[u8]) -> Result<usize, String>,
        ),
        ("batch", batch_target),
        ("backup_head", backup_head_target),
        ("form_expr", form_expr_target),
        ("xlsform", xlsform_target),
    ] {
        let dirs = [
            fuzz.join("corpus").join(name),
            fuzz.join("crashes").join(name),
        ];
        assert!(
            files_in(&dirs[0]).len() >= 2,
            "fuzz/corpus/{name} has lost its seeds: {REGENERATE}"
        );
        let panicked = panics(&dirs, target);
        assert!(panicked.is_empty(), "{name} panicked on {panicked:?}");
    }
}

/// The seeds are real and current: each bundle opens with the fixed key and decodes whole, so
/// the fuzzer starts past the signature and the decryption. A format change fails here first.
#[test]
fn the_seed_bundles_and_batches_decode_whole_with_the_fixed_key() {
    let fuzz = fuzz_dir();
    let mut changes = 0;
    for file in files_in(&fuzz.join("corpus/bundle")) {
        let data = std::fs::read(&file).unwrap();
        match bundle_target(&data) {
            Ok(n) => changes += n,
            Err(code) => panic!("seed {} refused ({code}): {REGENERATE}", file.display()),
        }
    }
    assert!(
        changes > 0,
        "the seed bundles carry no change: {REGENERATE}"
    );
    for file in files_in(&fuzz.join("corpus/batch")) {
        let data = std::fs::read(&file).unwrap();
        if let Err(e) = batch_target(&data) {
            panic!("seed {} refused ({e}): {REGENERATE}", file.display());
        }
    }
}

/// The expression seeds parse: the fuzzer starts from expressions that reach the evaluator.
#[test]
fn the_seed_expressions_parse() {
    let seeds = files_in(&fuzz_dir().join("corpus/form_expr"));
    assert!(seeds.len() >= 5);
    for file in seeds {
        let data = std::fs::read(&file).unwrap();
        if let Err(code) = form_expr_target(&data) {
            panic!("seed {} refused ({code})", file.display());
        }
    }
}

/// The backup heads of the corpus parse whole: the fuzzer starts past the length checks.
#[test]
fn the_seed_backup_heads_parse_whole() {
    let seeds = files_in(&fuzz_dir().join("corpus/backup_head"));
    assert!(!seeds.is_empty());
    for file in seeds {
        let data = std::fs::read(&file).unwrap();
        if let Err(code) = backup_head_target(&data) {
            panic!(
                "seed {} refused ({code}): cargo nextest run -p terrain-core --run-ignored only -E 'test(write_the_backup_head_seeds)'",
                file.display()
            );
        }
    }
}

/// The seed forms import whole: the fuzzer starts from files that reach every part of the
/// reader (written by `forms::xlsform::write_the_xlsform_seeds`, and the .xls fixture).
#[test]
fn the_seed_forms_import_whole() {
    let seeds = files_in(&fuzz_dir().join("corpus/xlsform"));
    assert!(seeds.len() >= 2);
    for file in seeds {
        let data = std::fs::read(&file).unwrap();
        if let Err(e) = xlsform_target(&data) {
            panic!(
                "seed {} refused ({e}): cargo nextest run -p terrain-core --run-ignored only -E 'test(write_the_xlsform_seeds)'",
                file.display()
            );
        }
    }
}
