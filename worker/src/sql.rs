//! SQL for phone records: the one place that knows column names, and the
//! translation of a typed `ListQuery` into statements. Columns come from the
//! fixed mapping below; every value a client sent is a bound parameter.

use std::cell::OnceCell;

use phonerecords_shared::fields::{Field, FieldKind};
use phonerecords_shared::pattern::{MAX_PATTERN_BYTES, filter_pattern};
use phonerecords_shared::query::{
    Comparison, Condition, FieldSet, Filter, ListQuery, SEARCHED, Scalar, SortKey,
};
use phonerecords_shared::summary::{GroupBy, SummaryQuery};
use phonerecords_shared::{CreatePhoneRecord, Patch, UpdatePhoneRecord};

/// The column that filters and sorts a field (`callTimestamp` by its instant).
pub const fn column(field: Field) -> &'static str {
    match field {
        Field::Id => "id",
        Field::FromParticipantOther => "from_participant_other",
        Field::ToParticipantOther => "to_participant_other",
        Field::Direction => "direction",
        Field::PhoneNumber => "phone_number",
        Field::PhoneNumberType => "phone_number_type",
        Field::ActualHours => "actual_hours",
        Field::Notes => "notes",
        Field::CallTimestamp => "call_at_ms",
        Field::Outcome => "outcome",
        Field::Action => "action_id",
        Field::FromParticipant => "from_participant_id",
        Field::ToParticipant => "to_participant_id",
    }
}

/// The column a field's value is answered from (`callTimestamp` as written).
pub const fn stored_column(field: Field) -> &'static str {
    match field {
        Field::CallTimestamp => "call_timestamp",
        Field::Id
        | Field::FromParticipantOther
        | Field::ToParticipantOther
        | Field::Direction
        | Field::PhoneNumber
        | Field::PhoneNumberType
        | Field::ActualHours
        | Field::Notes
        | Field::Outcome
        | Field::Action
        | Field::FromParticipant
        | Field::ToParticipant => column(field),
    }
}

/// The order of a record's keys in JSON: the contract's (answers to writes)
/// or by name (reads, as they have always been answered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrder {
    Contract,
    Name,
}

/// An SQL expression for the JSON text of the row's record: SQLite writes it,
/// so the Worker passes one string per record instead of converting every
/// value. `json_patch` onto `{}` drops the NULL members (absent fields are
/// omitted, never `null`) and keeps `links` as an object. A fieldset keeps
/// `id`, its fields, and `links` only when it names a link.
pub fn record_json(order: KeyOrder, fields: Option<&FieldSet>) -> String {
    if fields.is_some() {
        return build_record_json(order, fields);
    }
    // The whole record's expression is built once per isolate: every plain
    // read and write asks for it, and building it was ~4 % of the isolate's
    // busy time on a get by id (docs/performance.md, ninth session).
    thread_local! {
        static WHOLE: [OnceCell<String>; 2] = const { [OnceCell::new(), OnceCell::new()] };
    }
    let slot = match order {
        KeyOrder::Contract => 0,
        KeyOrder::Name => 1,
    };
    WHOLE.with(|whole| {
        whole[slot]
            .get_or_init(|| build_record_json(order, None))
            .clone()
    })
}

fn build_record_json(order: KeyOrder, fields: Option<&FieldSet>) -> String {
    let included = |f: Field| fields.is_none_or(|set| set.includes(f));
    let mut entries: Vec<(&str, String)> = Field::ALL
        .into_iter()
        .filter(|f| !f.is_link() && included(*f))
        .map(|f| (f.name(), stored_column(f).to_owned()))
        .collect();
    let links: Vec<String> = Field::ALL
        .into_iter()
        .filter(|f| f.is_link() && included(*f))
        .map(|f| format!("'{}', {}", f.name(), stored_column(f)))
        .collect();
    if fields.is_none() || !links.is_empty() {
        entries.push(("links", format!("json_object({})", links.join(", "))));
    }
    if order == KeyOrder::Name {
        entries.sort_by_key(|(name, _)| *name);
    }
    let members: Vec<String> = entries
        .into_iter()
        .map(|(name, expr)| format!("'{name}', {expr}"))
        .collect();
    format!("json_patch('{{}}', json_object({}))", members.join(", "))
}

