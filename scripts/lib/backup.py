"""Backup and restore of the D1 database through D1 itself (`wrangler d1 execute`),
for databases `wrangler d1 export` refuses (it refuses any database with a
virtual table, such as the FTS5 search index of migrations/0004).

    backup.py backup  FILE [--remote | --persist-to DIR] [--database DB] [--page-rows N]
    backup.py restore FILE [--remote | --persist-to DIR] [--database DB] [--verify]

Called by scripts/backup and scripts/restore (which set PATH and wrangler's
environment, see scripts/lib/common.sh). docs/backups.md is the operator's
guide; this docstring describes the file.

The file is NDJSON (one JSON value a line, UTF-8):

    {"format": "phone-records-d1-backup", "version": 1, "created": ..., "source": ...,
     "migrations": [...], "tables": [{"name", "sql", "columns", "rowid", "key", ...}, ...]}
    {"table": "phone_records", "columns": [...], "rowid": false}
    [1, "Ann Smith", null, "in", ..., 0.25, ...]          one line a row, key order
    ...
    {"end_table": "phone_records", "rows": 100000}
    ...                                                   the next table
    {"end": true, "rows": {"phone_records": 100000, ...}, "sequences": {"phone_records": 100000}}

A row is a JSON array of the table's columns in the order of its "columns"
(preceded by the rowid when "rowid" is true: a rowid table whose rowid is not a
column). Values keep SQLite's storage class exactly:
  null -> NULL;  a JSON integer -> INTEGER (any 64-bit value, exact);
  a JSON number with a '.' or an exponent -> REAL (the shortest text that reads
  back as the same double, so 0.1+0.2 is 0.30000000000000004);
  {"real": "Infinity"} / {"real": "-Infinity"} -> REAL infinities;
  a JSON string -> TEXT (byte for byte);  {"blob": "HEX"} -> BLOB.
The last line makes a truncated file detectable; restore refuses a file without it.

What is backed up: every ordinary table, except SQLite's own (sqlite_*),
Cloudflare's (_cf_*), d1_migrations (the header lists the migrations instead),
virtual tables and their shadow tables (phone_records_search*: the search
index is rebuilt from phone_records on restore). Tables and columns are read
from the database's schema, never listed here.

Restore loads a file into an EMPTY database whose migrations are applied: it
refuses, before writing anything, if a backed-up table already holds rows
(a table written only by other tables' triggers, such as phone_records_count,
may hold the rows its migration seeded: it is cleared and loaded from the file
after the other tables, so it too ends up exactly as backed up). Then it sets
sqlite_sequence to the backed-up values (ids are never reused), rebuilds and
checks every FTS5 index, and checks phone_records_count against COUNT(*).
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORMAT = "phone-records-d1-backup"
VERSION = 1
# D1 refuses statements over 100 000 bytes; keep INSERTs well under it.
STATEMENT_BYTES = 90_000
# One `wrangler d1 execute --file` per chunk of this many bytes of SQL.
CHUNK_BYTES = 8_000_000
# Target size of one page of `--json` output (wrangler pretty-prints it).
PAGE_BYTES = {"local": 24_000_000, "remote": 4_000_000}
MAX_PAGE_ROWS = {"local": 50_000, "remote": 10_000}
FIRST_PAGE_ROWS = 1_000
SEARCH_INDEX_PREFIX = "phone_records_search"
MAX_DOUBLE = "1.7976931348623157e308"
EXIT_REFUSED = 3


class Failure(Exception):
    """A failure with a message for the operator (no traceback)."""


class Refused(Failure):
    """Restore refused before changing anything."""


def log(message):
    print(message, file=sys.stderr, flush=True)


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


# ----------------------------------------------------------------------------
# Talking to D1 through wrangler

class D1:
    """`wrangler d1 execute` against the local state or the deployed database."""

    def __init__(self, database, remote, persist_to):
        self.database = database
        self.remote = remote
        self.persist_to = persist_to
        self.calls = 0

    @property
    def where(self):
        return "remote" if self.remote else "local"

    def describe(self):
        if self.remote:
            return f"remote D1 database {self.database}"
        return f"local D1 database {self.database} in {self.persist_to}"

    def _target_args(self):
        if self.remote:
            return ["--remote"]
        return ["--local", "--persist-to", self.persist_to]

    def _run(self, args, what):
        self.calls += 1
        cmd = ["wrangler", "d1", "execute", self.database, *self._target_args(), "--json", "--yes", *args]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True)
        out = proc.stdout.decode("utf-8")
        try:
            data = json.loads(out) if out.strip() else None
        except json.JSONDecodeError:
            data = None
        if proc.returncode != 0 or not isinstance(data, list):
            detail = ""
            if isinstance(data, dict) and "error" in data:
                err = data["error"]
                detail = err.get("text") if isinstance(err, dict) else str(err)
                notes = err.get("notes") if isinstance(err, dict) else None
                if notes:
                    detail += " (" + "; ".join(n.get("text", "") for n in notes) + ")"
            if not detail:
                detail = (proc.stderr.decode("utf-8", "replace").strip() or out.strip())[-2000:]
            raise Failure(f"wrangler d1 execute failed ({what}) on the {self.describe()}: {detail}")
        for result in data:
            if not result.get("success", True):
                raise Failure(f"D1 reported a failure ({what}): {result}")
        return data, len(proc.stdout)

    def query(self, sql, what="query"):
        """Runs one or more statements (separated by ';'); a list of result row lists."""
        data, _ = self._run(["--command", sql], what)
        return [result.get("results") or [] for result in data]

    def query_sized(self, sql, what="query"):
        data, size = self._run(["--command", sql], what)
        return [result.get("results") or [] for result in data], size

    def execute_file(self, path, what):
        self._run(["--file", path], what)

    def migrations_apply(self):
        cmd = ["wrangler", "d1", "migrations", "apply", self.database, *self._target_args()]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise Failure("wrangler d1 migrations apply failed:\n" + (proc.stdout + proc.stderr)[-3000:])

    def bookmark(self):
        """The remote database's current Time Travel bookmark, or None."""
        if not self.remote:
            return None
        proc = subprocess.run(["wrangler", "d1", "time-travel", "info", self.database, "--json"],
                              cwd=ROOT, capture_output=True, text=True)
        try:
            return json.loads(proc.stdout).get("bookmark")
        except (json.JSONDecodeError, AttributeError):
            return None


