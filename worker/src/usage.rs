//! What a request cost in D1 — rows read and written, and round trips —
//! summed from D1's own `meta` and reported in `Server-Timing`, so the cost
//! of each request can be measured from outside (scripts/bench).

use worker::D1ResultMeta;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct D1Usage {
    pub rows_read: u64,
    pub rows_written: u64,
    /// Round trips to D1 (a batch is one).
    pub calls: u32,
    /// D1's own time for the statements, in milliseconds.
    pub duration_ms: f64,
}

impl D1Usage {
    /// Counts one round trip, made of statements with these metas.
    pub fn add_call<'a>(&mut self, metas: impl IntoIterator<Item = Option<&'a D1ResultMeta>>) {
        self.calls += 1;
        for m in metas.into_iter().flatten() {
            self.rows_read += m.rows_read.unwrap_or(0) as u64;
            self.rows_written += m.rows_written.unwrap_or(0) as u64;
            self.duration_ms += m.duration.unwrap_or(0.0);
        }
    }

    /// The `Server-Timing` value: `d1;dur=…;desc="rows_read=… rows_written=… calls=…"`.
    pub fn server_timing(&self) -> String {
        format!(
            "d1;dur={:.3};desc=\"rows_read={} rows_written={} calls={}\"",
            self.duration_ms, self.rows_read, self.rows_written, self.calls
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(read: usize, written: usize) -> D1ResultMeta {
        D1ResultMeta {
            changed_db: None,
            changes: None,
            duration: Some(0.25),
            last_row_id: None,
            rows_read: Some(read),
            rows_written: Some(written),
            size_after: None,
        }
    }

    #[test]
    fn sums_a_batch_as_one_call() {
        let mut u = D1Usage::default();
        let (a, b) = (meta(1, 0), meta(50, 0));
        u.add_call([Some(&a), Some(&b)]);
        assert_eq!(
            u.server_timing(),
            "d1;dur=0.500;desc=\"rows_read=51 rows_written=0 calls=1\""
        );
        let c = meta(3, 4);
        u.add_call([Some(&c), None]);
        assert_eq!((u.rows_read, u.rows_written, u.calls), (54, 4, 2));
    }
}
