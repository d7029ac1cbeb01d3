//! Exports: the whole of a list's view (its filters, search, sort and
//! fieldset; never one page) as CSV or NDJSON, streamed.
//!
//! SQLite writes every line (as it writes records' JSON, sql.rs), and each
//! chunk of lines as ONE string, so the Worker passes a few strings per
//! megabyte on to the response without looking inside them. Chunks follow
//! the view's order by keyset (after the last row sent, never OFFSET), each
//! bounded in rows and in bytes, so memory stays flat and a chunk stays under
//! D1's 2 MB limit on a string. Before any byte is sent, one statement counts
//! the view's records and bytes: a view that needs more D1 queries than one
//! invocation may make is refused with a 400 that says so, never truncated.

use phonerecords_shared::fields::{Field, FieldKind};
use phonerecords_shared::query::{FieldSet, ListQuery, SortKey};

use wasm_bindgen::JsValue;

use crate::error::ApiError;
use crate::fault::Fault;
use crate::http::{Reply, accepted_quality};
use crate::runtime::{StreamWriter, TextEncoderStream, console_error};
use crate::sql::{self, KeyOrder, Params, SqlValue, Statement};
use crate::store::{ExportChunk, Store};

/// What an export is written as, chosen by `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180: header row, CRLF line ends, spreadsheet-safe text cells.
    Csv,
    /// One record per line, the plain record JSON (as a list answers it).
    Ndjson,
}

pub const CSV_MEDIA_TYPE: &str = "text/csv";
pub const NDJSON_MEDIA_TYPE: &str = "application/x-ndjson";

impl Format {
    /// The export `Accept` prefers to JSON, if any (`*/*` never asks for one;
    /// a tie goes to JSON, the list's own answer).
    pub fn for_accept(accept: &str) -> Option<Format> {
        let csv = accepted_quality(accept, &[CSV_MEDIA_TYPE]);
        let ndjson = accepted_quality(accept, &[NDJSON_MEDIA_TYPE]);
        let json = accepted_quality(
            accept,
            &[
                "application/json",
                crate::envelope::MEDIA_TYPE,
                "application/*",
                "*/*",
            ],
        );
        let (format, q) = if ndjson > csv {
            (Format::Ndjson, ndjson)
        } else {
            (Format::Csv, csv)
        };
        (q > 0.0 && q > json).then_some(format)
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Ndjson => "application/x-ndjson; charset=utf-8",
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }
}

/// The fields an export writes, in the contract's order (`id` always).
fn columns(fields: Option<&FieldSet>) -> Vec<Field> {
    Field::ALL
        .into_iter()
        .filter(|f| fields.is_none_or(|set| set.includes(*f)))
        .collect()
}

/// What comes before the records: CSV's header row (the contract's field
/// names, links by their own names), nothing for NDJSON.
pub fn preamble(format: Format, fields: Option<&FieldSet>) -> String {
    match format {
        Format::Csv => {
            let names: Vec<&str> = columns(fields).into_iter().map(Field::name).collect();
            format!("{}\r\n", names.join(","))
        }
        Format::Ndjson => String::new(),
    }
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP, "CSV injection"): `=`, `+`, `-`, `@`, tab and carriage return.
pub const FORMULA_STARTS: [char; 6] = phonerecords_shared::import::FORMULA_STARTS;

/// A text cell: empty when absent; otherwise always quoted (quotes doubled),
/// with a `'` before a value a spreadsheet would run as a formula.
fn text_cell(col: &str) -> String {
    let codes: Vec<String> = FORMULA_STARTS
        .iter()
        .map(|c| (*c as u32).to_string())
        .collect();
    format!(
        "CASE WHEN {col} IS NULL THEN '' ELSE '\"' || replace(CASE WHEN unicode({col}) IN ({}) \
         THEN '''' || {col} ELSE {col} END, '\"', '\"\"') || '\"' END",
        codes.join(", ")
    )
}