/// A bound value, independent of the database client.
#[derive(Clone, Debug, PartialEq)]
pub enum SqlValue {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

/// The statements of a list request: the count and the page, sent together.
pub struct ListSql {
    pub count: Statement,
    pub page: Statement,
    /// Whether the count counts a filtered view (unfiltered, it reads the
    /// record counter's one row).
    pub filtered: bool,
}

#[derive(Default)]
pub struct Params(pub Vec<SqlValue>);

impl Params {
    /// Binds a value and returns its placeholder.
    pub fn bind(&mut self, v: SqlValue) -> String {
        self.0.push(v);
        format!("?{}", self.0.len())
    }
}

fn scalar_value(s: &Scalar) -> SqlValue {
    match s {
        Scalar::Int(n) => SqlValue::Int(*n),
        Scalar::Real(r) => SqlValue::Real(*r),
        Scalar::Text(t) => SqlValue::Text(t.clone()),
        Scalar::Time(span) => SqlValue::Int(span.start_ms),
    }
}

/// `c <comparison> value`, for a time value over the span it names.
fn compare(col: &str, comparison: Comparison, value: &Scalar, params: &mut Params) -> String {
    let p = params.bind(scalar_value(value));
    if let Scalar::Time(span) = value {
        // The width is ours (a day, a second or a millisecond), never client text.
        let end = format!("{p} + {}", span.width_ms);
        return match comparison {
            Comparison::Lt => format!("{col} < {p}"),
            Comparison::LtEq => format!("{col} < {end}"),
            Comparison::Gt => format!("{col} >= {end}"),
            Comparison::GtEq => format!("{col} >= {p}"),
            Comparison::Eq => format!("({col} >= {p} AND {col} < {end})"),
        };
    }
    let sym = match comparison {
        Comparison::Lt => "<",
        Comparison::LtEq => "<=",
        Comparison::Gt => ">",
        Comparison::GtEq => ">=",
        Comparison::Eq => "=",
    };
    format!("{col} {sym} {p}")
}

/// SQL for one filter. Negated operators are the exact complement of their
/// positive form, so records without a value match them.
fn filter_sql(filter: &Filter, params: &mut Params) -> String {
    let col = column(filter.field);
    let nullable = filter.field.is_nullable();
    let negated = filter.negated();
    // The positive condition, FALSE (never NULL) for a record without a value.
    let positive = match &filter.condition {
        Condition::IsNull => {
            let op = if negated { "IS NOT NULL" } else { "IS NULL" };
            return format!("{col} {op}");
        }
        Condition::Compare(comparison, value) => compare(col, *comparison, value, params),
        Condition::In { values, null } => {
            let mut parts: Vec<String> = Vec::new();
            let times = values.iter().any(|v| matches!(v, Scalar::Time(_)));
            if times {
                parts.extend(
                    values
                        .iter()
                        .map(|v| compare(col, Comparison::Eq, v, params)),
                );
            } else if !values.is_empty() {
                let ps: Vec<String> = values
                    .iter()
                    .map(|v| params.bind(scalar_value(v)))
                    .collect();
                parts.push(format!("{col} IN ({})", ps.join(", ")));
            }
            if *null {
                parts.push(format!("{col} IS NULL"));
            }
            let positive = if parts.is_empty() {
                "0".to_owned()
            } else {
                format!("({})", parts.join(" OR "))
            };
            // With :NULL in the list the condition is already TRUE or FALSE for a missing value.
            if *null {
                return if negated {
                    format!("NOT {positive}")
                } else {
                    positive
                };
            }
            positive
        }
        Condition::Like {
            case_sensitive,
            pattern,
        } => {
            let sql_pattern = filter_pattern(pattern, *case_sensitive);
            // The parser refuses longer ones (shared::pattern).
            debug_assert!(sql_pattern.len() <= MAX_PATTERN_BYTES);
            let expr = if *case_sensitive { "GLOB" } else { "LIKE" };
            let p = params.bind(SqlValue::Text(sql_pattern));
            let escape = if *case_sensitive { "" } else { " ESCAPE '\\'" };
            format!("{col} {expr} {p}{escape}")
        }
    };
    match (nullable, negated) {
        (_, false) => positive,
        (false, true) => format!("NOT ({positive})"),
        (true, true) => format!("({col} IS NULL OR NOT ({positive}))"),
    }
}

/// Fewest characters the trigram index can look up; shorter text is scanned for.
pub const MIN_INDEXED_SEARCH_CHARS: usize = 3;

/// The search: case-insensitive (ASCII) literal substring of any searched
/// column. From 3 characters the FTS5 trigram index finds the candidates
/// (a superset: it folds case beyond ASCII), with the at most 63 records after
/// the index's mark (migrations/0006), and `instr` of the ASCII-lowered
/// texts keeps the exact rule (LIKE's own, without its 50-byte pattern limit,
/// so the text is limited in characters only); shorter text can only be found
/// by testing every row.
fn search_sql(q: &str, params: &mut Params) -> String {
    let p = params.bind(SqlValue::Text(q.to_owned()));
    let parts: Vec<String> = SEARCHED
        .iter()
        .map(|f| format!("instr(lower({}), lower({p})) > 0", column(*f)))
        .collect();
    let like = format!("({})", parts.join(" OR "));
    if q.chars().count() < MIN_INDEXED_SEARCH_CHARS {
        return like;
    }
    // One FTS5 string: the whole text as a phrase, `"` doubled, nothing special.
    let phrase = params.bind(SqlValue::Text(format!("\"{}\"", q.replace('"', "\"\""))));
    format!(
        "id IN (SELECT rowid FROM phone_records_search WHERE phone_records_search MATCH {phrase} \
         UNION ALL SELECT id FROM phone_records \
         WHERE id > (SELECT upto FROM phone_records_search_indexed WHERE id = 1)) AND {like}"
    )
}

/// The conditions of a list query's filters and search, each bound in `params`.
pub fn conditions(query: &ListQuery, params: &mut Params) -> Vec<String> {
    let mut parts: Vec<String> = query
        .filters
        .iter()
        .map(|f| filter_sql(f, params))
        .collect();
    if let Some(q) = &query.search {
        parts.push(search_sql(q, params));
    }
    parts
}

fn where_clause(query: &ListQuery, params: &mut Params) -> String {
    where_of(&conditions(query, params))
}

/// ` WHERE a AND b`, or nothing without conditions.
pub fn where_of(parts: &[String]) -> String {
    if parts.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", parts.join(" AND "))
    }
}