# ----------------------------------------------------------------------------
# The schema, read from the database itself

# The tables a trigger's body writes.
WRITE_RE = re.compile(
    r"""\b(?:(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+
        (?:main\.)?("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_$]*)""",
    re.IGNORECASE | re.VERBOSE)


def unquote(name):
    if name[0] == '"':
        return name[1:-1].replace('""', '"')
    if name[0] in "`[":
        return name[1:-1]
    return name


class Schema:
    def __init__(self, db):
        master, table_list, columns, fks = db.query(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'trigger');"
            "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main';"
            "SELECT m.name AS tbl, x.cid, x.name, x.type, x.pk, x.hidden FROM sqlite_master m "
            "JOIN pragma_table_xinfo(m.name) x WHERE m.type = 'table' ORDER BY m.name, x.cid;"
            "SELECT m.name AS tbl, f.\"table\" AS parent FROM sqlite_master m "
            "JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
            "reading the schema")
        self.sql = {r["name"]: r["sql"] for r in master if r["type"] == "table"}
        self.kind = {r["name"]: r["type"] for r in table_list}
        self.without_rowid = {r["name"] for r in table_list if r["wr"]}
        self.virtual = sorted(n for n, k in self.kind.items() if k == "virtual")
        self.columns = {}
        for r in columns:
            self.columns.setdefault(r["tbl"], []).append(r)
        self.parents = {}
        for r in fks:
            self.parents.setdefault(r["tbl"], set()).add(r["parent"])
        # Tables written by triggers of *other* tables (phone_records_count):
        # inserting the rows of those other tables writes them too.
        self.derived = set()
        for r in master:
            begin = re.search(r"\bBEGIN\b", r["sql"] or "", re.IGNORECASE) if r["type"] == "trigger" else None
            if not begin:
                continue
            for m in WRITE_RE.finditer(r["sql"], begin.end()):
                name = unquote(m.group(1))
                if name != r["tbl_name"]:  # tbl_name: the table the trigger is on
                    self.derived.add(name)
        self.tables = self._ordered([n for n, k in self.kind.items() if k == "table" and not self.excluded(n)])

    def excluded(self, name):
        if name.startswith("sqlite_") or name.startswith("_cf_") or name == "d1_migrations":
            return True
        if name.startswith(SEARCH_INDEX_PREFIX):
            return True
        if self.kind.get(name) in ("virtual", "shadow", "view"):
            return True
        return any(name.startswith(v + "_") for v in self.virtual)

    def _ordered(self, names):
        """Parents (foreign keys) before children; tables written by other
        tables' triggers last."""
        remaining = sorted(names)
        done, order = set(), []
        while remaining:
            progress = False
            for name in list(remaining):
                deps = (self.parents.get(name, set()) & set(names)) - {name}
                if deps <= done:
                    order.append(name)
                    done.add(name)
                    remaining.remove(name)
                    progress = True
            if not progress:  # a cycle: keep the remaining order
                order.extend(remaining)
                break
        return [n for n in order if n not in self.derived] + [n for n in order if n in self.derived]

    def insertable_columns(self, table):
        return [c["name"] for c in self.columns.get(table, []) if c["hidden"] == 0]

    def pk_columns(self, table):
        pks = sorted((c for c in self.columns.get(table, []) if c["pk"]), key=lambda c: c["pk"])
        return [c["name"] for c in pks]

    def rowid_alias(self, table):
        """The column that is the rowid (INTEGER PRIMARY KEY), or None."""
        if table in self.without_rowid:
            return None
        pks = [c for c in self.columns.get(table, []) if c["pk"]]
        if len(pks) == 1 and (pks[0]["type"] or "").upper() == "INTEGER":
            return pks[0]["name"]
        return None

    def rowid_name(self, table):
        """A name for the hidden rowid that no column shadows."""
        names = {c["name"].lower() for c in self.columns.get(table, [])}
        for candidate in ("rowid", "_rowid_", "oid"):
            if candidate not in names:
                return candidate
        raise Failure(f"table {table}: every name of the rowid is taken by a column")

    def fts5(self):
        return [v for v in self.virtual if re.search(r"\bUSING\s+fts5\b", self.sql.get(v) or "", re.IGNORECASE)]


