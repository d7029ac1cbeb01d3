# Sourced by the scripts in scripts/: one place for paths, pinned versions and tool settings.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# Pinned tool versions. wasm-bindgen's must equal the library's in Cargo.lock.
WORKER_BUILD_VERSION="0.8.7"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"

# wrangler offline and quiet: no telemetry, no account look-ups, no prompts.
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_SEND_METRICS=false
export WRANGLER_HIDE_BANNER=true
export CI="${CI:-true}"

# worker-build: use the installed tools rather than downloading its own.
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
export WASM_OPT_BIN="$ROOT/node_modules/binaryen/bin/wasm-opt"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A TCP port nobody listens on now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until an HTTP server answers on the URL (any status), up to $2 seconds.
wait_for_http() {
    local url="$1" timeout="${2:-120}" start=$SECONDS
    until curl -s -o /dev/null --max-time 2 "$url"; do
        if (( SECONDS - start > timeout )); then
            return 1
        fi
        sleep 0.5
    done
}
