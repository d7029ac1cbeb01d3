//! Calendar dates and the three timestamp syntaxes the rules read, without
//! chrono: its general parsing and formatting machinery was about 36 KB of
//! the UI's wasm (issue 13). Each parser accepts exactly what the chrono call
//! it replaces accepted (`NaiveDate::parse_from_str(s, "%Y-%m-%d")`,
//! `NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")`,
//! `DateTime::parse_from_rfc3339`), which the tests below check against
//! chrono itself (kept for native builds only, as that reference).

/// chrono's range of years.
const MIN_YEAR: i64 = -262_143;
const MAX_YEAR: i64 = 262_142;
const DAY_MS: i64 = 86_400_000;

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

pub fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let ok = (MIN_YEAR..=MAX_YEAR).contains(&i64::from(year))
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        ok.then_some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month, day)
    }

    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch().checked_add(n)?)
    }

    /// 0 for Monday … 6 for Sunday.
    pub fn weekday_from_monday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }

    /// The ISO 8601 week: (its year, its number 1–53).
    pub fn iso_week(self) -> (i32, u32) {
        let thursday = self
            .add_days(3 - i64::from(self.weekday_from_monday()))
            .unwrap_or(self);
        let jan1 = Date {
            year: thursday.year,
            month: 1,
            day: 1,
        };
        let week = (thursday.days_since_epoch() - jan1.days_since_epoch()) / 7 + 1;
        (thursday.year, week as u32)
    }

    /// The Monday of an ISO week (`None` past the year's last week).
    pub fn from_iso_week(year: i32, week: u32) -> Option<Date> {
        let jan4 = Date::new(year, 1, 4)?;
        let monday =
            jan4.add_days(-i64::from(jan4.weekday_from_monday()) + 7 * (i64::from(week) - 1))?;
        (week >= 1 && monday.add_days(3)?.iso_week() == (year, week)).then_some(monday)
    }

    /// `%Y-%m-%d` as chrono reads it: each number after optional whitespace;
    /// the year 1–4 digits, or any number of them after a sign; month and
    /// day 1–2 digits.
    pub fn parse(s: &str) -> Option<Date> {
        let (date, rest) = parse_ymd(s)?;
        rest.is_empty().then_some(date)
    }

    /// `2025-03-10` (chrono's `%Y-%m-%d`: a sign and at least 4 digits
    /// outside years 0–9999).
    pub fn ymd(self) -> String {
        format!("{}-{:02}-{:02}", self.year_text(), self.month, self.day)
    }

    /// `2025-03` (chrono's `%Y-%m`).
    pub fn ym(self) -> String {
        format!("{}-{:02}", self.year_text(), self.month)
    }

    /// The year as chrono's `%Y` writes it.
    pub fn year_text(self) -> String {
        if (0..=9999).contains(&self.year) {
            format!("{:04}", self.year)
        } else {
            format!("{:+05}", self.year)
        }
    }

    /// "Mar" (chrono's `%b`).
    pub fn short_month_name(self) -> &'static str {
        const NAMES: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        NAMES[self.month as usize - 1]
    }
}

/// A number as chrono's strftime parser reads one: whitespace, then 1 to
/// `max` ASCII digits.
fn number(s: &str, max: usize) -> Option<(i64, &str)> {
    digits(s.trim_start(), max)
}

/// 1 to `max` ASCII digits.
fn digits(s: &str, max: usize) -> Option<(i64, &str)> {
    let count = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if count == 0 {
        return None;
    }
    let mut n = 0i64;
    for b in s[..count].bytes() {
        n = n.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    Some((n, &s[count..]))
}

fn literal<'a>(s: &'a str, lit: char) -> Option<&'a str> {
    s.strip_prefix(lit)
}

fn parse_ymd(s: &str) -> Option<(Date, &str)> {
    let t = s.trim_start();
    let (year, s) = match t.as_bytes().first() {
        Some(b'-') => {
            let (v, s) = digits(&t[1..], usize::MAX)?;
            (-v, s)
        }
        Some(b'+') => digits(&t[1..], usize::MAX)?,
        _ => number(t, 4)?,
    };
    let s = literal(s, '-')?;
    let (month, s) = number(s, 2)?;
    let s = literal(s, '-')?;
    let (day, s) = number(s, 2)?;
    let date = Date::new(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )?;
    Some((date, s))
}

