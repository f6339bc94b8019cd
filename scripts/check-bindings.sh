#!/usr/bin/env bash
# Regenerates the TypeScript types that cross the IPC boundary (ts-rs, from the Rust types of
# every workspace crate; .cargo/config.toml points TS_RS_EXPORT_DIR at ui/src/lib/bindings) and
# fails when they differ from the committed ones: commit the regenerated files to fix.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DIR=ui/src/lib/bindings

# Start from nothing so a type removed from Rust also shows up as a drift.
rm -rf "$DIR"
# ts-rs writes each exported type from a generated test named export_bindings_<type>.
cargo test --workspace --lib export_bindings --quiet >/dev/null

git diff --exit-code -- "$DIR"
untracked=$(git ls-files --others --exclude-standard -- "$DIR")
if [ -n "$untracked" ]; then
  echo "New generated bindings not committed:" >&2
  echo "$untracked" >&2
  exit 1
fi
echo "TypeScript bindings are up to date."
