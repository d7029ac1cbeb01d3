//! What a request cost in D1 — rows read and written, round trips and
//! statements — summed from D1's own `meta` and reported in `Server-Timing`,
//! so the cost of each request can be measured from outside (scripts/bench).

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct D1Usage {
    pub rows_read: u64,
    pub rows_written: u64,
    /// Round trips to D1.
    pub calls: u32,
    /// SQL statements run (D1 counts each as a query against its limits).
    pub statements: u32,
    /// D1's own time for the statements, in milliseconds.
    pub duration_ms: f64,
}

impl D1Usage {
    /// Counts one round trip of one statement, with what its `meta` said.
    pub fn add_statement(
        &mut self,
        rows_read: Option<f64>,
        rows_written: Option<f64>,
        duration_ms: Option<f64>,
    ) {
        self.calls += 1;
        self.statements += 1;
        self.rows_read += rows_read.unwrap_or(0.0) as u64;
        self.rows_written += rows_written.unwrap_or(0.0) as u64;
        self.duration_ms += duration_ms.unwrap_or(0.0);
    }

    /// The `Server-Timing` value:
    /// `d1;dur=…;desc="rows_read=… rows_written=… calls=… statements=…"`.
    pub fn server_timing(&self) -> String {
        // Microseconds written as milliseconds with three decimals, without
        // the float formatting machinery (it would add kilobytes to the Worker).
        let us = (self.duration_ms * 1000.0).round() as u64;
        format!(
            "d1;dur={}.{:03};desc=\"rows_read={} rows_written={} calls={} statements={}\"",
            us / 1000,
            us % 1000,
            self.rows_read,
            self.rows_written,
            self.calls,
            self.statements
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_what_each_statement_cost() {
        let mut u = D1Usage::default();
        u.add_statement(Some(51.0), Some(0.0), Some(0.25));
        assert_eq!(
            u.server_timing(),
            "d1;dur=0.250;desc=\"rows_read=51 rows_written=0 calls=1 statements=1\""
        );
        u.add_statement(Some(3.0), Some(4.0), Some(12.0));
        assert!(
            u.server_timing().starts_with("d1;dur=12.250;"),
            "{}",
            u.server_timing()
        );
        u.add_statement(None, None, None);
        assert_eq!(
            (u.rows_read, u.rows_written, u.calls, u.statements),
            (54, 4, 3, 3)
        );
    }
}
