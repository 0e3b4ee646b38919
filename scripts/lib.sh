# Shared helpers for the project's scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '\033[1;34m[convene]\033[0m %s\n' "$*" >&2; }

# Install npm dependencies when package-lock.json changed since the last install.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.convene-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/package-lock.json" "$stamp"; then
    log "installing npm dependencies"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/package-lock.json" "$stamp"
  fi
}

# apt packages (Debian); only root can install them, others must already have them.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]} (install them as root)"; return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
}

# Live captions: PocketSphinx (US English) from Debian and our small streaming front end
# (packages/server/native/captiond.c), compiled once into packages/server/native/build/.
build_captions() {
  local src="$ROOT/packages/server/native/captiond.c" out="$ROOT/packages/server/native/build/captiond"
  ensure_apt pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev gcc pkg-config || return 1
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
    log "building the caption engine"
    mkdir -p "$(dirname "$out")"
    # shellcheck disable=SC2046
    gcc -O2 -o "$out" "$src" -DMODELDIR="\"/usr/share/pocketsphinx/model\"" $(pkg-config --cflags --libs pocketsphinx sphinxbase)
  fi
}

build_web() {
  log "building the web app"
  (cd "$ROOT" && npm run build --silent -w apps/web >/dev/null)
}
