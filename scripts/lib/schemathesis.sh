#!/usr/bin/env bash
# Property-based contract testing: Schemathesis 4 (pinned, in its own
# virtualenv under target/) generates requests from /openapi.json and checks
# every answer against it, in every phase: the document's examples, coverage
# (boundary and invalid values of every parameter and field), fuzzing, and the
# stateful chains the document's links declare (create → read, update (→ read),
# delete). Every check: no 5xx, documented statuses, content types, headers
# and schemas, invalid data rejected, valid data accepted, undeclared methods
# answered 405 with Allow, auth not ignored, deleted records gone.
# scripts/lib/schemathesis/ holds its configuration (statuses a valid request
# may meet by design) and a hook (a fresh Idempotency-Key per request).
# Bounded: SCHEMATHESIS_EXAMPLES (default 50) cases per operation and phase,
# one worker, a fixed seed (SCHEMATHESIS_SEED to vary it). Ends with a
# cargo-style "test result:" line for scripts/test's summary.
#   scripts/lib/schemathesis.sh BASE_URL TOKEN
source "$(dirname "$0")/common.sh"

SCHEMATHESIS_VERSION="4.32.5"
venv="target/schemathesis4-venv"
here="$ROOT/scripts/lib/schemathesis"
base="$1" token="$2"

if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]]; then
    log "Installing Schemathesis $SCHEMATHESIS_VERSION into $venv (once)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# The document's servers are / and /api/rest (Actionstep's prefix, the same
# operations): both are run; the document itself is served at /openapi.json
# only (its path's own servers say so).
run() { # base URL of the API, then any other options
    PHONERECORDS_SCHEMATHESIS_TOKEN="$token" SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$here" \
        "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$base/openapi.json" \
        --url "$1" \
        --checks all --phases examples,coverage,fuzzing,stateful \
        --max-examples "${SCHEMATHESIS_EXAMPLES:-50}" --seed "${SCHEMATHESIS_SEED:-20261202}" \
        --suppress-health-check all --generation-database none \
        --workers 1 --request-timeout 20 --no-color "${@:2}"
}
if run "$base" && run "$base/api/rest" --exclude-operation-id getOpenApiDocument; then
    echo "test result: ok. 1 passed; 0 failed (Schemathesis 4: every check, every phase, every operation, under / and /api/rest)"
else
    echo "test result: FAILED. 0 passed; 1 failed (Schemathesis)"
    exit 1
fi