/// The SQL of one field's CSV cell.
fn csv_cell(field: Field) -> String {
    let col = sql::stored_column(field);
    match field {
        Field::Id | Field::Action | Field::FromParticipant | Field::ToParticipant => {
            format!("ifnull({col}, '')")
        }
        // As the JSON answers spell it.
        Field::ActualHours => format!("CASE WHEN {col} IS NULL THEN '' ELSE json_quote({col}) END"),
        // Exactly as stored: RFC 3339 needs no quoting and starts with a digit.
        Field::CallTimestamp => col.to_owned(),
        // Always `in` or `out`.
        Field::Direction => col.to_owned(),
        Field::FromParticipantOther
        | Field::ToParticipantOther
        | Field::PhoneNumber
        | Field::PhoneNumberType
        | Field::Notes
        | Field::Outcome => text_cell(col),
    }
}

/// The SQL of one record's line, its line end included.
fn line(format: Format, fields: Option<&FieldSet>) -> String {
    match format {
        Format::Csv => {
            let cells: Vec<String> = columns(fields).into_iter().map(csv_cell).collect();
            format!("{} || char(13, 10)", cells.join(" || ',' || "))
        }
        Format::Ndjson => format!("{} || char(10)", sql::record_json(KeyOrder::Name, fields)),
    }
}

/// The longest line a record can make, in bytes: each character of a text
/// field at most 6 bytes (a control character escaped in JSON as `\u00XX`;
/// a CSV cell doubles only `"`, and UTF-8 takes at most 4), plus room for
/// names, numbers, times and separators.
pub fn max_line_bytes() -> u64 {
    Field::ALL
        .into_iter()
        .map(|f| match f.kind() {
            FieldKind::Text(rule) => rule.max_chars as u64 * 6 + 64,
            FieldKind::Id
            | FieldKind::Direction
            | FieldKind::Hours
            | FieldKind::Timestamp
            | FieldKind::LinkId => 128,
        })
        .sum()
}

/// How much one chunk may hold.
#[derive(Clone, Copy, Debug)]
pub struct ChunkLimits {
    pub rows: u32,
    /// A chunk stops before the row that would take it over this many bytes
    /// (its first row is always taken).
    pub bytes: u32,
}

/// The Worker's chunks: 1.8 MB of lines at most (with the one line that may
/// start a chunk whatever its size, under D1's 2 MB limit on a string; the
/// Worker holds one chunk at a time), 5000 rows at most.
pub const CHUNK: ChunkLimits = ChunkLimits {
    rows: 5000,
    bytes: 1_800_000,
};

/// The view's size: one row, `n` (records) and `bytes` (of all their lines).
pub fn size(query: &ListQuery, format: Format) -> Statement {
    let mut params = Params::default();
    let filter = sql::where_of(&sql::conditions(query, &mut params));
    Statement {
        sql: format!(
            "SELECT count(*) AS n, ifnull(sum(length(CAST({} AS BLOB))), 0) AS bytes FROM phone_records{filter}",
            line(format, query.fields.as_ref())
        ),
        params: params.0,
    }
}

/// The most statements an export of `records` records of `bytes` bytes in
/// all can take: each chunk but the last is full by rows or by bytes (and
/// then holds more than `limits.bytes - max_line_bytes()`), and the chunk
/// after a full last one may come back empty.
pub fn statements_needed(records: u64, bytes: u64, limits: ChunkLimits) -> u64 {
    let full_by_bytes = u64::from(limits.bytes)
        .saturating_sub(max_line_bytes())
        .max(1);
    records / u64::from(limits.rows) + bytes / full_by_bytes + 2
}

