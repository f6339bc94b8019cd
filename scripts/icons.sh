#!/usr/bin/env bash
# Regenerate every raster icon in icons/ from the one hand-written source, icons/icon.svg.
# The outputs are committed: they are inputs of the Tauri bundle, and a build must not need this script.
# Uses the Tauri CLI (its `icon` command rasterises SVG itself and writes .ico/.icns; nothing is downloaded
# while it runs). The CLI comes from ui/node_modules when the UI is installed, else from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

src=icons/icon.svg
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ -x ui/node_modules/.bin/tauri ]; then
  tauri=(ui/node_modules/.bin/tauri)
else
  tauri=(npx --yes @tauri-apps/cli@2)
fi

"${tauri[@]}" icon "$src" -o "$out"

# Desktop (Linux/macOS/Windows) sizes and the Windows Store tiles; mobile sets are not shipped.
for f in 32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns StoreLogo.png \
         Square30x30Logo.png Square44x44Logo.png Square71x71Logo.png Square89x89Logo.png \
         Square107x107Logo.png Square142x142Logo.png Square150x150Logo.png Square284x284Logo.png \
         Square310x310Logo.png; do
  cp "$out/$f" "icons/$f"
done
echo "icons/: regenerated from $src"
