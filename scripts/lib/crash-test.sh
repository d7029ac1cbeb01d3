#!/usr/bin/env bash
# Crash test: four writers stream writes at once (single creates, 20-record
# batch creates, updates of one record, and creates with an Idempotency-Key —
# one record or a batch of 5), wrangler dev is SIGKILLed (its whole process
# group) mid-stream and restarted on the same --persist-to state.
# Then: every write that got a 200 is there, intact; a batch is all there or
# not at all; nothing is stored twice; every acknowledged Idempotency-Key
# replays its original answer byte for byte, and the key in flight at the
# kill, sent again, leaves its records stored exactly once. Ends with a
# cargo-style "test result:" line for scripts/test's summary.
#   scripts/lib/crash-test.sh WORK_DIR
source "$(dirname "$0")/common.sh"

work="$1"
mkdir -p "$work"
token="$(new_token)"
printf 'API_TOKENS=%s\n' "$token" >"$work/crash.env"
acked="$work/acked.jsonl"          # answers to single creates
batches="$work/batches.jsonl"      # answers to batch creates
batch_tries="$work/batch-tries"    # batch numbers sent (acknowledged or not)
updates="$work/updates.jsonl"      # answers to updates
idem="$work/idempotent"            # N.json (body), N.answer and N.headers (a 200's)
idem_tries="$work/idem-tries"      # idempotent creates sent (acknowledged or not)
idem_acked="$work/idem-acked"      # idempotent creates answered 200
: >"$acked"; : >"$batches"; : >"$batch_tries"; : >"$updates"; : >"$idem_tries"; : >"$idem_acked"
rm -rf "$idem"; mkdir -p "$idem"
BATCH_SIZE=20

start_server "$work/crash-state" "$work/crash.env" "$work/crash-server.log"
pid="$SERVER_PID"
url="$SERVER_URL"
pid2=""
# Whatever happens, no server is left running.
trap 'stop_server "$pid"; [[ -z "$pid2" ]] || stop_server "$pid2"' EXIT

# POSTs or PUTs a JSON body; prints the body of a 200, fails otherwise.
write() {
    local method="$1" path="$2" body="$3" out
    out="$(curl -s --max-time 10 -X "$method" -w '\n%{http_code}' -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' -d "$body" "$url$path")" || return 1
    [[ "${out##*$'\n'}" == 200 ]] || return 1
    printf '%s\n' "${out%$'\n'*}"
}

record() { # notes, matter
    printf '{"direction":"out","callTimestamp":"2025-09-17T09:12:32+12:00","outcome":"Call completed","notes":"%s","actualHours":0.25,"links":{"action":%s}}' "$1" "$2"
}

# The record the update writer keeps changing, made before any crash.
target="$(write POST /phonerecords "$(record 'update 0' 1)")" || { echo "could not create the update target" >&2; exit 1; }
target_id="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$target")"

single_writer() {
    local i out
    for i in $(seq 1 2000); do
        out="$(write POST /phonerecords "$(record "crash $i" "$i")")" || return 0
        printf '%s\n' "$out" >>"$acked"
    done
}
batch_writer() {
    local b i body out
    for b in $(seq 1 500); do
        body='{"phonerecords":['
        for i in $(seq 1 "$BATCH_SIZE"); do
            ((i > 1)) && body+=','
            body+="$(record "batch $b/$i" "$((100000 + b))")"
        done
        body+=']}'
        printf '%s\n' "$b" >>"$batch_tries"
        out="$(write POST /phonerecords "$body")" || return 0
        printf '%s\n' "$out" >>"$batches"
    done
}
update_writer() {
    local k out
    for k in $(seq 1 5000); do
        out="$(write PUT "/phonerecords/$target_id" "{\"notes\":\"update $k\",\"actualHours\":$((k % 24))}")" || return 0
        printf '%s\n' "$out" >>"$updates"
    done
}
# Creates with an Idempotency-Key ("crash-key-N"): odd N one record, even N a
# batch of 5. The body and the 200's body and headers are kept to replay.
idempotent_writer() {
    local n i body code
    for n in $(seq 1 2000); do
        if ((n % 2)); then
            body="$(record "idem $n/1" "$((200000 + n))")"
        else
            body='{"phonerecords":['
            for i in $(seq 1 5); do
                ((i > 1)) && body+=','
                body+="$(record "idem $n/$i" "$((200000 + n))")"
            done
            body+=']}'
        fi
        printf '%s' "$body" >"$idem/$n.json"
        printf '%s\n' "$n" >>"$idem_tries"
        code="$(curl -s --max-time 10 -X POST -o "$idem/$n.answer" -D "$idem/$n.headers" -w '%{http_code}' \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -H "Idempotency-Key: crash-key-$n" --data-binary @"$idem/$n.json" "$url/phonerecords")" || return 0
        [[ "$code" == 200 ]] || return 0
        printf '%s\n' "$n" >>"$idem_acked"
    done
}
single_writer & w1=$!
batch_writer & w2=$!
update_writer & w3=$!
idempotent_writer & w4=$!

# Kill it once all four streams are under way (bounded: 60 s).
for _ in $(seq 1 600); do
    (( $(wc -l <"$acked") >= 30 && $(wc -l <"$batches") >= 3 && $(wc -l <"$updates") >= 10 \
        && $(wc -l <"$idem_acked") >= 10 )) && break
    sleep 0.1
done
kill -KILL -- "-$pid" 2>/dev/null || true
wait "$w1" "$w2" "$w3" "$w4" || true
summary="$(wc -l <"$acked") creates, $(wc -l <"$batches") batches of $BATCH_SIZE, $(wc -l <"$updates") updates, $(wc -l <"$idem_acked") idempotent creates"