# ----------------------------------------------------------------------------
# Values: D1's JSON -> the file -> SQL literals

def value_expr(col):
    c = ident(col)
    return (f"CASE typeof({c}) WHEN 'integer' THEN CAST({c} AS TEXT) WHEN 'blob' THEN hex({c}) "
            f"WHEN 'real' THEN CASE WHEN {c} > {MAX_DOUBLE} THEN 'Infinity' "
            f"WHEN {c} < -{MAX_DOUBLE} THEN '-Infinity' ELSE {c} END ELSE {c} END")


def decode(kind, raw):
    """A value read through D1 (kind: first letter of typeof) -> the file's form."""
    if kind == "n":
        return None
    if kind == "i":
        return int(raw)
    if kind == "r":
        if isinstance(raw, str):
            return {"real": raw}
        return float(raw)
    if kind == "t":
        return raw
    if kind == "b":
        return {"blob": raw}
    raise Failure(f"unknown storage class {kind!r}")


# Text that could be altered on its way through wrangler's SQL splitting
# (it strips a "BEGIN TRANSACTION;" and a "COMMIT;" anywhere in a file),
# D1's import or line-ending handling, or SQLite's tokenizer (NUL), goes as
# hex bytes instead: CAST(X'...' AS TEXT) is the same text, byte for byte.
RISKY_TEXT = re.compile(r"(?i)begin\s+transaction|commit\s*;|[\x00-\x08\x0b-\x1f\x7f]")


def literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        raise Failure("unexpected boolean in the backup")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise Failure("unexpected non-finite number in the backup")
        text = repr(value)
        return text if ("." in text or "e" in text or "E" in text) else text + ".0"
    if isinstance(value, str):
        if RISKY_TEXT.search(value):
            return "CAST(X'" + value.encode("utf-8").hex().upper() + "' AS TEXT)"
        return sql_text(value)
    if isinstance(value, dict) and "real" in value:
        return {"Infinity": "9e999", "-Infinity": "-9e999"}[value["real"]]
    if isinstance(value, dict) and "blob" in value:
        return "X'" + value["blob"] + "'"
    raise Failure(f"unexpected value in the backup: {value!r}")


# ----------------------------------------------------------------------------
# Reading a table through D1 in keyset pages