/// The rows after the row whose keys were `after`, in the order of `keys`.
/// SQLite puts NULL first ascending and last descending; text compares
/// without regard to ASCII case, as the list sorts it. The leading range on
/// the first key lets an index on it start at the right place.
fn after_condition(keys: &[SortKey], after: &[SqlValue], params: &mut Params) -> String {
    let mut cond = String::new();
    let mut leading = String::new();
    for (key, value) in keys.iter().zip(after).rev() {
        let col = sql::column(key.field);
        let expr = sql::sort_expr(key.field, col);
        let nullable = key.field.is_nullable();
        let p = (*value != SqlValue::Null).then(|| params.bind(value.clone()));
        let (beyond, from) = match (key.descending, &p) {
            (false, Some(p)) => (format!("{expr} > {p}"), format!("{expr} >= {p}")),
            (false, None) => (format!("{col} IS NOT NULL"), String::new()),
            (true, Some(p)) if nullable => {
                (format!("({expr} < {p} OR {col} IS NULL)"), String::new())
            }
            (true, Some(p)) => (format!("{expr} < {p}"), format!("{expr} <= {p}")),
            (true, None) => ("0".to_owned(), format!("{col} IS NULL")),
        };
        cond = if cond.is_empty() {
            beyond
        } else {
            let same = match &p {
                Some(p) => format!("{expr} = {p}"),
                None => format!("{col} IS NULL"),
            };
            format!("({beyond} OR ({same} AND {cond}))")
        };
        leading = from;
    }
    if leading.is_empty() {
        cond
    } else {
        format!("{leading} AND {cond}")
    }
}

/// One chunk of the export: the rows after `after` (the keys of the last row
/// sent; `None` for the first chunk), as one row of
/// - `body`: the lines, in order, as one string (NULL when there are none),
/// - `n`: how many lines, `fetched`: how many rows the chunk looked at
///   (more than `n` when the byte limit stopped it; `limits.rows` when there may be more),
/// - `k0`…: the keys of its last line (`query.order()`), for the next chunk.
pub fn chunk(
    query: &ListQuery,
    format: Format,
    after: Option<&[SqlValue]>,
    limits: ChunkLimits,
) -> Statement {
    let mut params = Params::default();
    let mut conditions = sql::conditions(query, &mut params);
    let keys = query.order();
    if let Some(after) = after {
        conditions.push(after_condition(&keys, after, &mut params));
    }
    let rows = params.bind(SqlValue::Int(i64::from(limits.rows)));
    let cap = params.bind(SqlValue::Int(i64::from(limits.bytes)));
    let key_columns: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{} AS k{i}", sql::column(k.field)))
        .collect();
    let key_names: Vec<String> = (0..keys.len()).map(|i| format!("k{i}")).collect();
    let key_names = key_names.join(", ");
    // One pass over the chunk's rows: the window numbers them and sums their
    // bytes in the view's order; the aggregate keeps those within the cap
    // (always the first), joins them in that order and, as the only max(),
    // takes its bare columns — the keys — from the last row kept. D1 reads
    // about 4 rows per line (the rows, the window's buffer and sort, the
    // join's sort); materialized CTEs read back five times made it 11.
    let keep = format!("upto <= {cap} OR i = 1");
    Statement {
        sql: format!(
            "SELECT group_concat(line, '' ORDER BY i) FILTER (WHERE {keep}) AS body, \
             count(*) FILTER (WHERE {keep}) AS n, count(*) AS fetched, {key_names}, \
             max(CASE WHEN {keep} THEN i END) AS last_kept \
             FROM (SELECT line, {key_names}, row_number() OVER w AS i, \
               sum(length(CAST(line AS BLOB))) OVER w AS upto \
               FROM (SELECT {line} AS line, {key_columns} FROM phone_records{filter}{order} LIMIT {rows}) \
               WINDOW w AS ({page_order} ROWS UNBOUNDED PRECEDING))",
            line = line(format, query.fields.as_ref()),
            key_columns = key_columns.join(", "),
            filter = sql::where_of(&conditions),
            order = sql::order_by(&keys, |_, f| sql::column(f).to_owned()),
            page_order = sql::order_by(&keys, |i, _| format!("k{i}")).trim_start(),
        ),
        params: params.0,
    }
}

/// Whether rows may follow a chunk of `n` lines that looked at `fetched` rows.
pub fn more_after(n: u64, fetched: u64, limits: ChunkLimits) -> bool {
    n > 0 && (n < fetched || fetched >= u64::from(limits.rows))
}