/// The expression a field sorts by: text without regard to (ASCII) case.
pub fn sort_expr(field: Field, col: &str) -> String {
    if matches!(field.kind(), FieldKind::Text(_)) {
        format!("{col} COLLATE NOCASE")
    } else {
        col.to_owned()
    }
}

/// ` ORDER BY …` of these keys; `col` names each key's column (the table's, or an alias).
pub fn order_by(keys: &[SortKey], col: impl Fn(usize, Field) -> String) -> String {
    let parts: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let dir = if k.descending { "DESC" } else { "ASC" };
            format!("{} {dir}", sort_expr(k.field, &col(i, k.field)))
        })
        .collect();
    format!(" ORDER BY {}", parts.join(", "))
}

fn order_clause(keys: &[SortKey]) -> String {
    order_by(keys, |_, f| column(f).to_owned())
}

/// The count and page statements of a list request. The page's rows are
/// `id, j`: the id and the record's JSON (with the query's fieldset).
pub fn list(query: &ListQuery) -> ListSql {
    let mut params = Params::default();
    let filter = where_clause(query, &mut params);
    // Unfiltered, the count is the row the triggers of migration 0003 keep.
    let count = Statement {
        sql: if filter.is_empty() {
            "SELECT n FROM phone_records_count WHERE id = 1".to_owned()
        } else {
            format!("SELECT COUNT(*) AS n FROM phone_records{filter}")
        },
        params: params.0.clone(),
    };
    let limit = params.bind(SqlValue::Int(i64::from(query.page.page_size)));
    let offset = params.bind(SqlValue::Int(query.page.offset() as i64));
    let page = Statement {
        sql: format!(
            "SELECT id, {} AS j FROM phone_records{filter}{} LIMIT {limit} OFFSET {offset}",
            record_json(KeyOrder::Name, query.fields.as_ref()),
            order_clause(&query.order())
        ),
        params: params.0,
    };
    ListSql {
        count,
        page,
        filtered: !filter.is_empty(),
    }
}

/// The key of a summary group as an SQL expression. A call's local date is
/// the first 10 characters of its stored RFC 3339 text (the offset it was
/// recorded with); its ISO week is that of the Thursday of its Monday-based
/// week (`strftime('%V')` is too new for every SQLite).
pub fn group_key(group_by: GroupBy) -> String {
    const DATE: &str = "substr(call_timestamp, 1, 10)";
    match group_by {
        GroupBy::Day => DATE.to_owned(),
        GroupBy::Month => "substr(call_timestamp, 1, 7)".to_owned(),
        GroupBy::Week => {
            let thursday = format!(
                "date({DATE}, '+3 days', '-' || ((CAST(strftime('%w', {DATE}) AS INTEGER) + 6) % 7) || ' days')"
            );
            format!(
                "printf('%s-W%02d', strftime('%Y', {thursday}), (CAST(strftime('%j', {thursday}) AS INTEGER) - 1) / 7 + 1)"
            )
        }
        // `+column`: the same value, but no index can give it in order, so
        // grouping never steers SQLite away from the index of the filters
        // (a time range would otherwise walk the whole action index).
        GroupBy::Action => format!("+{}", column(Field::Action)),
        GroupBy::Outcome => format!("+{}", column(Field::Outcome)),
        GroupBy::Direction => format!("+{}", column(Field::Direction)),
    }
}

