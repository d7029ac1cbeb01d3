"""The SQLite side of scripts/lib/backup-test.sh: hostile rows in, and the
checks that compare two local D1 files (wrangler's SQLite files) directly.
Prints "ok - ..." or "FAILED - ..." a check.

    backup-test.py hostile SQLITE_FILE
    backup-test.py digest SQLITE_FILE               (a hash of every table, internal ones included)
    backup-test.py compare SRC_FILE DST_FILE BACKUP  (table by table, sequences, counter, search)
    backup-test.py next-id SRC_FILE DST_FILE NEW_ID  (after one insert through D1 into DST)
"""

import hashlib
import json
import sqlite3
import sys

LONG = "é" * 5000 + "'" * 3000 + "😀" * 2000   # ~ 28 KB of UTF-8; 31 KB as SQL

# (columns..., ) rows that must come back exactly, with their storage classes.
HOSTILE = [
    dict(from_participant_other="O'Brien, \"Jim\"", to_participant_other=None, direction="in",
         phone_number="+64 (21) 555-0000", phone_number_type="Mobile, 'work'",
         actual_hours=0.1 + 0.2,
         notes="He said \"it's fine\", then; left\n\tNext line\r\nCRLF 😀 — Zoë Ødegaard 中文 עברית \\ \u2028 {\"a\":1}",
         call_timestamp="2025-09-17T09:12:32+12:00", call_at_ms=1758057152000, outcome="Call completed",
         action_id=1, from_participant_id=2, to_participant_id=None),
    dict(from_participant_other="Robert'); DROP TABLE phone_records;--", to_participant_other="x",
         direction="out", phone_number=None, phone_number_type=None, actual_hours=1 / 3,
         notes="BEGIN TRANSACTION; DELETE FROM phone_records; COMMIT; -- /* not a comment */ [bracket] `tick` $1 ?",
         call_timestamp="2025-09-17T09:12:32Z", call_at_ms=1758100352000,
         outcome="-- not a comment /* nor this */ ; [x] \"q\"", action_id=None,
         from_participant_id=None, to_participant_id=None),
    dict(from_participant_other=None, to_participant_other=None, direction="in", phone_number="",
         phone_number_type="", actual_hours=5e-324, notes="", call_timestamp="2025-01-01T00:00:00.000Z",
         call_at_ms=-1, outcome=" ", action_id=None, from_participant_id=None, to_participant_id=None),
    dict(from_participant_other="NUL\x00inside", to_participant_other="bell\x07 and \x1b[31m escape",
         direction="out", phone_number="0", phone_number_type=None, actual_hours=1.7976931348623157e308,
         notes=LONG, call_timestamp="2025-01-01T00:00:00+13:45", call_at_ms=9223372036854775807,
         outcome="Left a message", action_id=9007199254740993, from_participant_id=9007199254740991,
         to_participant_id=(1 << 62) + 1),
    dict(from_participant_other="Smith", to_participant_other="Smith & Partners", direction="in",
         phone_number="+44 493 993938", phone_number_type=None, actual_hours=2.0,
         notes=b"\x00\xff\x10blob", call_timestamp="2025-02-03T04:05:06-03:30", call_at_ms=0,
         outcome="Call completed", action_id="12abc", from_participant_id=None, to_participant_id=None),
    dict(from_participant_other="Infinity", to_participant_other=None, direction="out",
         phone_number=None, phone_number_type=None, actual_hours=float("inf"), notes="'" * 10000,
         call_timestamp="2025-02-03T04:05:06Z", call_at_ms=1738555506000, outcome="Busy",
         action_id=None, from_participant_id=None, to_participant_id=None),
]
SEARCHES = ["Smith", "Ødegaard", "BEGIN TRANSACTION", "Partners"]
SEARCHED = ["from_participant_other", "to_participant_other", "phone_number", "notes", "outcome"]

failures = 0


def check(ok, what, detail=""):
    global failures
    if ok:
        print(f"ok - {what}", flush=True)
    else:
        failures += 1
        print(f"FAILED - {what}{': ' + detail if detail else ''}", flush=True)