def read_table(db, schema, table, total, progress):
    """Yields (rowid or None, values) in key order, one page at a time."""
    columns = schema.insertable_columns(table)
    alias = schema.rowid_alias(table)
    without_rowid = table in schema.without_rowid
    types = "||".join(f"substr(typeof({ident(c)}),1,1)" for c in columns) or "''"
    values = ", ".join(f"{value_expr(c)} AS v{i}" for i, c in enumerate(columns))
    if without_rowid:
        keys = schema.pk_columns(table)
        key_index = [columns.index(k) for k in keys]
        order = ", ".join(ident(k) for k in keys)
        select = f"SELECT {types} AS t, {values} FROM {ident(table)}"
    else:
        rowid = schema.rowid_name(table)
        select = f"SELECT CAST({rowid} AS TEXT) AS k, {types} AS t, {values} FROM {ident(table)}"
        order = rowid
    after = None
    page_rows = FIRST_PAGE_ROWS
    done = 0
    while True:
        if after is None:
            where = ""
        elif without_rowid:
            if len(keys) == 1:
                where = f" WHERE {order} > {after[0]}"
            else:
                where = f" WHERE ({order}) > ({', '.join(after)})"
        else:
            where = f" WHERE {order} > {after}"
        (rows,), size = db.query_sized(f"{select}{where} ORDER BY {order} LIMIT {page_rows}",
                                       f"reading {table}")
        for r in rows:
            kinds = r["t"]
            vals = [decode(kinds[i], r[f"v{i}"]) for i in range(len(columns))]
            if without_rowid:
                after = [literal(vals[i]) for i in key_index]
                yield None, vals
            else:
                after = r["k"]
                yield (None if alias else int(r["k"])), vals
        done += len(rows)
        progress(table, done, total)
        if len(rows) < page_rows:
            return
        per_row = max(1, size // max(1, len(rows)))
        page_rows = max(100, min(MAX_PAGE_ROWS[db.where], PAGE_BYTES[db.where] // per_row))


class Progress:
    """Progress lines on stderr, at most one every 2 seconds per table (and the last)."""

    def __init__(self, verb):
        self.verb = verb
        self.last = 0.0

    def __call__(self, table, done, total):
        now = time.monotonic()
        if done < total and now - self.last < 2:
            return
        self.last = now
        pct = f" ({100 * done // total}%)" if total else ""
        log(f"  {table}: {self.verb} {done:,} of {total:,} rows{pct}")


# ----------------------------------------------------------------------------
# backup

def counts(db, tables, what):
    """COUNT(*) of each table, several tables per statement."""
    result = {}
    for start in range(0, len(tables), 50):
        part = tables[start:start + 50]
        sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {ident(t)}) AS c{i}" for i, t in enumerate(part))
        (rows,) = db.query(sql, what)
        for i, t in enumerate(part):
            result[t] = rows[0][f"c{i}"]
    return result


def meta(db, schema):
    """Applied migrations and sqlite_sequence, in one call."""
    sql = []
    if schema.kind.get("d1_migrations") == "table":
        sql.append("SELECT name FROM d1_migrations ORDER BY id")
    if schema.kind.get("sqlite_sequence") == "table":
        sql.append("SELECT name, CAST(seq AS TEXT) AS seq FROM sqlite_sequence")
    results = db.query(";\n".join(sql), "reading d1_migrations and sqlite_sequence") if sql else []
    migrations, sequences = [], {}
    if schema.kind.get("d1_migrations") == "table":
        migrations = [r["name"] for r in results.pop(0)]
    if results:
        sequences = {r["name"]: int(r["seq"]) for r in results[0]}
    return migrations, sequences


def local_database_exists(persist_to):
    """Whether wrangler keeps a local D1 database under this --persist-to directory."""
    d1 = os.path.join(persist_to, "v3", "d1")
    return any(n.endswith(".sqlite") and n != "metadata.sqlite"
               for _, _, files in os.walk(d1) for n in files)


def backup(args, db):
    started = time.monotonic()
    out_path = args.file
    if not db.remote and not local_database_exists(db.persist_to):
        raise Failure(f"no local D1 database under {db.persist_to} (scripts/dev or scripts/seed makes one)")
    log(f"==> backing up the {db.describe()} to {out_path}")
    bookmark = db.bookmark()
    if bookmark:
        log(f"  Time Travel bookmark at the start: {bookmark} (kept in the header)")
    schema = Schema(db)
    tables = schema.tables
    if not tables:
        raise Failure(f"no tables to back up in the {db.describe()} (are its migrations applied?)")
    for v in schema.virtual:
        sql = schema.sql.get(v) or ""
        if re.search(r"\bcontent\s*=\s*'[^']+'", sql, re.IGNORECASE):
            log(f"  {v}: virtual table over another table's content, not backed up (restore rebuilds it)")
        else:
            log(f"  warning: virtual table {v} keeps its own content, which this backup does not hold")
    migrations, _ = meta(db, schema)
    totals = counts(db, tables, "counting rows")
    log("  tables: " + ", ".join(f"{t} ({totals[t]:,} rows)" for t in tables))
    header = {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": {"database": db.database, "remote": db.remote,
                   **({"bookmark": bookmark} if bookmark else {}),
                   **({} if db.remote else {"persist_to": db.persist_to})},
        "migrations": migrations,
        "tables": [],
    }
    for t in tables:
        header["tables"].append({
            "name": t,
            "sql": schema.sql.get(t),
            "columns": schema.insertable_columns(t),
            "rowid": not (t in schema.without_rowid or schema.rowid_alias(t)),
            "key": schema.pk_columns(t) if t in schema.without_rowid else "rowid",
            "written_by_triggers": t in schema.derived,
            "rows_counted": totals[t],
        })
    tmp = out_path + ".partial"
    rows_written = {}
    progress = Progress("read")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        dump = lambda obj: f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n")
        dump(header)
        for t in tables:
            info = next(x for x in header["tables"] if x["name"] == t)
            dump({"table": t, "columns": info["columns"], "rowid": info["rowid"]})
            n = 0
            for rowid, vals in read_table(db, schema, t, totals[t], progress):
                dump(([rowid] if info["rowid"] else []) + vals)
                n += 1
            dump({"end_table": t, "rows": n})
            rows_written[t] = n
            if n != totals[t]:
                log(f"  note: {t} had {totals[t]:,} rows when counted and {n:,} when read (written to meanwhile?)")
        _, sequences = meta(db, schema)
        dump({"end": True, "rows": rows_written,
              "sequences": {t: s for t, s in sequences.items() if t in rows_written}})
    os.replace(tmp, out_path)
    size = os.path.getsize(out_path)
    log(f"==> backup written: {out_path} ({sum(rows_written.values()):,} rows in {len(tables)} tables, "
        f"{size / 1e6:.1f} MB) in {time.monotonic() - started:.0f}s with {db.calls} D1 calls")


# ----------------------------------------------------------------------------
# The backup file

class BackupFile:
    """Checks a backup file end to end and indexes its table sections."""

    def __init__(self, path):
        self.path = path
        self.sections = {}  # table -> (byte offset of its first row, rows)
        with open(path, "rb") as f:
            first = f.readline()
            try:
                self.header = json.loads(first)
            except json.JSONDecodeError:
                raise Failure(f"{path} is not a backup file (its first line is not JSON)")
            if not isinstance(self.header, dict) or self.header.get("format") != FORMAT:
                raise Failure(f"{path} is not a {FORMAT} file")
            if self.header.get("version") != VERSION:
                raise Failure(f"{path} is version {self.header.get('version')} of the format; this script reads {VERSION}")
            self.tables = {t["name"]: t for t in self.header["tables"]}
            self.trailer = None
            current, start, n = None, None, 0
            while True:
                pos = f.tell()
                line = f.readline()
                if not line:
                    break
                if not line.endswith(b"\n"):
                    raise Failure(f"{path} is truncated (its last line is incomplete)")
                if line.startswith(b"["):
                    if current is None:
                        raise Failure(f"{path}: a row outside any table section")
                    n += 1
                    continue
                obj = json.loads(line)
                if "table" in obj:
                    current, start, n = obj["table"], f.tell(), 0
                    if current not in self.tables:
                        raise Failure(f"{path}: table {current} is not in the header")
                    if obj["columns"] != self.tables[current]["columns"] or obj["rowid"] != self.tables[current]["rowid"]:
                        raise Failure(f"{path}: the section of {current} does not match the header")
                elif "end_table" in obj:
                    if obj["end_table"] != current or obj["rows"] != n:
                        raise Failure(f"{path}: section {current} is damaged ({n} rows, trailer says {obj['rows']})")
                    self.sections[current] = (start, n)
                    current = None
                elif obj.get("end") is True:
                    self.trailer = obj
                    if f.readline():
                        raise Failure(f"{path}: data after the end of the backup")
                    break
            if self.trailer is None:
                raise Failure(f"{path} is incomplete: it has no end line (an interrupted backup?)")
            if set(self.sections) != set(self.tables) or any(
                    self.trailer["rows"].get(t) != n for t, (_, n) in self.sections.items()):
                raise Failure(f"{path}: its sections and its end line disagree")

    def rows(self, table):
        start, n = self.sections[table]
        with open(self.path, "rb") as f:
            f.seek(start)
            for _ in range(n):
                yield json.loads(f.readline())


# ----------------------------------------------------------------------------
# restore

def non_empty(db, tables):
    """The tables (of those given) that hold at least one row."""
    found = []
    for start in range(0, len(tables), 50):
        part = tables[start:start + 50]
        sql = "SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM {ident(t)}) AS c{i}" for i, t in enumerate(part))
        (rows,) = db.query(sql, "checking that the database is empty")
        found += [t for i, t in enumerate(part) if rows[0][f"c{i}"]]
    return found


