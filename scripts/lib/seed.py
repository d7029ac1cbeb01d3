"""Loads N realistic, varied phone records straight into a local D1 database
file (the SQLite file wrangler keeps under --persist-to), in one transaction,
through the schema's own triggers, so the record count and the search index
are exact afterwards. Deterministic: the same N gives the same records.

    python3 seed.py SQLITE_FILE N
"""

import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone

FIRST = ["Ann", "Bob", "Chloé", "David", "Emma", "Farid", "Grace", "Hiro", "Isla", "Jack",
         "Kiri", "Liam", "Mere", "Noah", "Olivia", "Priya", "Quinn", "Rawiri", "Sofia", "Tama",
         "Uma", "Victor", "Wiremu", "Xin", "Yusuf", "Zoë"]
LAST = ["Smith", "Lee", "O'Brien", "Ngata", "Patel", "Müller", "García", "Williams", "Tanaka",
        "Brown", "Wilson", "Taylor", "Nguyen", "Kaur", "Walker", "Ødegaard", "Martin", "Cohen"]
FIRMS = ["AJ Accountants LLC", "Harbour Legal", "Kauri Trust Ltd", "100% Property Ltd",
         "Southern Insurance", "City Council", "Inland Revenue", "Westpac Bank", "Bell Gully",
         "Smith & Partners", "Court Registry", "North Shore Realty"]
OUTCOMES = ["Call completed", "Left a message", "No answer", "Busy", "Wrong number",
            "Call back requested", "Voicemail full", "Follow-up booked"]
PHONE_TYPES = ["Business", "Mobile", "Home", "Fax", "Direct dial"]
NOTE_SUBJECTS = ["the invoice", "settlement terms", "the draft agreement", "disclosure documents",
                 "the hearing date", "trust account transfer", "50% deposit", "the valuation report",
                 "probate application", "lease renewal", "the sale and purchase agreement",
                 "insurance claim", "witness statement", "fee estimate", "KiwiSaver withdrawal"]
NOTE_VERBS = ["Discussed", "Confirmed", "Chased", "Explained", "Requested", "Agreed",
              "Queried", "Sent", "Reviewed"]
NOTE_TAILS = ["", " Client to call back.", " Will email a summary.", " Urgent.",
              " Needs partner sign-off.", " Follow up next week.", "\nAction: update file note.",
              " Ref #{ref}."]
# Offsets in minutes: NZ, Chatham, Australia, India, Nepal, UTC, UK summer, US.
OFFSETS = [780, 720, 825, 600, 570, 330, 345, 0, 60, -300, -420, -480, -210]
START = datetime(2019, 1, 1, tzinfo=timezone.utc)
SPAN_MS = 7 * 365 * 24 * 3600 * 1000


def person(r):
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def phone(r):
    kind = r.randrange(4)
    if kind == 0:
        return f"+64 {r.randrange(20, 29)} {r.randrange(100, 999)} {r.randrange(1000, 9999)}"
    if kind == 1:
        return f"+44 {r.randrange(100, 999)} {r.randrange(100000, 999999)}"
    if kind == 2:
        return f"+1 ({r.randrange(200, 999)}) 555-{r.randrange(1000, 9999)}"
    return f"0{r.randrange(3, 9)} {r.randrange(100, 999)} {r.randrange(1000, 9999)}"


def timestamp(r):
    ms = r.randrange(SPAN_MS)
    if r.random() < 0.8:
        ms -= ms % 1000
    offset = r.choice(OFFSETS)
    at = START + timedelta(milliseconds=ms)
    local = at.astimezone(timezone(timedelta(minutes=offset)))
    frac = f".{ms % 1000:03d}" if ms % 1000 else ""
    if offset == 0 and r.random() < 0.5:
        zone = "Z"
    else:
        sign = "+" if offset >= 0 else "-"
        zone = f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    text = local.strftime("%Y-%m-%dT%H:%M:%S") + frac + zone
    return text, int(START.timestamp() * 1000) + ms


def record(r, matters):
    ts, ms = timestamp(r)
    direction = r.choice(["in", "out"])
    other = r.choice(FIRMS) if r.random() < 0.4 else person(r)
    notes = None
    if r.random() < 0.85:
        tail = r.choice(NOTE_TAILS).format(ref=r.randrange(10000, 99999))
        notes = f"{r.choice(NOTE_VERBS)} {r.choice(NOTE_SUBJECTS)} with {other}.{tail}"
    participant = lambda: r.randrange(1, 50_000) if r.random() < 0.6 else None
    return (
        other if direction == "in" else None,
        other if direction == "out" else None,
        direction,
        phone(r) if r.random() < 0.9 else None,
        r.choice(PHONE_TYPES) if r.random() < 0.7 else None,
        r.choice([0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]) if r.random() < 0.8 else None,
        notes,
        ts,
        ms,
        r.choice(OUTCOMES),
        r.randrange(1, matters + 1) if r.random() < 0.95 else None,
        participant(),
        participant(),
    )


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    r = random.Random(n)
    matters = max(10, n // 40)  # about 40 calls a matter
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")
    started = time.time()
    db.execute("BEGIN")
    sql = ("INSERT INTO phone_records (from_participant_other, to_participant_other, direction, "
           "phone_number, phone_number_type, actual_hours, notes, call_timestamp, call_at_ms, "
           "outcome, action_id, from_participant_id, to_participant_id) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    batch = 10_000
    for start in range(0, n, batch):
        db.executemany(sql, [record(r, matters) for _ in range(min(batch, n - start))])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total, counted = db.execute(
        "SELECT (SELECT COUNT(*) FROM phone_records), (SELECT n FROM phone_records_count)").fetchone()
    if total != counted:
        sys.exit(f"record count {counted} != {total} rows")
    print(f"seeded {n} records ({total} in all) in {time.time() - started:.1f}s into {path}")


if __name__ == "__main__":
    main()