/// `.` and 1 or more digits: nanoseconds from the first 9, the rest skipped.
fn fraction(s: &str) -> Option<(i64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let mut nanos = 0i64;
    for i in 0..9 {
        nanos = nanos * 10
            + s.as_bytes()
                .get(i)
                .filter(|_| i < digits)
                .map_or(0, |b| i64::from(b - b'0'));
    }
    Some((nanos, &s[digits..]))
}

/// Milliseconds since the epoch as chrono's `timestamp_millis` gives them
/// (a leap second 60 counts as a 60th second).
fn epoch_millis(date: Date, seconds_of_day: i64, nanos: i64) -> i64 {
    date.days_since_epoch() * DAY_MS + seconds_of_day * 1000 + nanos / 1_000_000
}

/// `%Y-%m-%dT%H:%M:%S%.f` as chrono reads it (a UTC date and time): the
/// milliseconds since the epoch.
pub fn parse_naive_datetime_millis(s: &str) -> Option<i64> {
    let (date, s) = parse_ymd(s)?;
    let s = literal(s, 'T')?;
    let (hour, s) = number(s, 2)?;
    let s = literal(s, ':')?;
    let (minute, s) = number(s, 2)?;
    let s = literal(s, ':')?;
    let (second, s) = number(s, 2)?;
    let (nanos, s) = match s.strip_prefix('.') {
        Some(f) => fraction(f)?,
        None => (0, s),
    };
    if !s.is_empty() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(epoch_millis(
        date,
        hour * 3600 + minute * 60 + second,
        nanos,
    ))
}