def check_target(db, schema, backup_file):
    """Refuses (Refused) unless the target has every backed-up table and column."""
    tables = backup_file.header["tables"]
    missing = [t["name"] for t in tables if schema.kind.get(t["name"]) != "table"]
    if missing:
        raise Refused(
            f"the {db.describe()} has no table {', '.join(missing)}: apply the migrations first "
            f"(npx wrangler d1 migrations apply {db.database} {'--remote' if db.remote else '--local --persist-to ' + db.persist_to})")
    for t in tables:
        have = set(schema.insertable_columns(t["name"]))
        lacking = [c for c in t["columns"] if c not in have]
        if lacking:
            raise Refused(f"table {t['name']} of the {db.describe()} has no column {', '.join(lacking)} "
                          f"(its schema is older than the backup's: apply the migrations first)")


def statements(backup_file, schema, table):
    """The SQL statements that load one table (each under STATEMENT_BYTES)."""
    info = backup_file.tables[table]
    cols = [ident(c) for c in info["columns"]]
    if info["rowid"]:
        cols.insert(0, schema.rowid_name(table))
    head = f"INSERT INTO {ident(table)} ({', '.join(cols)}) VALUES\n"
    if table in schema.derived:
        yield f"DELETE FROM {ident(table)};\n", 0
    parts, size, n = [], len(head.encode()), 0
    for row in backup_file.rows(table):
        tup = "(" + ",".join(literal(v) for v in row) + ")"
        tup_size = len(tup.encode("utf-8")) + 2
        if parts and size + tup_size > STATEMENT_BYTES:
            yield head + ",\n".join(parts) + ";\n", n
            parts, size, n = [], len(head.encode()), 0
        if len(head.encode()) + tup_size > 100_000:
            raise Failure(f"a row of {table} is {tup_size:,} bytes as SQL, over D1's 100 KB statement limit")
        parts.append(tup)
        size += tup_size
        n += 1
    if parts:
        yield head + ",\n".join(parts) + ";\n", n


