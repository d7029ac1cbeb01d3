//! Pure formatting for the UI: durations, counts, ranges, excerpts, query encoding.

/// `actualHours` as h:mm (0.25 → "0:15").
pub fn duration_hm(hours: f64) -> String {
    let minutes = (hours * 60.0).round().max(0.0) as u64;
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// A `tel:` link that dials a recorded number (a phone's dialer, or a
/// desktop's softphone): its digits, `*` and `#`, with a leading `+`; what
/// follows the first letter (`ext 23`, `x23`) is left out, so the main number
/// is dialled. `None` for a number with fewer than three digits. main.js's
/// `telHref` is the same.
pub fn tel_href(number: &str) -> Option<String> {
    let main = number
        .split(|c: char| c.is_alphabetic())
        .next()
        .unwrap_or("");
    let mut href = String::from("tel:");
    // As JavaScript's trimStart (main.js), which also drops a byte order mark.
    if main
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with('+')
    {
        href.push('+');
    }
    href.extend(
        main.chars()
            .filter(|c| c.is_ascii_digit() || *c == '*' || *c == '#'),
    );
    let digits = href.chars().filter(char::is_ascii_digit).count();
    (digits >= 3).then_some(href)
}

/// A count of calls, as every message writes one: "1 call", "2,487 calls".
pub fn calls(n: u64) -> String {
    if n == 1 {
        "1 call".into()
    } else {
        format!("{} calls", thousands(n))
    }
}

/// 2487 → "2,487".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "51–100 of 2,487" for page 2 of 50, of which `shown` records are on
/// screen ("51–99" while one of them waits for its undo window to pass; a
/// full page's worth on the last page shows what is left).
pub fn range_text(page: u64, page_size: u64, count: u64, shown: u64) -> String {
    let first = page.saturating_sub(1) * page_size + 1;
    if count == 0 || first > count || shown == 0 {
        return format!("0 of {}", thousands(count));
    }
    let last = (first + shown.min(page_size) - 1).min(count);
    format!(
        "{}–{} of {}",
        thousands(first),
        thousands(last),
        thousands(count)
    )
}

/// The first `max` characters, with an ellipsis when cut; line breaks become spaces.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters kept).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `k=v&k=v`, encoded.
pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A UTC offset in minutes as `+13:00` / `-05:30`.
pub fn offset_text(minutes_east: i32) -> String {
    let sign = if minutes_east < 0 { '-' } else { '+' };
    let m = minutes_east.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_number_dials_its_digits() {
        let tel = |n: &str| tel_href(n);
        assert_eq!(tel("+64 21 555 0142").as_deref(), Some("tel:+64215550142"));
        assert_eq!(tel("(09) 555-0199").as_deref(), Some("tel:095550199"));
        assert_eq!(
            tel(" +1.212.555.0100 ").as_deref(),
            Some("tel:+12125550100")
        );
        assert_eq!(
            tel("021 555 0142 ext 23").as_deref(),
            Some("tel:0215550142")
        );
        assert_eq!(tel("0800 83 83 83 x5").as_deref(), Some("tel:0800838383"));
        assert_eq!(tel("*555#").as_deref(), Some("tel:*555#"));
        assert_eq!(
            tel("555 +1").as_deref(),
            Some("tel:5551"),
            "a + inside is not a country code"
        );
        assert_eq!(tel("n/a"), None);
        assert_eq!(tel("\u{feff}"), None);
        assert_eq!(
            tel("\u{feff}+64 9 555 0100").as_deref(),
            Some("tel:+6495550100")
        );
        assert_eq!(tel("12"), None);
        assert_eq!(tel("٠٢١٥٥٥"), None, "only ASCII digits are dialled");
    }

    #[test]
    fn formats() {
        assert_eq!(duration_hm(0.25), "0:15");
        assert_eq!(duration_hm(1.5), "1:30");
        assert_eq!(duration_hm(0.0), "0:00");
        assert_eq!(duration_hm(1.0 / 3.0), "0:20");
        assert_eq!(thousands(2487), "2,487");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(12), "12");
        assert_eq!(range_text(2, 50, 2487, 50), "51–100 of 2,487");
        assert_eq!(range_text(50, 50, 2487, 37), "2,451–2,487 of 2,487");
        assert_eq!(range_text(50, 50, 2487, 50), "2,451–2,487 of 2,487");
        assert_eq!(range_text(1, 50, 0, 0), "0 of 0");
        // One call of the page hidden during its undo window.
        assert_eq!(range_text(1, 25, 99, 24), "1–24 of 99");
        assert_eq!(range_text(2, 25, 2, 0), "0 of 2");
        assert_eq!(excerpt("a\nb  c", 10), "a b c");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcd…");
        assert_eq!(encode("a b+c/é"), "a%20b%2Bc%2F%C3%A9");
        assert_eq!(offset_text(780), "+13:00");
        assert_eq!(offset_text(-330), "-05:30");
        assert_eq!(offset_text(0), "+00:00");
    }
}
