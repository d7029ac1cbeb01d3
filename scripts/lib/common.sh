# Sourced by the scripts in scripts/: one place for paths, pinned versions and tool settings.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# Pinned tool versions. wasm-bindgen's must equal the library's in Cargo.lock.
WORKER_BUILD_VERSION="0.8.7"
# wasm-split-cli (the UI's chunks) comes with its support crate, at the
# version whose format Leptos's wasm_split_helpers (Cargo.lock) speaks.
WASM_SPLIT_VERSION="0.2.4"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"

# wrangler offline and quiet: no telemetry, no account look-ups, no prompts.
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_SEND_METRICS=false
export WRANGLER_HIDE_BANNER=true
export CI="${CI:-true}"
# wrangler 4.164's local trace store (<state>/v3/observability/) records every
# request's spans, SQL text included, in SQLite and never prunes them: about
# 2 KB of disk and a third of each request's CPU under `wrangler dev`
# (docs/performance.md). Off unless the operator asks for it
# (X_LOCAL_OBSERVABILITY=true, e.g. to see traces in wrangler's local explorer).
export X_LOCAL_OBSERVABILITY="${X_LOCAL_OBSERVABILITY:-false}"

# worker-build: use the installed tools rather than downloading its own.
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export ESBUILD_BIN="$ROOT/node_modules/@esbuild/linux-x64/bin/esbuild"
export WASM_OPT_BIN="$ROOT/node_modules/binaryen/bin/wasm-opt"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Cargo writes a cdylib (the Worker's and the UI's .wasm) under a name with
# no hash, so checkouts sharing one target directory (a worktree with target/
# linked in, for a before/after comparison) overwrite each other's, and a
# checkout whose sources have not changed since its own build counts as fresh
# and keeps the other's: a comparison of two builds that silently measures
# one twice. Before building: if the artifact's dep-info names no source of
# this checkout, remove the artifact, so that cargo makes it again.
#   forget_foreign_cdylib RELEASE_DIR NAME SOURCES_DIR
forget_foreign_cdylib() {
    local dir="$1" name="$2" sources="$3"
    [[ -f "$dir/$name.d" ]] || return 0
    grep -qF " $ROOT/$sources" "$dir/$name.d" && return 0
    log "$dir/$name.wasm was built from another checkout: building it again"
    rm -f "$dir/$name.wasm" "$dir/$name.d" "$dir/deps/$name.wasm" "$dir/deps/$name.d"
}

# A TCP port nobody listens on now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until an HTTP server answers on the URL (any status), up to $2 seconds.
wait_for_http() {
    local url="$1" timeout="${2:-120}" start=$SECONDS
    # -k: a local https server's certificate is wrangler's own, self-signed.
    until curl -sk -o /dev/null --max-time 2 "$url"; do
        if (( SECONDS - start > timeout )); then
            return 1
        fi
        sleep 0.5
    done
}

# A random token for local use: 48 hex characters.
new_token() {
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n'
}

# Starts `wrangler dev` in its own process group on a free port with its own
# state, after applying the migrations to that state. Sets SERVER_URL and
# SERVER_PID (and SERVER_INSPECTOR, its DevTools port); stop it with stop_server.
# WHICH is an environment of wrangler.toml (`test`, `test-rate-limit`) or
# another config file (`*.toml`); by default wrangler.toml's top level.
#   start_server STATE_DIR ENV_FILE LOG_FILE [WHICH]
start_server() {
    # SERVER_PROTOCOL=https: wrangler dev serves https with its own self-signed
    # certificate (Chromium takes brotli only over https; scripts/bench-ui).
    local state="$1" env_file="$2" log_file="$3" which="${4:-}" port inspector config=(--config wrangler.toml)
    local protocol="${SERVER_PROTOCOL:-http}"
    case "$which" in
    "") ;;
    *.toml) config=(--config "$which") ;;
    *) config+=(--env "$which") ;;
    esac
    port="$(free_port)"
    inspector="$(free_port)"
    npx wrangler d1 migrations apply DB --local "${config[@]}" --persist-to "$state" >"$log_file.migrations" 2>&1 || {
        cat "$log_file.migrations" >&2
        return 1
    }
    setsid npx wrangler dev "${config[@]}" --ip 127.0.0.1 --port "$port" --inspector-port "$inspector" \
        --show-interactive-dev-session=false --persist-to "$state" --env-file "$env_file" \
        --local-protocol "$protocol" >"$log_file" 2>&1 </dev/null &
    SERVER_PID=$!
    SERVER_URL="$protocol://127.0.0.1:$port"
    SERVER_INSPECTOR="$inspector"
    if ! wait_for_http "$SERVER_URL/" 180; then
        echo "wrangler dev did not start; its log:" >&2
        cat "$log_file" >&2
        stop_server "$SERVER_PID"
        return 1
    fi
}

stop_server() {
    # Never a group of 0 or 1: `kill -- -0` would stop the caller's own group.
    [[ "${1:-}" =~ ^[0-9]+$ && "$1" -gt 1 ]] || return 0
    kill -TERM -- "-$1" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 -- "-$1" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$1" 2>/dev/null || true
}

# The SQLite file of the local D1 database under a --persist-to directory.
d1_file() {
    find "$1/v3/d1" -name '*.sqlite' ! -name metadata.sqlite 2>/dev/null | head -n1
}
