//! The CSV import, without the browser: a file's rows checked with the
//! chosen columns, cut into batches, what each answer of the API means for
//! its rows, and the report. The rules themselves (targets, units, the
//! validation) are `phonerecords_shared::import`'s.

use phonerecords_shared::import::{self, CellProblem, Target};
use serde_json::Value;

use crate::csv::{self, Table};

/// One data row, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The file's line the row starts on (the header is line 1).
    pub line: usize,
    pub body: Value,
    pub problems: Vec<CellProblem>,
}

impl Checked {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }

    /// The row's problems in one sentence for the report, each named by
    /// its column's header.
    pub fn reasons(&self, header: &[String]) -> String {
        self.problems
            .iter()
            .map(|p| match p.column.and_then(|c| header.get(c)) {
                Some(h) => format!("{h}: {}", p.message),
                None => p.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Every row of the table, checked with these targets.
pub fn check(
    table: &Table,
    targets: &[Target],
    offset: &dyn Fn(&str, &str) -> String,
) -> Vec<Checked> {
    table
        .rows
        .iter()
        .map(|r| {
            let (body, problems) = import::row_body(targets, &r.cells, offset);
            Checked {
                line: r.line,
                body,
                problems,
            }
        })
        .collect()
}

/// What became of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Waiting for its batch.
    Pending,
    /// Stored, with the id the server gave it.
    Imported(i64),
    /// Not stored because of the row itself (the preview's problems or the
    /// server's): fix it and import it again.
    Skipped(String),
    /// Not stored because the import stopped before its batch (cancelled,
    /// or the server refused or failed): import it again.
    NotImported(String),
    /// Sent, but no answer came: it may or may not be stored.
    Unconfirmed(String),
}

impl Outcome {
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Imported(_) => "imported",
            Outcome::Skipped(_) => "skipped",
            Outcome::NotImported(_) => "not imported",
            Outcome::Unconfirmed(_) => "unconfirmed",
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            Outcome::Skipped(r) | Outcome::NotImported(r) | Outcome::Unconfirmed(r) => r,
            Outcome::Pending | Outcome::Imported(_) => "",
        }
    }
}

/// One batch: up to 100 rows sent in one atomic request.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// 1, 2, …
    pub number: usize,
    /// Indexes into the checked rows still to send.
    pub rows: Vec<usize>,
    /// How often rows of it were sent again without rows the server
    /// refused (each time a new body, so a new key).
    pub resend: u32,
}

impl Batch {
    /// The batch's `Idempotency-Key`: the same on every retry of the same
    /// body (a lost answer is replayed, nothing stored twice), another for
    /// a body without refused rows.
    pub fn key(&self, import_id: &str) -> String {
        format!("{import_id}-b{}-{}", self.number, self.resend)
    }

    /// `{"phonerecords":[…]}`: the API's atomic batch create.
    pub fn body(&self, rows: &[Checked]) -> Value {
        let records: Vec<Value> = self.rows.iter().map(|i| rows[*i].body.clone()).collect();
        serde_json::json!({ phonerecords_shared::body::RESOURCE: records })
    }
}

/// The rows ready to import, in batches within the API's limits.
pub fn batches(rows: &[Checked]) -> Vec<Batch> {
    let ready: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].is_ready()).collect();
    let sizes: Vec<usize> = ready
        .iter()
        .map(|i| serde_json::to_string(&rows[*i].body).map_or(0, |s| s.len()))
        .collect();
    import::batches(&sizes)
        .into_iter()
        .enumerate()
        .map(|(n, b)| Batch {
            number: n + 1,
            rows: b.into_iter().map(|k| ready[k]).collect(),
            resend: 0,
        })
        .collect()
}

/// The server's answer to a batch, as the import needs to tell it apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// Stored, all of them: the new ids in the order sent.
    Stored(Vec<i64>),
    /// 422: nothing stored; the problems, by path (`phonerecords[3].outcome`).
    Refused(Vec<(String, String)>),
    /// Worth sending again with the same key (no answer, 5xx, 409, 429).
    Retry(String),
    /// Not worth sending again (401, another 4xx).
    Fatal(String),
}