/// A key value of the last row, as D1 or SQLite gave it, bound again as the
/// same type (a double stays the exact double, never a rounded text).
pub fn key_value(field: Field, number: Option<f64>, text: Option<String>) -> SqlValue {
    match (field.kind(), number, text) {
        (_, _, Some(t)) => SqlValue::Text(t),
        (FieldKind::Hours, Some(r), None) => SqlValue::Real(r),
        (
            FieldKind::Id
            | FieldKind::LinkId
            | FieldKind::Timestamp
            | FieldKind::Direction
            | FieldKind::Text(_),
            Some(n),
            None,
        ) => SqlValue::Int(n as i64),
        (_, None, None) => SqlValue::Null,
    }
}

/// `phonerecords-YYYY-MM-DD.csv` for a UTC day given as Unix milliseconds.
pub fn file_name(format: Format, now_ms: i64) -> String {
    let (y, m, d) = civil_from_days(now_ms.div_euclid(86_400_000));
    format!("phonerecords-{y:04}-{m:02}-{d:02}.{}", format.extension())
}

/// The proleptic Gregorian date of a day counted from 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// What one export may use: D1 queries (the plan's limit per invocation) and
/// the size of each chunk.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub statements: u32,
    pub chunk: ChunkLimits,
    /// The operator's cap on records per export, if any (`EXPORT_MAX_ROWS`).
    pub max_records: Option<u64>,
}

/// Answers an export: sized and refused if too large, its first chunk read,
/// all before the status is sent (so a failure is a plain error answer);
/// then the rest streamed after the answer has started.
pub async fn send(
    store: &Store<'_>,
    query: ListQuery,
    format: Format,
    budget: Budget,
) -> Result<Reply, ApiError> {
    let (records, bytes) = store.export_size(&size(&query, format)).await?;
    // The size statement is one of the request's queries.
    let chunks_allowed = u64::from(budget.statements.saturating_sub(1));
    let needed = statements_needed(records, bytes, budget.chunk);
    let fits =
        (records * chunks_allowed / needed.max(1)).min(budget.max_records.unwrap_or(u64::MAX));
    if needed > chunks_allowed || records > fits {
        return Err(too_large(records, bytes, fits));
    }
    let keys = query.order();
    let first = store
        .export_chunk(&chunk(&query, format, None, budget.chunk), &keys)
        .await?;
    let encoder = TextEncoderStream::new()?;
    let writer = encoder.writable().get_writer()?;
    let preamble = preamble(format, query.fields.as_ref());
    let expected_bytes = bytes + preamble.len() as u64;
    let session = store.session();
    // The test hook `export` fails the chunks sent after the answer started.
    let fault = store
        .fault()
        .filter(|f| *f == Fault::Export)
        .map(|_| Fault::Store);
    wasm_bindgen_futures::spawn_local(async move {
        let store = Store::new(&session, fault);
        let stream = Stream {
            writer: &writer,
            store: &store,
            query: &query,
            keys: &keys,
            format,
            limits: budget.chunk,
        };
        if let Err(e) = stream.pump(preamble, first, chunks_allowed - 1).await {
            console_error(&format!(
                "an export stopped part-way, its transfer ended in error: {e:?}"
            ));
            if let Ok(p) = writer.abort(&JsValue::from_str("the export stopped part-way")) {
                let _ = crate::driver::wait(p).await;
            }
        }
    });
    let mut reply = Reply::stream(encoder.readable(), format.content_type());
    reply.set(
        "Content-Disposition",
        format!(
            "attachment; filename=\"{}\"",
            file_name(format, js_sys::Date::now() as i64)
        ),
    );
    reply.set(RECORD_COUNT_HEADER, records.to_string());
    reply.set(EXPECTED_BYTES_HEADER, expected_bytes.to_string());
    reply.set("Vary", "Accept");
    Ok(reply)
}

/// How many records the view held when the export started.
pub const RECORD_COUNT_HEADER: &str = "X-Record-Count";
/// How many bytes the export will be if nothing changes while it is sent
/// (for progress: there is no Content-Length, as the body is streamed).
pub const EXPECTED_BYTES_HEADER: &str = "X-Expected-Bytes";

fn too_large(records: u64, bytes: u64, fits: u64) -> ApiError {
    ApiError::bad_request(
        "export",
        "export_too_large",
        format!(
            "this view holds {records} records ({} MB); one export here can hold about {fits}: \
             narrow the view with filters, for example a callTimestamp range, and export it in parts",
            bytes.div_ceil(1_000_000)
        ),
    )
}