def write_chunks(backup_file, schema, order, workdir):
    """SQL files of about CHUNK_BYTES each; returns [(path, {table: rows})]."""
    chunks = []
    f, size, rows = None, 0, {}

    def close():
        nonlocal f
        if f:
            f.close()
            chunks.append((f.name, dict(rows)))
            f = None

    for table in order:
        for stmt, n in statements(backup_file, schema, table):
            if f is None or size > CHUNK_BYTES:
                close()
                f = open(os.path.join(workdir, f"chunk-{len(chunks) + 1:04d}.sql"), "w", encoding="utf-8", newline="\n")
                size, rows = 0, {}
            f.write(stmt)
            size += len(stmt.encode("utf-8"))
            rows[table] = rows.get(table, 0) + n
    close()
    return chunks


def migration_files(database):
    """The migration names wrangler applies for this database (its migrations_dir)."""
    import tomllib
    directory = "migrations"
    try:
        with open(os.path.join(ROOT, "wrangler.toml"), "rb") as f:
            config = tomllib.load(f)
        for d in config.get("d1_databases", []):
            if database in (d.get("binding"), d.get("database_name")):
                directory = d.get("migrations_dir", directory)
    except OSError:
        pass
    path = os.path.join(ROOT, directory)
    return sorted(n for n in os.listdir(path) if n.endswith(".sql")) if os.path.isdir(path) else []


def refuse_if_occupied(db, schema, tables):
    present = [t for t in tables if schema.kind.get(t) == "table"]
    occupied = [t for t in non_empty(db, present) if t not in schema.derived] if present else []
    if occupied:
        raise Refused(
            f"refusing to restore: the {db.describe()} is not empty ({', '.join(occupied)} already "
            f"hold{'s' if len(occupied) == 1 else ''} rows). Restore only into a new, empty database "
            "with the migrations applied. Nothing was changed.")


