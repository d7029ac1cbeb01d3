#!/usr/bin/env bash
# Crash test: writes records in a stream, SIGKILLs wrangler dev (its whole
# process group) mid-stream, restarts it on the same --persist-to state, and
# checks that every record that got a 200 is there, intact. Ends with a
# cargo-style "test result:" line for scripts/test's summary.
#   scripts/lib/crash-test.sh WORK_DIR
source "$(dirname "$0")/common.sh"

work="$1"
mkdir -p "$work"
token="$(new_token)"
printf 'API_TOKENS=%s\n' "$token" >"$work/crash.env"
acked="$work/acked.jsonl"
: >"$acked"

start_server "$work/crash-state" "$work/crash.env" "$work/crash-server.log"
pid="$SERVER_PID"
url="$SERVER_URL"

# The writer: one create at a time, keeping each acknowledged answer.
writer() {
    local i out code
    for i in $(seq 1 2000); do
        out="$(curl -s --max-time 10 -w '\n%{http_code}' -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' \
            -d "{\"direction\":\"out\",\"callTimestamp\":\"2025-09-17T09:12:32+12:00\",\"outcome\":\"Call completed\",\"notes\":\"crash $i\",\"actualHours\":0.25,\"links\":{\"action\":$i}}" \
            "$url/phonerecords")" || return 0
        code="${out##*$'\n'}"
        [[ "$code" == 200 ]] || return 0
        printf '%s\n' "${out%$'\n'*}" >>"$acked"
    done
}
writer &
writer_pid=$!

# Kill it once a stream of writes is under way (bounded: 60 s).
for _ in $(seq 1 600); do
    (( $(wc -l <"$acked") >= 30 )) && break
    sleep 0.1
done
kill -KILL -- "-$pid" 2>/dev/null || true
wait "$writer_pid" || true
count="$(wc -l <"$acked")"

start_server "$work/crash-state" "$work/crash.env" "$work/crash-server-2.log"
pid2="$SERVER_PID"
status=0
python3 - "$SERVER_URL" "$token" "$acked" <<'PY' || status=1
import json, sys, urllib.request
url, token, acked = sys.argv[1:]
records = [json.loads(l) for l in open(acked)]
assert records, "no write was acknowledged before the kill"
ids = [r["id"] for r in records]
assert len(set(ids)) == len(ids), "duplicate ids acknowledged"
def get(path):
    req = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)
for r in records:
    stored = get(f"/phonerecords/{r['id']}")
    assert stored == r, f"record {r['id']} changed: {stored} != {r}"
total = get("/phonerecords?pageSize=1")["meta"]["paging"]["phonerecords"]["recordCount"]
# A create in flight at the kill may or may not have been stored, never twice.
assert len(records) <= total <= len(records) + 1, f"{total} stored, {len(records)} acknowledged"
print(f"crash test: {len(records)} acknowledged writes, all intact after SIGKILL; {total} stored")
PY
stop_server "$pid2"
if (( status == 0 )); then
    echo "test result: ok. 1 passed; 0 failed (crash: $count acknowledged writes survived SIGKILL)"
else
    echo "test result: FAILED. 0 passed; 1 failed (crash test)"
fi
exit "$status"