/// The rest of an export, written chunk after chunk as the client takes them.
struct Stream<'a> {
    writer: &'a StreamWriter,
    store: &'a Store<'a>,
    query: &'a ListQuery,
    keys: &'a [SortKey],
    format: Format,
    limits: ChunkLimits,
}

impl Stream<'_> {
    async fn pump(
        &self,
        preamble: String,
        first: ExportChunk,
        mut left: u64,
    ) -> Result<(), ApiError> {
        if !preamble.is_empty() {
            self.write(&JsValue::from_str(&preamble)).await?;
        }
        let mut current = first;
        loop {
            if current.lines > 0 {
                self.write(&current.body).await?;
            }
            if !more_after(current.lines, current.fetched, self.limits) {
                break;
            }
            // Only records added while the export runs can bring this about.
            if left == 0 {
                return Err(ApiError::Internal(
                    "the view grew past what one export may read".into(),
                ));
            }
            left -= 1;
            let next = chunk(self.query, self.format, Some(&current.last), self.limits);
            current = self.store.export_chunk(&next, self.keys).await?;
        }
        crate::driver::wait(self.writer.close()?).await?;
        Ok(())
    }

    async fn write(&self, chunk: &JsValue) -> Result<(), ApiError> {
        crate::driver::wait(self.writer.write(chunk)?).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_chooses_an_export_only_when_preferred() {
        assert_eq!(Format::for_accept("text/csv"), Some(Format::Csv));
        assert_eq!(
            Format::for_accept("Text/CSV; charset=utf-8"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::for_accept("application/x-ndjson"),
            Some(Format::Ndjson)
        );
        assert_eq!(
            Format::for_accept("text/csv;q=0.5, application/x-ndjson"),
            Some(Format::Ndjson)
        );
        assert_eq!(Format::for_accept("text/csv, */*;q=0.1"), Some(Format::Csv));
        for json in [
            "",
            "*/*",
            "text/*",
            "application/json",
            "application/json, text/csv",
            "text/csv;q=0.5, application/json",
            "text/csv;q=0",
            "application/vnd.api+json, text/csv;q=0.9",
        ] {
            assert_eq!(Format::for_accept(json), None, "{json}");
        }
    }

    #[test]
    fn header_row_is_the_contract_order() {
        assert_eq!(
            preamble(Format::Csv, None),
            "id,fromParticipantOther,toParticipantOther,direction,phoneNumber,phoneNumberType,\
             actualHours,notes,callTimestamp,outcome,action,fromParticipant,toParticipant\r\n"
        );
        let set = FieldSet::new([Field::Notes, Field::Action]);
        assert_eq!(preamble(Format::Csv, Some(&set)), "id,notes,action\r\n");
        assert_eq!(preamble(Format::Ndjson, None), "");
    }

    #[test]
    fn file_names_are_utc_days() {
        assert_eq!(file_name(Format::Csv, 0), "phonerecords-1970-01-01.csv");
        // 2026-12-02T23:59:59.999Z and the next millisecond.
        assert_eq!(
            file_name(Format::Ndjson, 1_796_255_999_999),
            "phonerecords-2026-12-02.ndjson"
        );
        assert_eq!(
            file_name(Format::Csv, 1_796_256_000_000),
            "phonerecords-2026-12-03.csv"
        );
        assert_eq!(
            file_name(Format::Csv, 951_782_400_000),
            "phonerecords-2000-02-29.csv"
        );
    }

    #[test]
    fn statement_bound_counts_every_chunk() {
        let limits = ChunkLimits {
            rows: 10,
            bytes: 1_000_000,
        };
        // No bytes to speak of: rows decide.
        assert_eq!(statements_needed(0, 0, limits), 2);
        assert_eq!(statements_needed(25, 100, limits), 4);
        assert!(max_line_bytes() > 60_000);
        assert!(
            u64::from(CHUNK.bytes) + max_line_bytes() < 2_000_000,
            "under D1's string limit"
        );
    }
}