/// Decimal places of the summed hours (a sum of binary fractions would
/// otherwise answer 0.30000000000000004 for 0.1 + 0.2).
pub const HOURS_DECIMALS: u32 = 9;

/// The summary of a view as ONE statement of one row, `j`: the JSON answer
/// (shared `Summary`), written by SQLite. The view's rows are read once, into
/// the groups; the totals are the sums of the groups, and the groups' list is
/// built in the same pass over them (an ordered aggregate), so D1 reads each
/// group once more to sort it, not three times (a materialized CTE read back
/// for the totals, for the list and for its sort did: 5 × the matches by day,
/// now 3 ×). Only a view with more groups than `limit` reads its list again,
/// to cut it. Periods come in time order, the other groups most calls first
/// (then by key).
pub fn summary(query: &SummaryQuery) -> Statement {
    let mut params = Params::default();
    let filter = where_clause(&query.view, &mut params);
    let group_by = params.bind(SqlValue::Text(query.group_by.as_str().to_owned()));
    let limit = params.bind(SqlValue::Int(i64::from(query.limit)));
    let order = if query.group_by.is_period() {
        "k ASC"
    } else {
        "c DESC, k ASC"
    };
    let d = HOURS_DECIMALS;
    // `topActions`: the view's rows grouped again by matter, in the same
    // statement (its filter's parameters are the numbered ones above).
    let top = match query.top_actions {
        Some(n) => {
            let n = params.bind(SqlValue::Int(i64::from(n)));
            format!(
                ", 'topActions', json((SELECT json_group_array(json_object('key', k, 'count', c, 'actualHours', round(h, {d}))) \
                 FROM (SELECT {action} AS k, COUNT(*) AS c, TOTAL(actual_hours) AS h FROM phone_records{filter} \
                 GROUP BY 1 ORDER BY c DESC, k ASC LIMIT {n})))",
                action = group_key(GroupBy::Action),
            )
        }
        None => String::new(),
    };
    let groups = format!(
        "json_group_array(json_object('key', k, 'count', c, 'actualHours', round(h, {d})) ORDER BY {order})"
    );
    Statement {
        sql: format!(
            "SELECT json_object('groupBy', {group_by}, 'count', COALESCE(SUM(c), 0), \
             'actualHours', round(TOTAL(h), {d}), 'countIn', COALESCE(SUM(i), 0), \
             'countOut', COALESCE(SUM(c) - SUM(i), 0), 'groupCount', COUNT(*), \
             'groups', json(CASE WHEN COUNT(*) <= {limit} THEN {groups} \
             ELSE (SELECT json_group_array(json(value)) FROM json_each({groups}) WHERE key < {limit}) END){top}) AS j \
             FROM (SELECT {key} AS k, COUNT(*) AS c, TOTAL(actual_hours) AS h, \
             SUM(direction = 'in') AS i FROM phone_records{filter} GROUP BY 1)",
            key = group_key(query.group_by),
        ),
        params: params.0,
    }
}

/// The data's version (migrations/0007: random after every change), as text
/// (a 64-bit integer would lose digits as a JavaScript number), and its row.
const DATA_VERSION: &str = "CAST(data_version AS TEXT)";
const VERSION_ROW: &str = "FROM phone_records_count WHERE id = 1";

/// `expr`, unless the data is still at `version` (what `versioned_cache`
/// remembers `expr` was computed on): NULL then, without evaluating `expr`.
/// The version is bound as the next of `params`.
fn unless_at(version: Option<&str>, params: &mut Params, expr: &str) -> String {
    let known = params.bind(version.map_or(SqlValue::Null, |v| SqlValue::Text(v.to_owned())));
    format!("CASE WHEN {DATA_VERSION} = {known} THEN NULL ELSE ({expr}) END")
}

