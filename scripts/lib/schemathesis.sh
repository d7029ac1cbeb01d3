#!/usr/bin/env bash
# Property-based contract testing: Schemathesis (pinned, in its own virtualenv
# under target/) generates requests from /openapi.json and checks every
# answer against it (all checks: no 5xx, documented statuses, content types,
# headers and schemas, invalid data rejected, auth not ignored), then the
# stateful chains the document's links declare: create → read, update (→ read),
# delete. Ends with a
# cargo-style "test result:" line for scripts/test's summary.
#   scripts/lib/schemathesis.sh BASE_URL TOKEN
source "$(dirname "$0")/common.sh"

SCHEMATHESIS_VERSION="3.39.16"
# Schemathesis 3.39 breaks with newer Hypothesis releases ("'many' object has no attribute 'more'").
HYPOTHESIS_VERSION="6.131.9"
venv="target/schemathesis-venv"
base="$1" token="$2"

if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]] \
    || ! "$venv/bin/pip" show hypothesis 2>/dev/null | grep -qx "Version: $HYPOTHESIS_VERSION"; then
    log "Installing Schemathesis $SCHEMATHESIS_VERSION into $venv (once)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION" "hypothesis==$HYPOTHESIS_VERSION"
fi

# Bounded: 100 examples per operation (about 500 requests), one worker.
if "$venv/bin/schemathesis" run "$base/openapi.json" --base-url "$base" \
    -H "Authorization: Bearer $token" \
    --checks all --hypothesis-max-examples "${SCHEMATHESIS_EXAMPLES:-100}" \
    --hypothesis-suppress-health-check all \
    --stateful=links --workers 1 --request-timeout 20000 --no-color; then
    echo "test result: ok. 1 passed; 0 failed (Schemathesis: every check on every operation)"
else
    echo "test result: FAILED. 0 passed; 1 failed (Schemathesis)"
    exit 1
fi