def ro(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def hostile(path):
    db = sqlite3.connect(path, isolation_level=None)
    cols = list(HOSTILE[0])
    sql = f"INSERT INTO phone_records ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    db.execute("BEGIN")
    # A gap in the middle, hostile rows at the end, and the very last one deleted
    # (so sqlite_sequence is above the largest id: ids must not be reused).
    db.execute("DELETE FROM phone_records WHERE id = 500")
    for row in HOSTILE:
        db.execute(sql, [row[c] for c in cols])
    last = db.execute(sql, [HOSTILE[0][c] for c in cols]).lastrowid
    db.execute("DELETE FROM phone_records WHERE id = ?", (last,))
    # Versions above 1 (records updated since created), and remembered
    # Idempotency-Key answers (one record, a batch), must come back as they were.
    db.execute("UPDATE phone_records SET version = 7 WHERE id = 1000")
    db.execute("UPDATE phone_records SET version = version + 1 WHERE id BETWEEN 2000 AND 2099")
    db.executemany(
        "INSERT INTO idempotency_keys (scope, key, body_hash, claim, after_id, status, content_type, body, "
        "location, etag, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, 200, 'application/json; charset=utf-8', ?, ?, ?, ?, ?)",
        [("0123456789abcdef0123456789abcdef", "key-1", "ab" * 32, "c1", 999, '{"id":1000}',
          "https://example.test/phonerecords/1000", '"1000-1"', 1_800_000_000_000, 1_800_086_400_000),
         ("0123456789abcdef0123456789abcdef", "key \"2\"\n", "cd" * 32, "c2", 2000, '{"phonerecords":[]}',
          None, None, 1_800_000_000_001, 1_800_086_400_001)])
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"added {len(HOSTILE)} hostile rows; deleted ids 500 and {last}", file=sys.stderr)


def tables_of(db):
    return {name: kind for name, kind in db.execute(
        "SELECT name, type FROM pragma_table_list WHERE schema = 'main'")}


def q(name):
    return '"' + name.replace('"', '""') + '"'


def rows_of(db, table):
    """Every row with every value's storage class, in key order."""
    cols = [r[1] for r in db.execute("SELECT * FROM pragma_table_xinfo(?)", (table,)) if r[6] == 0]
    wr = db.execute("SELECT wr FROM pragma_table_list WHERE name = ?", (table,)).fetchone()[0]
    pk = sorted((r for r in db.execute("SELECT * FROM pragma_table_info(?)", (table,)) if r[5]), key=lambda r: r[5])
    key = ", ".join(q(r[1]) for r in pk) if wr else "rowid"
    exprs = ", ".join(f"{q(c)}, typeof({q(c)})" for c in cols)
    head = "" if wr else "rowid, "
    return [tuple(r) for r in db.execute(f"SELECT {head}{exprs} FROM {q(table)} ORDER BY {key}")]


def digest(path):
    db = ro(path)
    h = hashlib.sha256()
    kinds = tables_of(db)
    for table in sorted(kinds):
        if kinds[table] not in ("table", "shadow"):
            continue
        rows = sorted(repr(r) for r in db.execute(f"SELECT * FROM {q(table)}"))
        h.update(repr((table, rows)).encode("utf-8", "surrogatepass"))
    print(h.hexdigest())


def excluded(name, kinds):
    virtual = [n for n, k in kinds.items() if k == "virtual"]
    return (name.startswith(("sqlite_", "_cf_", "phone_records_search")) or name == "d1_migrations"
            or kinds[name] != "table" or any(name.startswith(v + "_") for v in virtual))