/// `stmt` (one row: `j`) as computed on the data as it is now, unless the data
/// is still at `version`: one row, `cv` (the data's version now) and `j` —
/// NULL when the version is still `version`, without running `stmt` (one row
/// read), else `stmt`'s answer.
pub fn unless_unchanged(stmt: Statement, version: Option<&str>) -> Statement {
    let mut params = Params(stmt.params);
    let j = unless_at(version, &mut params, &stmt.sql);
    Statement {
        sql: format!("SELECT {DATA_VERSION} AS cv, {j} AS j {VERSION_ROW}"),
        params: params.0,
    }
}

/// Whether an error is SQLite's "string or blob too big": D1 refuses any
/// string over 2 MB, the list's one-string page included.
pub fn is_too_big(error: &str) -> bool {
    error.contains("too big") || error.contains("TOOBIG")
}

/// The page's records as one JSON array, in the page's order (the
/// subquery's: its LIMIT keeps SQLite from flattening it, so the rows arrive
/// sorted).
fn page_array(page: &str) -> String {
    format!("(SELECT '[' || COALESCE(group_concat(j, ','), '') || ']' FROM ({page}))")
}

impl ListSql {
    /// The count and the page as ONE statement of one row: `cv` (the data's
    /// version now, migrations/0007), `n` (the count) and `page` (the JSON
    /// array of the page's records, in order). Each of the two answers is
    /// computed only if the data changed since the version `versioned_cache`
    /// remembers it at (`count_at`, `page_at`): NULL then, unevaluated, so
    /// the list of unchanged data reads one row, and paging through a
    /// filtered view counts its matches once. Unfiltered, the count is the
    /// row the triggers of migration 0003 keep, read with the version.
    pub fn remembering(self, count_at: Option<&str>, page_at: Option<&str>) -> Statement {
        // The count's parameters are the first of the page's.
        let mut params = Params(self.page.params);
        let n = if self.filtered {
            unless_at(count_at, &mut params, &self.count.sql)
        } else {
            "n".to_owned()
        };
        let page = unless_at(page_at, &mut params, &page_array(&self.page.sql));
        Statement {
            sql: format!("SELECT {DATA_VERSION} AS cv, {n} AS n, {page} AS page {VERSION_ROW}"),
            params: params.0,
        }
    }
}

fn text(v: Option<&String>) -> SqlValue {
    v.map_or(SqlValue::Null, |s| SqlValue::Text(s.clone()))
}

fn int(v: Option<i64>) -> SqlValue {
    v.map_or(SqlValue::Null, SqlValue::Int)
}

fn real(v: Option<f64>) -> SqlValue {
    v.map_or(SqlValue::Null, SqlValue::Real)
}

/// The columns a new record fills, in the order `insert_values` gives them.
const INSERTED: &str = "from_participant_other, to_participant_other, direction, \
    phone_number, phone_number_type, actual_hours, notes, call_timestamp, call_at_ms, \
    outcome, action_id, from_participant_id, to_participant_id";

/// What a write answers: the id, the stored record's JSON in the contract's
/// order, and its version (`id, j, v`; the version is the ETag, not a field).
fn returning() -> String {
    format!(
        "RETURNING id, {} AS j, version AS v",
        record_json(KeyOrder::Contract, None)
    )
}

/// Stores a new record and returns it (`id, j`).
pub fn insert(rec: &CreatePhoneRecord) -> Statement {
    Statement {
        sql: format!(
            "INSERT INTO phone_records ({INSERTED}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) {}",
            returning()
        ),
        params: insert_values(rec),
    }
}

/// Stores every record or none in ONE statement (a statement is atomic; one
/// round trip and one D1 query whatever the batch's size), returning `id, j`
/// for each. The records travel as one bound JSON array of arrays, so a batch
/// of 100 binds one parameter. Ids are given in insertion order, which is the
/// order sent (`ORDER BY key`): sort the answer by id to have it in that order.
/// `refused_last` (the fault hook, tests only) gives the last record a
/// direction the table's CHECK refuses, so D1 fails the statement part-way.
pub fn insert_all(recs: &[CreatePhoneRecord], refused_last: bool) -> Statement {
    let (sql, param) = insert_rows(recs, refused_last, "");
    Statement {
        sql: format!("{sql} {}", returning()),
        params: vec![param],
    }
}

