//! A small CSV reader and writer (RFC 4180): quoted cells with doubled
//! quotes, line breaks inside quotes, CRLF, LF or CR line ends, a UTF-8
//! byte-order mark ignored, and `;` or tab instead of `,` when the header
//! row uses them (spreadsheets in many locales write `;`).

/// A file's rows (the first is the header), without blank lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// A data row and the line of the file it starts on (the header is line 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// The separator the header row uses most, outside quotes.
fn delimiter(text: &str) -> char {
    let mut counts = [(',', 0), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                if let Some(n) = counts.iter_mut().find(|(d, _)| *d == c) {
                    n.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold(
            (',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

/// Reads a whole file. An error says where a quote was left open.
pub fn parse(text: &str) -> Result<Table, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = delimiter(text);
    let mut rows: Vec<Row> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut row_line = 1;
    let mut quoted = false;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    let mut end_row = |cells: &mut Vec<String>, cell: &mut String, row_line: usize| {
        cells.push(std::mem::take(cell));
        let row = std::mem::take(cells);
        if !(row.len() == 1 && row[0].is_empty()) {
            rows.push(Row {
                line: row_line,
                cells: row,
            });
        }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push(c);
                }
                '\r' => {
                    if chars.peek() != Some(&'\n') {
                        line += 1;
                    }
                    cell.push(c);
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => {
                quoted = true;
                quote_line = line;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_row(&mut cells, &mut cell, row_line);
                line += 1;
                row_line = line;
            }
            c if c == sep => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "The file is not valid CSV: a quote opened on line {quote_line} is never closed."
        ));
    }
    if !cell.is_empty() || !cells.is_empty() {
        end_row(&mut cells, &mut cell, row_line);
    }
    let mut rows = rows.into_iter();
    let header = rows.next().ok_or("The file is empty.")?.cells;
    Ok(Table {
        header,
        rows: rows.collect(),
    })
}

/// One line of CSV (CRLF ended): cells quoted when they hold a separator,
/// a quote or a line break, and a `'` before a cell a spreadsheet would run
/// as a formula (as the export does).
pub fn write_row(cells: &[&str]) -> String {
    let mut out = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let guarded;
        let cell = if cell.starts_with(phonerecords_shared::import::FORMULA_STARTS) {
            guarded = format!("'{cell}");
            guarded.as_str()
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn reads_quotes_doubled_quotes_and_line_breaks_inside_quotes() {
        let t = parse("\u{feff}a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\r\nlines\"\r\n\r\n2,,\"\"\r\n")
            .unwrap();
        assert_eq!(t.header, vec!["a", "b", "c"]);
        assert_eq!(
            cells(&t),
            vec![vec!["1", "x, \"y\"", "two\r\nlines"], vec!["2", "", ""]]
        );
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(
            t.rows[1].line, 5,
            "a quoted line break and a blank line count as lines"
        );
    }

    #[test]
    fn reads_lf_and_cr_line_ends_and_a_last_line_without_one() {
        let t = parse("a,b\n1,2\r3,4").unwrap();
        assert_eq!(cells(&t), vec![vec!["1", "2"], vec!["3", "4"]]);
        assert_eq!(t.rows[1].line, 3);
    }

    #[test]
    fn finds_semicolons_and_tabs_from_the_header() {
        assert_eq!(
            cells(&parse("a;b\n1,5;2\n").unwrap()),
            vec![vec!["1,5", "2"]]
        );
        assert_eq!(cells(&parse("a\tb\n1\t2\n").unwrap()), vec![vec!["1", "2"]]);
        assert_eq!(
            cells(&parse("\"a;x\",b\n1,2\n").unwrap()),
            vec![vec!["1", "2"]]
        );
    }

    #[test]
    fn says_where_a_quote_is_left_open() {
        assert_eq!(
            parse("a,b\n1,2\n3,\"open\n").unwrap_err(),
            "The file is not valid CSV: a quote opened on line 3 is never closed."
        );
        assert_eq!(parse("").unwrap_err(), "The file is empty.");
        assert_eq!(parse("\r\n\r\n").unwrap_err(), "The file is empty.");
    }

    #[test]
    fn writes_what_it_reads_and_guards_formulas() {
        let line = write_row(&["1", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1)", ""]);
        assert_eq!(
            line,
            "1,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=SUM(A1),\r\n"
        );
        let back = parse(&format!("h1,h2,h3,h4,h5,h6\r\n{line}")).unwrap();
        assert_eq!(
            cells(&back),
            vec![vec![
                "1",
                "a,b",
                "say \"hi\"",
                "two\nlines",
                "'=SUM(A1)",
                ""
            ]]
        );
    }

    #[test]
    fn reads_the_exports_csv() {
        // As worker/src/export.rs writes it: text always quoted, a guard before formulas.
        let t = parse("id,fromParticipantOther,direction,phoneNumber,actualHours,notes,callTimestamp,outcome,action\r\n\
            7,\"Zoë \"\"Z\"\" Smith\",in,\"'+64 9 555 0101\",0.25,\"Line one\nline two\",2025-09-17T09:12:32+12:00,\"Call completed\",321845\r\n").unwrap();
        assert_eq!(t.rows[0].cells[1], "Zoë \"Z\" Smith");
        assert_eq!(
            phonerecords_shared::import::without_formula_guard(&t.rows[0].cells[3]),
            "+64 9 555 0101"
        );
    }
}