/// An RFC 3339 time as chrono's `parse_from_rfc3339` reads it: the
/// milliseconds since the epoch and the offset in seconds.
pub fn parse_rfc3339(s: &str) -> Option<(i64, i32)> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let d = |i: usize| b[i].is_ascii_digit().then(|| i64::from(b[i] - b'0'));
    let two = |i: usize| Some(d(i)? * 10 + d(i + 1)?);
    let year = two(0)? * 100 + two(2)?;
    let (month, day) = (two(5)?, two(8)?);
    let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b't' | b'T' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = Date::new(year as i32, month as u32, day as u32)?;
    let (nanos, rest) = match b.get(19) {
        Some(b'.') => fraction(&s[20..])?,
        _ => (0, &s[19..]),
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let (negative, r) = if let Some(r) = rest.strip_prefix('+') {
                (false, r)
            } else if let Some(r) = rest
                .strip_prefix('-')
                .or_else(|| rest.strip_prefix('\u{2212}'))
            {
                (true, r)
            } else {
                return None;
            };
            let rb = r.as_bytes();
            if rb.len() != 5 || rb[2] != b':' || !rb[3].is_ascii_digit() || rb[3] > b'5' {
                return None;
            }
            let digit = |i: usize| rb[i].is_ascii_digit().then(|| i32::from(rb[i] - b'0'));
            let seconds = (digit(0)? * 10 + digit(1)?) * 3600 + (digit(3)? * 10 + digit(4)?) * 60;
            if seconds >= 86_400 {
                return None;
            }
            if negative { -seconds } else { seconds }
        }
    };
    let local = epoch_millis(date, hour * 3600 + minute * 60 + second, nanos);
    Some((local - i64::from(offset) * 1000, offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

    /// Inputs around every rule: widths, signs, whitespace, ranges, leap
    /// days and seconds, fractions, offsets, junk.
    fn samples() -> Vec<String> {
        let mut v: Vec<String> = [
            "",
            "2025-09-17",
            "2025-9-7",
            " 2025-09-17",
            "2025- 09-17",
            "2025-09-17 ",
            "+2025-09-17",
            "-0044-03-15",
            "+12345-01-01",
            "12345-01-01",
            "- 44-03-15",
            "+ 2025-09-17",
            " -44-03-15",
            "02025-09-17",
            "2025-13-01",
            "2025-00-10",
            "2025-02-29",
            "2024-02-29",
            "1900-02-29",
            "2000-02-29",
            "2025-04-31",
            "2025-09-17x",
            "2025/09/17",
            "2025-09",
            "yesterday",
            "١٢٣",
            "+262142-12-31",
            "+262143-01-01",
            "-262143-01-01",
            "-262144-12-31",
            "99999999999999999999-01-01",
            "2025-09-17T09:12:32",
            "2025-09-17T9:2:3",
            "2025-09-17T09:12:32.",
            "2025-09-17T09:12:32.5",
            "2025-09-17T09:12:32.123456789123",
            "2025-09-17T23:59:60",
            "2025-09-17T23:59:60.999",
            "2025-09-17T24:00:00",
            "2025-09-17T09:60:00",
            "2025-09-17t09:12:32",
            "2025-09-17 09:12:32",
            "2025-09-17T 09:12:32",
            "2025-09-17T09:12:32Z",
            "2025-09-17T09:12:32z",
            "2025-09-17T09:12:32+12:00",
            "2025-09-17T09:12:32-05:30",
            "2025-09-17T09:12:32.001-05:30",
            "2025-09-16 21:12:32.5-05:30",
            "2025-09-16t21:12:32z",
            "2025-09-17T09:12:32+25:00",
            "2025-09-17T09:12:32+23:59",
            "2025-09-17T09:12:32+24:00",
            "2025-09-17T09:12:32+12:60",
            "2025-09-17T09:12:32+1200",
            "2025-09-17T09:12:32+12",
            "2025-09-17T09:12:32+12:00 ",
            "2025-09-17T09:12:32\u{2212}03:00",
            "2025-09-17T09:12:32ZZ",
            "2025-09-17T09:12:60Z",
            "2025-09-17T09:12:60.5+01:00",
            "2025-09-17T09:12:61Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999+23:59",
            "1969-12-31T23:59:59.999Z",
            "2025-02-29T00:00:00Z",
            "2024-02-29T00:00:00Z",
            "2025-09-17T09:12:32.Z",
            "2025-09-17T09:12:32.1234567891Z",
            "2025-09-17T09:12:32+-1:00",
            "2025-09-17T09:12",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.push("2025-09-17T09:12:32.".repeat(3));
        v
    }

    #[test]
    fn dates_read_as_chrono_reads_them() {
        for s in samples() {
            let ours = Date::parse(&s).map(|d| (d.year(), d.month(), d.day()));
            let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .ok()
                .map(|d| (d.year(), d.month(), d.day()));
            assert_eq!(ours, chrono, "{s:?}");
        }
    }

    #[test]
    fn utc_date_times_read_as_chrono_reads_them() {
        for s in samples() {
            let chrono = NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc().timestamp_millis());
            assert_eq!(parse_naive_datetime_millis(&s), chrono, "{s:?}");
        }
    }

    #[test]
    fn rfc3339_reads_as_chrono_reads_it() {
        for s in samples() {
            let chrono = DateTime::parse_from_rfc3339(&s)
                .ok()
                .map(|t| (t.timestamp_millis(), t.offset().local_minus_utc()));
            assert_eq!(parse_rfc3339(&s), chrono, "{s:?}");
        }
    }

    #[test]
    fn days_weeks_and_formats_agree_with_chrono() {
        let start = NaiveDate::from_ymd_opt(1999, 12, 20).unwrap();
        for n in 0..3000 {
            let c = start + chrono::Duration::days(n);
            let d = Date::new(c.year(), c.month(), c.day()).unwrap();
            assert_eq!(
                d.days_since_epoch(),
                (c - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
            );
            assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), Some(d));
            assert_eq!(d.weekday_from_monday(), c.weekday().num_days_from_monday());
            let w = c.iso_week();
            assert_eq!(d.iso_week(), (w.year(), w.week()), "{c}");
            assert_eq!(
                Date::from_iso_week(w.year(), w.week()),
                NaiveDate::from_isoywd_opt(w.year(), w.week(), chrono::Weekday::Mon)
                    .map(|m| Date::new(m.year(), m.month(), m.day()).unwrap())
            );
            assert_eq!(d.ymd(), c.format("%Y-%m-%d").to_string());
            assert_eq!(d.ym(), c.format("%Y-%m").to_string());
            assert_eq!(d.short_month_name(), c.format("%b").to_string());
        }
        for (y, w) in [(2020, 53), (2021, 53), (2026, 53), (2025, 0), (2025, 54)] {
            assert_eq!(
                Date::from_iso_week(y, w).map(|d| d.ymd()),
                NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon).map(|d| d.to_string()),
                "{y}-W{w}"
            );
        }
        assert_eq!(Date::new(-44, 3, 15).unwrap().ymd(), "-0044-03-15");
        assert_eq!(Date::new(12345, 1, 1).unwrap().ymd(), "+12345-01-01");
    }
}