/// `INSERT … SELECT … FROM json_each(?1) <guard> ORDER BY key` and its one
/// parameter (the rows as a JSON array of arrays).
fn insert_rows(recs: &[CreatePhoneRecord], refused_last: bool, guard: &str) -> (String, SqlValue) {
    let mut rows: Vec<serde_json::Value> = recs
        .iter()
        .map(|rec| {
            serde_json::Value::Array(insert_values(rec).into_iter().map(json_value).collect())
        })
        .collect();
    if let (true, Some(serde_json::Value::Array(last))) = (refused_last, rows.last_mut()) {
        last[2] = "refused".into();
    }
    let extract: Vec<String> = (0..13).map(|i| format!("value ->> {i}")).collect();
    (
        format!(
            "INSERT INTO phone_records ({INSERTED}) SELECT {} FROM json_each(?1){guard} ORDER BY json_each.key",
            extract.join(", "),
        ),
        SqlValue::Text(serde_json::Value::Array(rows).to_string()),
    )
}

fn json_value(v: SqlValue) -> serde_json::Value {
    match v {
        SqlValue::Null => serde_json::Value::Null,
        SqlValue::Int(n) => n.into(),
        SqlValue::Real(r) => r.into(),
        SqlValue::Text(t) => t.into(),
    }
}

/// The values of `INSERTED` for a record.
fn insert_values(rec: &CreatePhoneRecord) -> Vec<SqlValue> {
    vec![
        text(rec.from_participant_other.as_ref()),
        text(rec.to_participant_other.as_ref()),
        SqlValue::Text(rec.direction.as_str().to_owned()),
        text(rec.phone_number.as_ref()),
        text(rec.phone_number_type.as_ref()),
        real(rec.actual_hours),
        text(rec.notes.as_ref()),
        SqlValue::Text(rec.call_timestamp.as_str().to_owned()),
        SqlValue::Int(rec.call_timestamp.epoch_millis()),
        SqlValue::Text(rec.outcome.clone()),
        int(rec.links.action),
        int(rec.links.from_participant),
        int(rec.links.to_participant),
    ]
}

/// One record (`id, j`), keys in `order`, with this fieldset.
pub fn get(id: i64, order: KeyOrder, fields: Option<&FieldSet>) -> Statement {
    Statement {
        sql: format!(
            "SELECT id, {} AS j, version AS v FROM phone_records WHERE id = ?1",
            record_json(order, fields)
        ),
        params: vec![SqlValue::Int(id)],
    }
}

/// Applies a partial update and returns the record (`id, j, v`); `None`
/// when nothing changes. The version goes up by one in the same statement.
/// `versions` (from `If-Match`): only when the record is at one of these
/// (no row returned otherwise: see `version_of` for why).
pub fn update(id: i64, up: &UpdatePhoneRecord, versions: Option<&[i64]>) -> Option<Statement> {
    let mut sets: Vec<(&str, SqlValue)> = Vec::new();
    let texts = [
        (Field::FromParticipantOther, &up.from_participant_other),
        (Field::ToParticipantOther, &up.to_participant_other),
        (Field::PhoneNumber, &up.phone_number),
        (Field::PhoneNumberType, &up.phone_number_type),
        (Field::Notes, &up.notes),
    ];
    for (field, patch) in texts {
        if !patch.is_unchanged() {
            sets.push((column(field), text(patch.value())));
        }
    }
    if !up.actual_hours.is_unchanged() {
        sets.push((
            column(Field::ActualHours),
            real(up.actual_hours.value().copied()),
        ));
    }
    let links: [(Field, &Patch<i64>); 3] = [
        (Field::Action, &up.links.action),
        (Field::FromParticipant, &up.links.from_participant),
        (Field::ToParticipant, &up.links.to_participant),
    ];
    for (field, patch) in links {
        if !patch.is_unchanged() {
            sets.push((column(field), int(patch.value().copied())));
        }
    }
    if let Some(d) = up.direction {
        sets.push((
            column(Field::Direction),
            SqlValue::Text(d.as_str().to_owned()),
        ));
    }
    if let Some(t) = &up.call_timestamp {
        sets.push(("call_timestamp", SqlValue::Text(t.as_str().to_owned())));
        sets.push((
            column(Field::CallTimestamp),
            SqlValue::Int(t.epoch_millis()),
        ));
    }
    if let Some(o) = &up.outcome {
        sets.push((column(Field::Outcome), SqlValue::Text(o.clone())));
    }
    if sets.is_empty() {
        return None;
    }
    let mut assignments: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(i, (col, _))| format!("{col} = ?{}", i + 1))
        .collect();
    assignments.push("version = version + 1".to_owned());
    let mut params: Vec<SqlValue> = sets.into_iter().map(|(_, v)| v).collect();
    params.push(SqlValue::Int(id));
    let mut condition = format!("id = ?{}", params.len());
    if let Some(versions) = versions {
        params.push(id_array(versions));
        condition.push_str(&format!(
            " AND version IN (SELECT value FROM json_each(?{}))",
            params.len()
        ));
    }
    Some(Statement {
        sql: format!(
            "UPDATE phone_records SET {} WHERE {condition} {}",
            assignments.join(", "),
            returning()
        ),
        params,
    })
}