start_server "$work/crash-state" "$work/crash.env" "$work/crash-server-2.log"
pid2="$SERVER_PID"
status=0
python3 - "$SERVER_URL" "$token" "$acked" "$batches" "$batch_tries" "$updates" "$target_id" "$BATCH_SIZE" \
    "$idem" "$idem_tries" "$idem_acked" <<'PY' || status=1
import json, sys, urllib.error, urllib.parse, urllib.request
url, token, acked, batches, tries, updates, target_id, size, idem, idem_tries, idem_acked = sys.argv[1:]
size = int(size)
lines = lambda f: [json.loads(l) for l in open(f) if l.strip()]
singles, batch_answers, update_answers = lines(acked), lines(batches), lines(updates)
tried = [int(l) for l in open(tries) if l.strip()]
assert singles and batch_answers and update_answers, "a stream had nothing acknowledged before the kill"

def get(path):
    req = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)
def count(**filters):
    q = urllib.parse.urlencode({**filters, "pageSize": 1})
    return get(f"/phonerecords?{q}")["meta"]["paging"]["phonerecords"]["recordCount"]

# Single creates: each acknowledged one reads back identical; ids unique.
ids = [r["id"] for r in singles] + [r["id"] for b in batch_answers for r in b["phonerecords"]]
assert len(set(ids)) == len(ids), "duplicate ids acknowledged"
for r in singles:
    stored = get(f"/phonerecords/{r['id']}")
    assert stored == r, f"record {r['id']} changed: {stored} != {r}"
stored_singles = count(notes_like="crash *")
# A create in flight at the kill may or may not have been stored, never twice.
assert len(singles) <= stored_singles <= len(singles) + 1, f"{stored_singles} singles stored, {len(singles)} acknowledged"

# Batches: acknowledged ones are whole and intact; the one in flight is whole or absent.
for n, answer in enumerate(batch_answers, start=1):
    records = answer["phonerecords"]
    assert len(records) == size and [r["notes"] for r in records] == [f"batch {n}/{i}" for i in range(1, size + 1)]
    for r in records:
        assert get(f"/phonerecords/{r['id']}") == r, f"batch {n}: record {r['id']} changed"
for n in tried[len(batch_answers):]:
    stored = count(notes_like=f"batch {n}/*")
    assert stored in (0, size), f"batch {n} (in flight at the kill) is partly stored: {stored} of {size}"
batch_total = count(notes_like="batch *")
assert batch_total in (len(batch_answers) * size, (len(batch_answers) + 1) * size), f"{batch_total} batch records stored"

# Updates (hours stay within their 24-hour limit): the record holds the last acknowledged update, or the one in flight.
last = update_answers[-1]
stored = get(f"/phonerecords/{target_id}")
k = int(last["notes"].split()[1])
if stored != last:
    assert stored["notes"] == f"update {k + 1}" and stored["actualHours"] == (k + 1) % 24, f"update lost: {stored} after {last}"

# Idempotent creates: the records of each acknowledged key are stored once,
# as answered; the key in flight at the kill is stored whole or not at all.
keys_tried = [int(l) for l in open(idem_tries) if l.strip()]
keys_acked = [int(l) for l in open(idem_acked) if l.strip()]
assert keys_acked, "no idempotent create was acknowledged before the kill"
per_key = lambda n: 1 if n % 2 else 5
for n in keys_tried:
    stored = count(notes_like=f"idem {n}/*")
    expected = (per_key(n),) if n in keys_acked else (0, per_key(n))
    assert stored in expected, f"key {n}: {stored} records stored (expected {expected})"
idem_total = count(notes_like="idem *")

total = count()
assert total == stored_singles + batch_total + 1 + idem_total, f"recordCount {total} is not exact"

# Every key sent again after the restart: an acknowledged one answers its
# first answer byte for byte (Location and ETag too) and creates nothing;
# the one in flight is performed or replayed; either way, once.
def post_again(n):
    body = open(f"{idem}/{n}.json", "rb").read()
    req = urllib.request.Request(url + "/phonerecords", data=body, method="POST", headers={
        "Authorization": "Bearer " + token, "Content-Type": "application/json", "Idempotency-Key": f"crash-key-{n}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
def first_headers(n):
    # The last header block (curl also writes a "100 Continue" before it).
    block = open(f"{idem}/{n}.headers", encoding="latin-1").read().strip().split("\n\n")[-1]
    lines = block.splitlines()
    return {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:] if ":" in l)}
replayed = 0
for n in keys_tried:
    status, body, headers = post_again(n)
    assert status == 200, f"key {n}: {status}"
    if n in keys_acked:
        first = open(f"{idem}/{n}.answer", "rb").read()
        assert body == first, f"key {n}: the replay differs from the first answer:\n{body}\n{first}"
        assert headers.get("idempotent-replayed") == "true", f"key {n} was performed again"
        h = first_headers(n)
        for name in ("location", "etag", "content-type"):
            assert headers.get(name) == h.get(name), f"key {n}: {name} {headers.get(name)} != {h.get(name)}"
        replayed += 1
    assert count(notes_like=f"idem {n}/*") == per_key(n), f"key {n} is not stored exactly once"
assert count() == total + sum(per_key(n) for n in keys_tried) - idem_total, "a replay created records"
print(f"crash test: {len(singles)} creates, {len(batch_answers)} batches, {len(update_answers)} updates, "
      f"{len(keys_acked)} idempotent creates acknowledged; all intact after SIGKILL; {replayed} keys replayed "
      f"byte for byte; {total} stored")
PY
if (( status == 0 )); then
    echo "test result: ok. 1 passed; 0 failed (crash: $summary survived SIGKILL)"
else
    echo "test result: FAILED. 0 passed; 1 failed (crash test)"
fi
exit "$status"
