#!/usr/bin/env bash
# Backup and restore test, on local D1 state (no server): seeds 100 000
# records plus hostile rows (quotes, newlines, CRLF, tabs, emoji, NUL, 64-bit
# integers, 0.1+0.2, 1/3, extreme doubles, infinity, a blob, text in an
# INTEGER column, a gap and a deleted last id), runs scripts/backup, then
# scripts/restore --verify into a fresh state, and compares the two SQLite
# files table by table (values and storage classes), sqlite_sequence, the
# record counter and searches; a record created afterwards through D1 gets the
# next id; restoring into the now non-empty database, or a truncated file, is
# refused and changes nothing. Ends with a cargo-style "test result:" line for
# scripts/test's summary. About 2 minutes on 2 cores.
#   scripts/lib/backup-test.sh [WORK_DIR]
source "$(dirname "$0")/common.sh"

work="${1:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
src="$work/backup-src"     # the seeded database
dst="$work/backup-dst"     # the restored one
file="$work/backup.ndjson"
out="$work/backup-test.log"
rm -rf "$src" "$dst" "$work/backup-empty" "$file"
: >"$out"
started=$SECONDS

say() { printf '%s\n' "$*" | tee -a "$out"; }
pass() { say "ok - $1"; }
fail() { say "FAILED - $1"; }
# Runs a check script, keeping its ok/FAILED lines.
checks() { python3 scripts/lib/backup-test.py "$@" 2>&1 | tee -a "$out"; }
finish() {
    local passed failed
    passed="$(grep -c '^ok - ' "$out" || true)"
    failed="$(grep -c '^FAILED - ' "$out" || true)"
    echo "backup test: $((SECONDS - started))s; log and files in $work" >&2
    echo "test result: backup. $passed passed; $failed failed"
    ((failed == 0)) || exit 1
    exit 0
}

log "backup test: seeding 100 000 records into $src"
if ! scripts/seed 100000 "$src" >"$work/backup-seed.log" 2>&1; then
    cat "$work/backup-seed.log" >&2
    fail "seeding the source database"
    finish
fi
src_db="$(d1_file "$src")"
python3 scripts/lib/backup-test.py hostile "$src_db"

log "backup test: scripts/backup"
if scripts/backup "$file" --persist-to "$src" 2>"$work/backup.err"; then
    pass "scripts/backup wrote $(wc -l <"$file") lines ($(du -h "$file" | cut -f1))"
else
    cat "$work/backup.err" >&2
    fail "scripts/backup exited non-zero"
    finish
fi
cat "$work/backup.err" >&2

log "backup test: scripts/restore --verify into a fresh state"
if scripts/restore "$file" --persist-to "$dst" --verify 2>"$work/restore.err"; then
    pass "scripts/restore --verify into a fresh state"
else
    cat "$work/restore.err" >&2
    fail "scripts/restore exited non-zero"
    finish
fi
cat "$work/restore.err" >&2
dst_db="$(d1_file "$dst")"
grep -q '^  FIXED' "$work/restore.err" && fail "restore had to fix phone_records_count (the backup's was wrong)"

log "backup test: comparing the two databases"
checks compare "$src_db" "$dst_db" "$file" || true

# Restoring into the restored (now non-empty) database is refused and changes nothing.
before="$(python3 scripts/lib/backup-test.py digest "$dst_db")"
scripts/restore "$file" --persist-to "$dst" 2>"$work/refuse.err" && rc=0 || rc=$?
after="$(python3 scripts/lib/backup-test.py digest "$dst_db")"
if ((rc == 3)) && grep -q 'not empty' "$work/refuse.err" && [[ "$before" == "$after" ]]; then
    pass "restore into a non-empty database refused (exit 3: $(grep -o 'refusing[^(]*' "$work/refuse.err" | head -n1)) and nothing changed"
else
    cat "$work/refuse.err" >&2
    fail "restore into a non-empty database: exit $rc, database $([[ "$before" == "$after" ]] && echo unchanged || echo CHANGED)"
fi

# A truncated backup is refused before anything is touched.
head -n -1 "$file" >"$work/backup-truncated.ndjson"
scripts/restore "$work/backup-truncated.ndjson" --persist-to "$work/backup-empty" 2>"$work/truncated.err" && rc=0 || rc=$?
if ((rc != 0)) && grep -q 'incomplete' "$work/truncated.err" && [[ -z "$(d1_file "$work/backup-empty")" ]]; then
    pass "a truncated backup is refused before touching the database"
else
    cat "$work/truncated.err" >&2
    fail "a truncated backup: exit $rc"
fi
rm -f "$work/backup-truncated.ndjson"

# A record created through D1 after the restore gets the next id.
new_id="$(wrangler d1 execute DB --local --persist-to "$dst" --json --command \
    "INSERT INTO phone_records (direction, call_timestamp, call_at_ms, outcome, notes) VALUES ('in', '2026-01-01T00:00:00Z', 1767225600000, 'Call completed', 'restored-and-found') RETURNING id" \
    2>"$work/insert.err" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["results"][0]["id"])')" || new_id=""
if [[ -n "$new_id" ]]; then
    checks next-id "$src_db" "$dst_db" "$new_id" || true
else
    cat "$work/insert.err" >&2
    fail "creating a record in the restored database"
fi

if ! grep -q '^FAILED - ' "$out"; then
    rm -rf "$src" "$dst" "$work/backup-empty" "$file"
fi
finish