def restore(args, db):
    started = time.monotonic()
    backup_file = BackupFile(args.file)
    header = backup_file.header
    total_rows = sum(n for _, n in backup_file.sections.values())
    log(f"==> restoring {args.file} (taken {header['created']} from the "
        f"{'remote' if header['source'].get('remote') else 'local'} database; {total_rows:,} rows in "
        f"{len(backup_file.tables)} tables) into the {db.describe()}")

    schema = Schema(db)
    refuse_if_occupied(db, schema, list(backup_file.tables))
    migrations, _ = meta(db, schema)
    if not db.remote:
        # A local database may lack migrations: apply them (as scripts/dev does),
        # now that it is known to hold no rows.
        pending = [m for m in migration_files(db.database) if m not in migrations]
        if pending or any(schema.kind.get(t) != "table" for t in backup_file.tables):
            log(f"  applying the migrations to the local database ({len(pending)} pending)")
            db.migrations_apply()
            schema = Schema(db)
            migrations, _ = meta(db, schema)
            refuse_if_occupied(db, schema, list(backup_file.tables))
    check_target(db, schema, backup_file)
    lacking = [m for m in header["migrations"] if m not in migrations]
    if lacking:
        raise Refused(f"the {db.describe()} lacks migrations the backup was taken with "
                      f"({', '.join(lacking)}): apply them first. Nothing was changed.")
    newer = [m for m in migrations if m not in header["migrations"]]
    if newer:
        log(f"  note: the database has migrations newer than the backup ({', '.join(newer)}); "
            "columns the backup lacks take their defaults")
    for t in schema.tables:
        if t not in backup_file.tables:
            log(f"  note: table {t} is not in the backup and stays empty")

    bookmark = db.bookmark()
    if bookmark:
        log(f"  Time Travel bookmark before the restore: {bookmark}\n"
            f"  (to undo it: wrangler d1 time-travel restore {db.database} --bookmark={bookmark})")

    # Tables other tables' triggers write (phone_records_count) after those tables.
    order = [t for t in schema.tables if t in backup_file.tables]
    order = [t for t in order if t not in schema.derived] + [t for t in order if t in schema.derived]
    with tempfile.TemporaryDirectory(prefix="d1-restore-") as workdir:
        chunks = write_chunks(backup_file, schema, order, workdir)
        log(f"  loading {total_rows:,} rows in {len(chunks)} SQL files")
        loaded = {}
        for i, (path, rows) in enumerate(chunks, 1):
            try:
                db.execute_file(path, f"loading SQL file {i} of {len(chunks)}")
            except Failure as e:
                undo = (f"wrangler d1 time-travel restore {db.database} --bookmark={bookmark}" if bookmark
                        else "delete the database (locally: its --persist-to directory) and restore again")
                raise Failure(f"{e}\nThe database now holds a partial restore ({i - 1} of {len(chunks)} "
                              f"SQL files loaded; each file loads whole or not at all). To start again: {undo}.")
            for t, n in rows.items():
                loaded[t] = loaded.get(t, 0) + n
            done = sum(loaded.values())
            log(f"  loaded {i}/{len(chunks)}: {done:,} of {total_rows:,} rows "
                f"({100 * done // max(1, total_rows)}%): "
                + ", ".join(f"{t} {loaded[t]:,}/{backup_file.sections[t][1]:,}" for t in rows))

    # Ids are never reused: sqlite_sequence as backed up, if above the largest id.
    _, seq_now = meta(db, Schema(db) if "sqlite_sequence" not in schema.kind else schema)
    fixes = []
    for t, seq in backup_file.trailer.get("sequences", {}).items():
        if t in backup_file.tables and seq > seq_now.get(t, 0):
            fixes.append(f"UPDATE sqlite_sequence SET seq = {seq} WHERE name = {sql_text(t)}")
            fixes.append(f"INSERT INTO sqlite_sequence (name, seq) SELECT {sql_text(t)}, {seq} "
                         f"WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {sql_text(t)})")
    if fixes:
        try:
            db.query(";\n".join(fixes), "setting sqlite_sequence")
            log("  sqlite_sequence set as backed up (ids deleted before the backup stay unused)")
        except Failure as e:
            log(f"  warning: could not set sqlite_sequence ({e}); new ids follow the largest restored id")

    # The search index: rebuilt from its content table, then checked against it.
    # Its mark (the last id it holds; later records wait to be indexed in a
    # batch, migrations/0006) moves to the end: every record is in it now.
    for v in schema.fts5():
        log(f"  rebuilding and checking the search index {v}")
        mark = f"{v}_indexed"
        upto = (f";UPDATE {ident(mark)} SET upto = "
                f"(SELECT COALESCE((SELECT rowid FROM {ident(v)} ORDER BY rowid DESC LIMIT 1), 0))"
                if schema.kind.get(mark) == "table" else "")
        db.query(f"INSERT INTO {ident(v)} ({ident(v)}) VALUES ('rebuild');"
                 f"INSERT INTO {ident(v)} ({ident(v)}, rank) VALUES ('integrity-check', 1){upto}",
                 f"rebuilding {v}")

    problems = []
    if "phone_records" in schema.kind and "phone_records_count" in schema.kind:
        (rows,) = db.query("SELECT (SELECT n FROM phone_records_count WHERE id = 1) AS n, "
                           "(SELECT COUNT(*) FROM phone_records) AS c", "checking the record counter")
        n, c = rows[0]["n"], rows[0]["c"]
        if n != c:
            db.query("INSERT OR REPLACE INTO phone_records_count (id, n) "
                     "SELECT 1, COUNT(*) FROM phone_records", "fixing the record counter")
            log(f"  FIXED: phone_records_count.n was {n} but phone_records holds {c:,} rows; it is now {c:,}")
        else:
            log(f"  phone_records_count.n = {n:,} = COUNT(*) of phone_records")
        # The data's version (migrations/0007) is the backup's, with the data it
        # was backed up with; a backup from before it (or the fix above) leaves
        # 0, which another restore could repeat: a new random one then.
        if any(col["name"] == "data_version" for col in schema.columns.get("phone_records_count", [])):
            db.query("UPDATE phone_records_count SET data_version = random() WHERE id = 1 AND data_version = 0",
                     "giving the data a version of its own")
    got = counts(db, order, "counting the restored rows")
    for t in order:
        want = backup_file.sections[t][1]
        if got[t] != want:
            problems.append(f"{t} has {got[t]:,} rows, the backup {want:,}")
    if args.verify:
        problems += verify(db, schema, backup_file, order)
    if problems:
        raise Failure("the restored database does not match the backup:\n  " + "\n  ".join(problems))
    log(f"==> restored {total_rows:,} rows into the {db.describe()} in {time.monotonic() - started:.0f}s "
        f"({db.calls} D1 calls)")


