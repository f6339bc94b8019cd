#!/usr/bin/env bash
# Fuzzes one decoder with AFL++ (cargo-afl) for a time budget, without a screen, then fails if
# it found any crash and prints the crashing inputs' paths.
#
#   bash scripts/fuzz.sh TARGET SECONDS     TARGET: bundle, batch, backup_head, form_expr,
#                                           hub_request, core (bundle, batch, backup_head,
#                                           form_expr), xlsform, or all (each in turn)
#
# Starts from fuzz/corpus/TARGET and writes to fuzz/out/TARGET (emptied first; FUZZ_RESUME=1
# goes on from what is there instead). The instrumented build goes to fuzz/target, or to
# FUZZ_TARGET_DIR when set (scripts/test.sh keeps it in the home folder, so that a machine that
# ran it once does not build the whole dependency tree again). A long campaign and what to do
# with a crash: docs/fuzzing.md. cargo-afl and its AFL++ are installed by scripts/setup.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TARGETS=(bundle batch backup_head form_expr hub_request)
# An XLSForm questionnaire file (forms::xlsform::import_bytes).
TARGETS+=(xlsform)
die() { printf '[fuzz] error: %s\n' "$*" >&2; exit 1; }
say() { printf '[fuzz] %s\n' "$*"; }

[ $# -eq 2 ] || die "usage: bash scripts/fuzz.sh TARGET SECONDS (TARGET: ${TARGETS[*]} or all)"
target=$1
seconds=$2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive whole number, not '$seconds'"
if [ "$target" = all ]; then
  run=("${TARGETS[@]}")
elif [ "$target" = core ]; then
  # The decoders of core alone: the build skips the hub's dependencies (CI's short run).
  run=(bundle batch backup_head form_expr)
else
  [[ " ${TARGETS[*]} " == *" $target "* ]] || die "unknown target '$target' (known: ${TARGETS[*]} or all)"
  run=("$target")
fi

[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
command -v cargo-afl >/dev/null 2>&1 || die "cargo-afl not found: run bash scripts/setup.sh"

# One build for every target: they share the instrumented libraries.
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$ROOT/fuzz/target}
bin_dir=$CARGO_TARGET_DIR/debug
say "building the instrumented targets (cargo afl build, in fuzz/, into $CARGO_TARGET_DIR)"
bins=()
for t in "${run[@]}"; do bins+=(--bin "$t"); done
# hub_request needs the hub (a cargo feature of fuzz/, off unless asked for).
[[ " ${run[*]} " == *" hub_request "* ]] && bins+=(--features hub)
# Not --locked: a dependency added to core or the hub is added to fuzz/Cargo.lock here (its other
# versions stay pinned) rather than failing the run.
(cd fuzz && cargo afl build "${bins[@]}")

# No screen; no complaint about this machine's CPU governor or its core-dump handler (a
# container cannot change them; AFL++ still sees every crash); no pinning to a core that another
# build may be using.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

failed=0
for t in "${run[@]}"; do
  out="fuzz/out/$t"
  input="fuzz/corpus/$t"
  [ -d "$input" ] || die "no corpus in $input (regenerate it: see docs/fuzzing.md)"
  if [ "${FUZZ_RESUME:-0}" = 1 ] && [ -d "$out/default" ]; then
    input=-
  else
    rm -rf "$out"
  fi
  mkdir -p "$out"
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-x "fuzz/dict/$t.dict")
  say "fuzzing $t for ${seconds}s (output in $out)"
  cargo afl fuzz -V "$seconds" -i "$input" -o "$out" "${dict[@]}" "$bin_dir/$t" \
    >"$out/afl.log" 2>&1 || { tail -n 30 "$out/afl.log" >&2; die "AFL++ failed on $t (log: $out/afl.log)"; }
  stats="$out/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    field() { sed -n -E "s/^$1 +: (.*)$/\1/p" "$stats"; }
    say "$t: $(field execs_done) execs, $(field execs_per_sec) execs/s, coverage $(field bitmap_cvg), corpus $(field corpus_count), crashes $(field saved_crashes), hangs $(field saved_hangs)"
  fi
  crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | sort)
  if [ -n "$crashes" ]; then
    failed=1
    printf '[fuzz] %s CRASHED on these inputs (replay one: %s < FILE):\n%s\n' "$t" "$bin_dir/$t" "$crashes" >&2
  fi
done
[ $failed -eq 0 ] || die "crashes found: minimise each, keep it in fuzz/crashes/TARGET/ (docs/fuzzing.md)"
say "no crash"