/// A record's version (`v`), if it exists: after a conditional write that
/// returned no row, whether that was a missing record (404) or another
/// version (412).
pub fn version_of(id: i64) -> Statement {
    Statement {
        sql: "SELECT id, version AS v FROM phone_records WHERE id = ?1".to_owned(),
        params: vec![SqlValue::Int(id)],
    }
}

/// Deletes one record if it is at one of these versions (`If-Match`), returning its id.
pub fn delete_if_version(id: i64, versions: &[i64]) -> Statement {
    Statement {
        sql: "DELETE FROM phone_records WHERE id = ?1 AND version IN (SELECT value FROM json_each(?2)) RETURNING id"
            .to_owned(),
        params: vec![SqlValue::Int(id), id_array(versions)],
    }
}

/// The ids as one JSON array parameter, so 200 ids take one bound parameter.
fn id_array(ids: &[i64]) -> SqlValue {
    let items: Vec<String> = ids.iter().map(i64::to_string).collect();
    SqlValue::Text(format!("[{}]", items.join(",")))
}

/// The records with these ids (`id, j`, keys by name, with this fieldset), in no particular order.
pub fn get_many(ids: &[i64], fields: Option<&FieldSet>) -> Statement {
    Statement {
        sql: format!(
            "SELECT id, {} AS j FROM phone_records WHERE id IN (SELECT value FROM json_each(?1))",
            record_json(KeyOrder::Name, fields)
        ),
        params: vec![id_array(ids)],
    }
}

/// Deletes all of the records with these ids, or none when any is missing:
/// one statement, so nothing can slip in between the check and the delete.
pub fn delete_all_or_none(ids: &[i64]) -> Statement {
    Statement {
        sql: "DELETE FROM phone_records WHERE id IN (SELECT value FROM json_each(?1)) \
              AND (SELECT COUNT(*) FROM phone_records WHERE id IN (SELECT value FROM json_each(?1))) = ?2 \
              RETURNING id"
            .to_owned(),
        params: vec![id_array(ids), SqlValue::Int(ids.len() as i64)],
    }
}

/// Which of these ids exist.
pub fn existing_ids(ids: &[i64]) -> Statement {
    Statement {
        sql: "SELECT id FROM phone_records WHERE id IN (SELECT value FROM json_each(?1))"
            .to_owned(),
        params: vec![id_array(ids)],
    }
}

/// How long an idempotency key's answer is remembered: 24 hours.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// Expired keys deleted by one idempotent POST, at most (so the purge costs
/// every such POST a bounded amount, and a backlog still drains).
const PURGED_PER_REQUEST: i64 = 20;

/// An idempotent create: whose key, which request, and the answer around the records.
pub struct IdempotentCreate<'a> {
    /// The token's hash (`Token::limiter_key`): keys are per token.
    pub scope: &'a str,
    pub key: &'a str,
    /// SHA-256 (hex) of the request's JSON.
    pub body_hash: &'a str,
    /// A value only this request has: the batch's statements act only on its claim.
    pub claim: &'a str,
    pub now_ms: i64,
    /// One record (`Location` and `ETag` are remembered) or an array of them.
    pub one: bool,
    /// The answer's text before and after the record or the array of records.
    pub before: &'a str,
    pub after: &'a str,
    pub content_type: &'a str,
    /// The collection's URL; one record's `Location` is this, `/`, its id.
    pub collection_url: &'a str,
    /// The fault hook (tests only): the last record refused, as in `insert_all`.
    pub refused_last: bool,
}