def same(a, b):
    return type(a) is type(b) and a == b


def verify(db, schema, backup_file, order):
    """Reads every restored table back through D1 and compares it with the file."""
    problems = []
    progress = Progress("verified")
    for t in order:
        info = backup_file.tables[t]
        names = schema.insertable_columns(t)
        index = [names.index(c) for c in info["columns"]]
        theirs = backup_file.rows(t)
        n = 0
        for rowid, vals in read_table(db, schema, t, backup_file.sections[t][1], progress):
            row = ([rowid] if info["rowid"] else []) + [vals[i] for i in index]
            mine = next(theirs, None)
            n += 1
            if mine is None or len(mine) != len(row) or not all(same(a, b) for a, b in zip(mine, row)):
                problems.append(f"{t}: row {n} differs: backup {mine!r}, database {row!r}")
                break
        if next(theirs, None) is not None:
            problems.append(f"{t}: the database has fewer rows than the backup")
    if not problems:
        log("  verified: every restored row equals the backup")
    return problems


# ----------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(prog="backup.py")
    parser.add_argument("command", choices=["backup", "restore"])
    parser.add_argument("file")
    parser.add_argument("--remote", action="store_true")
    parser.add_argument("--persist-to", dest="persist_to")
    parser.add_argument("--database", default=os.environ.get("D1_DATABASE", "DB"))
    parser.add_argument("--cwd", default=os.getcwd(), help=argparse.SUPPRESS)
    parser.add_argument("--verify", action="store_true")
    args = parser.parse_args()
    if args.remote and args.persist_to:
        parser.error("--remote and --persist-to exclude each other")
    if args.verify and args.command != "restore":
        parser.error("--verify is for restore")
    args.file = os.path.join(args.cwd, args.file)
    persist_to = os.path.join(args.cwd, args.persist_to) if args.persist_to else os.path.join(ROOT, ".wrangler", "state")
    db = D1(args.database, args.remote, None if args.remote else os.path.normpath(persist_to))
    try:
        if args.command == "backup":
            backup(args, db)
        else:
            if not os.path.isfile(args.file):
                raise Failure(f"no such file: {args.file}")
            restore(args, db)
    except Refused as e:
        log(f"error: {e}")
        sys.exit(EXIT_REFUSED)
    except Failure as e:
        log(f"error: {e}")
        sys.exit(1)
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