/// What to do after an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// On to the next batch.
    Done,
    /// The rows the server refused are skipped; send the batch again
    /// without them (a new key).
    Resend,
    /// Send the same body again, with the same key.
    Retry,
    /// Stop the import here.
    Stop(String),
}

/// How often a batch is sent again after no answer (with its key): after
/// 0.5, 1, 2 and 4 seconds.
pub const RETRIES: u32 = 4;

/// Applies an answer to the batch's rows; `tries` is how often this body
/// was sent.
pub fn apply(batch: &mut Batch, answer: Answer, tries: u32, outcomes: &mut [Outcome]) -> Next {
    match answer {
        Answer::Stored(ids) if ids.len() == batch.rows.len() => {
            for (i, id) in batch.rows.iter().zip(ids) {
                outcomes[*i] = Outcome::Imported(id);
            }
            batch.rows.clear();
            Next::Done
        }
        Answer::Stored(_) => Next::Stop(format!(
            "The server's answer to batch {} did not list every call; check the list before importing again.",
            batch.number
        )),
        Answer::Refused(problems) => {
            let mut refused: Vec<(usize, Vec<String>)> = Vec::new();
            for (path, detail) in &problems {
                let Some((k, _)) =
                    import::batch_error_index(path).filter(|(k, _)| *k < batch.rows.len())
                else {
                    return Next::Stop(format!(
                        "The server refused batch {}: {detail}",
                        batch.number
                    ));
                };
                match refused.iter_mut().find(|(r, _)| *r == k) {
                    Some((_, d)) => d.push(detail.clone()),
                    None => refused.push((k, vec![detail.clone()])),
                }
            }
            if refused.is_empty() {
                return Next::Stop(format!("The server refused batch {}.", batch.number));
            }
            for (k, details) in &refused {
                outcomes[batch.rows[*k]] =
                    Outcome::Skipped(format!("refused by the server: {}", details.join("; ")));
            }
            let keep: Vec<usize> = batch
                .rows
                .iter()
                .enumerate()
                .filter(|(k, _)| !refused.iter().any(|(r, _)| r == k))
                .map(|(_, i)| *i)
                .collect();
            batch.rows = keep;
            batch.resend += 1;
            if batch.rows.is_empty() {
                Next::Done
            } else {
                Next::Resend
            }
        }
        Answer::Retry(_) if tries <= RETRIES => Next::Retry,
        Answer::Retry(reason) => {
            for i in &batch.rows {
                outcomes[*i] = Outcome::Unconfirmed(format!(
                    "batch {} was sent but no answer came ({reason}); it may be stored: check the list before importing this row again",
                    batch.number
                ));
            }
            batch.rows.clear();
            Next::Stop(format!("Batch {} got no answer: {reason}", batch.number))
        }
        Answer::Fatal(reason) => Next::Stop(format!(
            "The server refused batch {}: {reason}",
            batch.number
        )),
    }
}

/// After a stop or a cancel: every row still pending, with why.
pub fn not_imported(outcomes: &mut [Outcome], reason: &str) {
    for o in outcomes.iter_mut().filter(|o| **o == Outcome::Pending) {
        *o = Outcome::NotImported(reason.to_owned());
    }
}

/// Counts of each outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    pub imported: usize,
    pub skipped: usize,
    pub not_imported: usize,
    pub unconfirmed: usize,
    pub pending: usize,
}

pub fn counts(outcomes: &[Outcome]) -> Counts {
    let mut c = Counts::default();
    for o in outcomes {
        match o {
            Outcome::Pending => c.pending += 1,
            Outcome::Imported(_) => c.imported += 1,
            Outcome::Skipped(_) => c.skipped += 1,
            Outcome::NotImported(_) => c.not_imported += 1,
            Outcome::Unconfirmed(_) => c.unconfirmed += 1,
        }
    }
    c
}