/// The statements of an idempotent create, run as ONE D1 batch (one
/// transaction: all of them or none):
///
/// 1. up to `PURGED_PER_REQUEST` expired keys are deleted;
/// 2. the key is claimed for this request (a new row, or an expired one taken
///    over); a live key of another request is left alone;
/// 3. the records are inserted, only if the claim is this request's;
/// 4. the answer is written into the key row from the inserted rows, only if
///    the claim is this request's;
/// 5. the key row is read (`status, ct, body, location, etag, body_hash, mine`):
///    this request's answer, or the remembered one of the request that had
///    the key first.
pub fn idempotent_create(recs: &[CreatePhoneRecord], ic: &IdempotentCreate) -> Vec<Statement> {
    let key = |extra: Vec<SqlValue>| {
        let mut p = vec![
            SqlValue::Text(ic.scope.to_owned()),
            SqlValue::Text(ic.key.to_owned()),
            SqlValue::Text(ic.claim.to_owned()),
        ];
        p.extend(extra);
        p
    };
    let purge = Statement {
        sql: "DELETE FROM idempotency_keys WHERE (scope, key) IN \
              (SELECT scope, key FROM idempotency_keys WHERE expires_ms < ?1 ORDER BY expires_ms LIMIT ?2)"
            .to_owned(),
        params: vec![SqlValue::Int(ic.now_ms), SqlValue::Int(PURGED_PER_REQUEST)],
    };
    let claim = Statement {
        sql: "INSERT INTO idempotency_keys (scope, key, claim, body_hash, after_id, created_ms, expires_ms) \
              VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(id), 0) FROM phone_records), ?5, ?6) \
              ON CONFLICT (scope, key) DO UPDATE SET claim = excluded.claim, body_hash = excluded.body_hash, \
              after_id = excluded.after_id, status = NULL, content_type = NULL, body = NULL, location = NULL, \
              etag = NULL, created_ms = excluded.created_ms, expires_ms = excluded.expires_ms \
              WHERE idempotency_keys.expires_ms < excluded.created_ms"
            .to_owned(),
        params: key(vec![
            SqlValue::Text(ic.body_hash.to_owned()),
            SqlValue::Int(ic.now_ms),
            SqlValue::Int(ic.now_ms + IDEMPOTENCY_TTL_MS),
        ]),
    };
    const MINE: &str = "SELECT 1 FROM idempotency_keys WHERE scope = ?2 AND idempotency_keys.key = ?3 \
                        AND claim = ?4 AND status IS NULL";
    let (insert_sql, rows) = insert_rows(recs, ic.refused_last, &format!(" WHERE EXISTS ({MINE})"));
    let mut insert_params = vec![rows];
    insert_params.extend(key(vec![]));
    let insert = Statement {
        sql: insert_sql,
        params: insert_params,
    };
    // The records this request inserted: those above the largest id when it claimed the key.
    const NEW: &str = "phone_records WHERE id > \
                       (SELECT after_id FROM idempotency_keys WHERE scope = ?1 AND key = ?2)";
    let json = record_json(KeyOrder::Contract, None);
    let (records, location, etag) = if ic.one {
        (
            format!("(SELECT {json} FROM {NEW} ORDER BY id LIMIT 1)"),
            format!("?7 || '/' || (SELECT MIN(id) FROM {NEW})"),
            format!("(SELECT '\"' || id || '-' || version || '\"' FROM {NEW} ORDER BY id LIMIT 1)"),
        )
    } else {
        (
            // The subquery's LIMIT keeps its order (see `ListSql::combined`).
            format!(
                "(SELECT '[' || COALESCE(group_concat(j, ','), '') || ']' FROM \
                 (SELECT {json} AS j FROM {NEW} ORDER BY id LIMIT ?8))"
            ),
            "NULL".to_owned(),
            "NULL".to_owned(),
        )
    };
    let finish = Statement {
        sql: format!(
            "UPDATE idempotency_keys SET status = 200, content_type = ?4, body = ?5 || {records} || ?6, \
             location = {location}, etag = {etag} \
             WHERE scope = ?1 AND key = ?2 AND claim = ?3 AND status IS NULL"
        ),
        params: key(vec![
            SqlValue::Text(ic.content_type.to_owned()),
            SqlValue::Text(ic.before.to_owned()),
            SqlValue::Text(ic.after.to_owned()),
            SqlValue::Text(ic.collection_url.to_owned()),
            SqlValue::Int(recs.len() as i64),
        ]),
    };
    let mut finish = finish;
    if ic.one {
        // ?8 (the count) is not in one record's statement; D1 refuses extra bindings.
        finish.params.truncate(7);
    }
    let read = Statement {
        sql: "SELECT status, content_type AS ct, body, location, etag, body_hash, claim = ?3 AS mine \
              FROM idempotency_keys WHERE scope = ?1 AND key = ?2"
            .to_owned(),
        params: key(vec![]),
    };
    vec![purge, claim, insert, finish, read]
}