def compare(src_path, dst_path, backup_path):
    src, dst = ro(src_path), ro(dst_path)
    with open(backup_path, "rb") as f:
        header = json.loads(f.readline())
    kinds = tables_of(src)
    expected = sorted(n for n in kinds if not excluded(n, kinds))
    backed_up = sorted(t["name"] for t in header["tables"])
    check(backed_up == expected, f"the backup holds every real table ({', '.join(backed_up)})",
          f"expected {expected}")
    for table in expected:
        a, b = rows_of(src, table), rows_of(dst, table)
        diff = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
        check(len(a) == len(b) and diff is None,
              f"{table}: all {len(a):,} rows identical, values and storage classes",
              f"{len(a)} vs {len(b)} rows" + (f"; first difference: {a[diff]!r} vs {b[diff]!r}" if diff is not None else ""))
    # The hostile rows are really there, as inserted (guards the comparison itself).
    cols = list(HOSTILE[0])
    got = dst.execute(f"SELECT {', '.join(cols)} FROM phone_records ORDER BY id DESC LIMIT ?",
                      (len(HOSTILE),)).fetchall()[::-1]
    want = [tuple(r[c] for c in cols) for r in HOSTILE]
    same = len(got) == len(want) and all(
        type(x) is type(y) and (x == y) for g, w in zip(got, want) for x, y in zip(g, w))
    check(same, "hostile rows restored exactly (quotes, newlines, CRLF, tabs, emoji, NUL, 2^63-1, "
          "0.1+0.2, 1/3, 5e-324, max double, inf, blob, text in an INTEGER column, 28 KB text)",
          f"{got!r} != {want!r}" if not same else "")
    versions = lambda db: db.execute("SELECT id, version FROM phone_records WHERE version > 1 ORDER BY id").fetchall()
    check(len(versions(src)) == 101 and versions(src) == versions(dst),
          f"record versions kept ({len(versions(dst))} records above version 1; id 1000 at {dict(versions(dst)).get(1000)})",
          f"{versions(src)[:3]} vs {versions(dst)[:3]}")
    keys = lambda db: db.execute("SELECT * FROM idempotency_keys ORDER BY scope, key").fetchall()
    check(len(keys(src)) == 2 and keys(src) == keys(dst), "remembered Idempotency-Key answers kept",
          f"{keys(src)} vs {keys(dst)}")
    check(dst.execute("SELECT typeof(actual_hours), typeof(action_id), typeof(notes) FROM phone_records "
                      "WHERE from_participant_other = 'Smith'").fetchall() == [("real", "text", "blob")],
          "storage classes kept: REAL 2.0, TEXT '12abc' in an INTEGER column, a BLOB in a TEXT column")
    seq = lambda db: dict(db.execute("SELECT name, seq FROM sqlite_sequence WHERE name != 'd1_migrations'"))
    check(seq(src) == seq(dst), f"sqlite_sequence kept ({seq(dst)}; largest id {dst.execute('SELECT MAX(id) FROM phone_records').fetchone()[0]})",
          f"{seq(src)} vs {seq(dst)}")
    n, c = dst.execute("SELECT (SELECT n FROM phone_records_count), (SELECT COUNT(*) FROM phone_records)").fetchone()
    check(n == c, f"phone_records_count.n = COUNT(*) = {c:,}", f"n = {n}, COUNT(*) = {c}")
    for q in SEARCHES:
        a, b = found(src, q), found(dst, q)
        check(a == b and len(a) > 0, f"search {q} finds the same {len(b):,} records", f"{len(a)} vs {len(b)}")
    check(waiting(dst) == 0, f"no record waits for the search index after the rebuild (the source had {waiting(src)})",
          f"{waiting(dst)} records still wait")


def waiting(db):
    return db.execute("SELECT COUNT(*) FROM phone_records "
                      "WHERE id > (SELECT upto FROM phone_records_search_indexed)").fetchone()[0]


def found(db, text):
    """The records the API's search finds (worker/src/sql.rs): the index's
    candidates and the records after its mark, kept where a searched column
    holds the text."""
    phrase = '"' + text.replace('"', '""') + '"'
    holds = " OR ".join(f"instr(lower({c}), lower(?1)) > 0" for c in SEARCHED)
    return [r[0] for r in db.execute(
        "SELECT id FROM phone_records WHERE id IN (SELECT rowid FROM phone_records_search "
        "WHERE phone_records_search MATCH ?2 UNION ALL SELECT id FROM phone_records "
        "WHERE id > (SELECT upto FROM phone_records_search_indexed)) "
        f"AND ({holds}) ORDER BY id", (text, phrase))]


def next_id(src_path, dst_path, new_id):
    src, dst = ro(src_path), ro(dst_path)
    seq, top = src.execute("SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'phone_records'), "
                           "(SELECT MAX(id) FROM phone_records)").fetchone()
    want = max(seq, top) + 1
    check(int(new_id) == want, f"a new record gets id {want} (largest restored id {top}, sequence {seq})",
          f"got {new_id}")
    n, c = dst.execute("SELECT (SELECT n FROM phone_records_count), (SELECT COUNT(*) FROM phone_records)").fetchone()
    hits = found(dst, "restored-and-found")
    check(n == c and hits == [int(new_id)], "the new record is counted and found by the search",
          f"n={n} count={c} found={hits}")


def main():
    cmd = sys.argv[1]
    if cmd == "hostile":
        hostile(sys.argv[2])
    elif cmd == "digest":
        digest(sys.argv[2])
    elif cmd == "compare":
        compare(*sys.argv[2:5])
    elif cmd == "next-id":
        next_id(*sys.argv[2:5])
    else:
        sys.exit(f"unknown command {cmd}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