fn calls(n: usize) -> String {
    format!("{n} {}", if n == 1 { "call" } else { "calls" })
}

fn rows(n: usize) -> String {
    format!("{n} {}", if n == 1 { "row" } else { "rows" })
}

/// The report's first sentence.
pub fn summary(c: Counts) -> String {
    let mut parts = vec![format!("Imported {}", calls(c.imported))];
    if c.skipped > 0 {
        parts.push(format!("skipped {} with problems", rows(c.skipped)));
    }
    if c.not_imported > 0 {
        parts.push(format!("{} not imported", rows(c.not_imported)));
    }
    if c.unconfirmed > 0 {
        parts.push(format!("{} unconfirmed", rows(c.unconfirmed)));
    }
    format!("{}.", parts.join("; "))
}

/// The report as CSV: for every row of the file, its line, what became of
/// it, the new record's id, the reason, then the row's own cells (so the
/// skipped rows can be fixed in the report and imported again: the four
/// `import_` columns are not imported).
pub fn report_csv(table: &Table, outcomes: &[Outcome]) -> String {
    let mut head: Vec<&str> = vec!["import_row", "import_status", "import_id", "import_reason"];
    head.extend(table.header.iter().map(String::as_str));
    let mut out = csv::write_row(&head);
    for (row, outcome) in table.rows.iter().zip(outcomes) {
        let line = row.line.to_string();
        let id = match outcome {
            Outcome::Imported(id) => id.to_string(),
            _ => String::new(),
        };
        let mut cells: Vec<&str> = vec![&line, outcome.status(), &id, outcome.reason()];
        cells.extend(row.cells.iter().map(String::as_str));
        out.push_str(&csv::write_row(&cells));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        csv::parse(text).unwrap()
    }

    fn utc(_: &str, _: &str) -> String {
        "Z".into()
    }

    fn checked(t: &Table) -> Vec<Checked> {
        let targets = import::guess_all(&t.header, &[]);
        check(t, &targets, &utc)
    }

    const FILE: &str = "Start time,Direction,Result,Minutes\n\
        2025-09-17 09:00,in,Done,15\n\
        2025-09-17 10:00,sideways,Done,5\n\
        2025-09-17 11:00,out,,x\n\
        2025-09-17 12:00,out,Left a message,1.5\n";

    #[test]
    fn rows_with_problems_are_skipped_and_the_rest_batched() {
        let t = table(FILE);
        let rows = checked(&t);
        assert_eq!(
            rows.iter().map(Checked::is_ready).collect::<Vec<_>>(),
            vec![true, false, false, true]
        );
        assert_eq!(
            rows[2].reasons(&t.header),
            "Result: outcome is required; Minutes: “x” is not a duration in minutes such as 15"
        );
        assert_eq!(rows[0].body["callTimestamp"], "2025-09-17T09:00:00Z");
        assert_eq!(rows[3].body["actualHours"], 0.025);
        let b = batches(&rows);
        assert_eq!(
            b,
            vec![Batch {
                number: 1,
                rows: vec![0, 3],
                resend: 0
            }]
        );
        assert_eq!(b[0].key("abc"), "abc-b1-0");
        assert_eq!(
            b[0].body(&rows)["phonerecords"].as_array().unwrap().len(),
            2
        );
    }

    #[test]
    fn refused_rows_are_skipped_with_the_servers_reason_and_the_rest_sent_again_with_a_new_key() {
        let mut outcomes = vec![Outcome::Pending; 4];
        let mut batch = Batch {
            number: 2,
            rows: vec![0, 1, 3],
            resend: 0,
        };
        let next = apply(
            &mut batch,
            Answer::Refused(vec![(
                "phonerecords[1].outcome".into(),
                "outcome must not be blank".into(),
            )]),
            1,
            &mut outcomes,
        );
        assert_eq!(next, Next::Resend);
        assert_eq!(batch.rows, vec![0, 3]);
        assert_eq!(batch.key("abc"), "abc-b2-1");
        assert_eq!(
            outcomes[1],
            Outcome::Skipped("refused by the server: outcome must not be blank".into())
        );
        assert_eq!(
            apply(&mut batch, Answer::Stored(vec![7, 8]), 1, &mut outcomes),
            Next::Done
        );
        assert_eq!(outcomes[0], Outcome::Imported(7));
        assert_eq!(outcomes[3], Outcome::Imported(8));
        assert_eq!(outcomes[2], Outcome::Pending);
    }

    #[test]
    fn no_answer_is_retried_with_the_same_key_then_reported_unconfirmed() {
        let mut outcomes = vec![Outcome::Pending; 2];
        let mut batch = Batch {
            number: 1,
            rows: vec![0, 1],
            resend: 0,
        };
        for tries in 1..=RETRIES {
            assert_eq!(
                apply(
                    &mut batch,
                    Answer::Retry("offline".into()),
                    tries,
                    &mut outcomes
                ),
                Next::Retry
            );
        }
        assert_eq!(batch.key("k"), "k-b1-0");
        let next = apply(
            &mut batch,
            Answer::Retry("offline".into()),
            RETRIES + 1,
            &mut outcomes,
        );
        assert!(matches!(next, Next::Stop(_)));
        assert_eq!(outcomes[0].status(), "unconfirmed");
    }

    #[test]
    fn a_refusal_that_names_no_row_stops_the_import() {
        let mut outcomes = vec![Outcome::Pending; 1];
        let mut batch = Batch {
            number: 3,
            rows: vec![0],
            resend: 0,
        };
        let next = apply(
            &mut batch,
            Answer::Refused(vec![("".into(), "Idempotency-Key reused".into())]),
            1,
            &mut outcomes,
        );
        assert_eq!(
            next,
            Next::Stop("The server refused batch 3: Idempotency-Key reused".into())
        );
        not_imported(&mut outcomes, "not sent: the import stopped");
        assert_eq!(
            outcomes[0],
            Outcome::NotImported("not sent: the import stopped".into())
        );
    }

    #[test]
    fn the_report_lists_every_row_and_can_be_imported_again() {
        let t = table(FILE);
        let rows = checked(&t);
        let mut outcomes: Vec<Outcome> = rows
            .iter()
            .map(|r| {
                if r.is_ready() {
                    Outcome::Pending
                } else {
                    Outcome::Skipped(r.reasons(&t.header))
                }
            })
            .collect();
        outcomes[0] = Outcome::Imported(41);
        not_imported(&mut outcomes, "cancelled before batch 2");
        let c = counts(&outcomes);
        assert_eq!((c.imported, c.skipped, c.not_imported), (1, 2, 1));
        assert_eq!(
            summary(c),
            "Imported 1 call; skipped 2 rows with problems; 1 row not imported."
        );
        let report = report_csv(&t, &outcomes);
        let back = csv::parse(&report).unwrap();
        assert_eq!(
            back.header[..5],
            [
                "import_row",
                "import_status",
                "import_id",
                "import_reason",
                "Start time"
            ]
        );
        assert_eq!(back.rows[0].cells[..4], ["2", "imported", "41", ""]);
        assert_eq!(
            back.rows[1].cells[1..4],
            [
                "skipped",
                "",
                "Direction: direction must be \"in\" or \"out\""
            ]
        );
        assert_eq!(
            back.rows[3].cells[..4],
            ["5", "not imported", "", "cancelled before batch 2"]
        );
        let again = import::guess_all(&back.header, &[]);
        assert_eq!(
            again[..4],
            [Target::Ignore; 4],
            "the report's own columns are not imported"
        );
        assert_eq!(
            again[4],
            Target::Field(phonerecords_shared::Field::CallTimestamp)
        );
    }
}
