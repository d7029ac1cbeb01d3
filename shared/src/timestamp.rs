//! `callTimestamp`: an RFC 3339 time that keeps the offset it was given.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::date::{self, Date};
use crate::fields::MAX_TIMESTAMP_CHARS;

/// The time of a call as the client wrote it (`2025-09-17T09:12:32+12:00` comes
/// back exactly so), compared and ordered as an instant.
#[derive(Clone, Debug)]
pub struct CallTimestamp {
    text: String,
    epoch_ms: i64,
    offset_seconds: i32,
}

impl CallTimestamp {
    /// Parses RFC 3339 with `Z` or a numeric offset. A lower-case `t`/`z` or a
    /// space between date and time (both allowed by RFC 3339) is stored in the
    /// canonical upper-case `T`/`Z` form; everything else is kept as written.
    pub fn parse(input: &str) -> Result<Self, String> {
        const EXAMPLE: &str =
            "use RFC 3339 with a time zone, e.g. 2025-09-17T09:12:32+12:00 or 2025-09-16T21:12:32Z";
        if input.chars().count() > MAX_TIMESTAMP_CHARS {
            return Err(format!("is too long to be a date and time; {EXAMPLE}"));
        }
        let text = canonical(input);
        match date::parse_rfc3339(&text) {
            Some((epoch_ms, offset_seconds)) => Ok(Self {
                text,
                epoch_ms,
                offset_seconds,
            }),
            None if looks_like_local_time(&text) => {
                Err(format!("has no time zone offset; {EXAMPLE}"))
            }
            None => Err(format!("is not a valid date and time; {EXAMPLE}")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant as chrono's type: a reference for native tests (the
    /// Worker's summary tests); no wasm build has chrono.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn instant(&self) -> chrono::DateTime<chrono::FixedOffset> {
        let offset =
            chrono::FixedOffset::east_opt(self.offset_seconds).expect("an offset under a day");
        chrono::DateTime::from_timestamp_millis(self.epoch_ms)
            .expect("a time within chrono's range")
            .with_timezone(&offset)
    }

    /// Milliseconds since the Unix epoch: the sortable, comparable form kept in storage.
    pub fn epoch_millis(&self) -> i64 {
        self.epoch_ms
    }

    /// The offset it was given, in seconds east of UTC.
    pub fn offset_seconds(&self) -> i32 {
        self.offset_seconds
    }

    /// The day it was in its own offset.
    pub fn local_date(&self) -> Date {
        let local = self.epoch_ms + i64::from(self.offset_seconds) * 1000;
        Date::from_days_since_epoch(local.div_euclid(86_400_000))
            .expect("a day within the parsed range")
    }
}

fn canonical(input: &str) -> String {
    let mut text: String = input.trim().to_owned();
    if text.len() > 10 && text.is_char_boundary(10) && text.is_char_boundary(11) {
        let sep = &text[10..11];
        if sep == "t" || sep == " " {
            text.replace_range(10..11, "T");
        }
    }
    if text.ends_with('z') {
        text.pop();
        text.push('Z');
    }
    text
}

/// `2025-09-17T09:12:32` (no offset): worth its own message, it is a common mistake.
fn looks_like_local_time(text: &str) -> bool {
    date::parse_naive_datetime_millis(text).is_some()
}

impl PartialEq for CallTimestamp {
    /// Same text: two timestamps naming one instant with different offsets differ as values.
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for CallTimestamp {}

impl std::fmt::Display for CallTimestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for CallTimestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CallTimestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for CallTimestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(|e| serde::de::Error::custom(format!("callTimestamp {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_offset_it_was_given() {
        let t = CallTimestamp::parse("2025-09-17T09:12:32+12:00").unwrap();
        assert_eq!(t.as_str(), "2025-09-17T09:12:32+12:00");
        assert_eq!(t.instant().offset().local_minus_utc(), 12 * 3600);
        assert_eq!(t.offset_seconds(), 12 * 3600);
        assert_eq!(t.local_date(), Date::new(2025, 9, 17).unwrap());
        assert_eq!(
            CallTimestamp::parse("2025-09-16T21:12:32Z")
                .unwrap()
                .local_date()
                .day(),
            16
        );
        assert_eq!(
            CallTimestamp::parse("1969-12-31T23:59:59.999Z")
                .unwrap()
                .local_date()
                .year(),
            1969
        );
    }

    #[test]
    fn compares_as_an_instant() {
        let nz = CallTimestamp::parse("2025-09-17T09:12:32+12:00").unwrap();
        let utc = CallTimestamp::parse("2025-09-16T21:12:32Z").unwrap();
        assert_eq!(nz.epoch_millis(), utc.epoch_millis());
        assert_ne!(nz, utc, "the texts differ, so the values do");
        let later = CallTimestamp::parse("2025-09-16T21:12:32.001Z").unwrap();
        assert_eq!(later.epoch_millis() - utc.epoch_millis(), 1);
    }

    #[test]
    fn canonicalises_rfc3339_variants() {
        assert_eq!(
            CallTimestamp::parse("2025-09-16t21:12:32z")
                .unwrap()
                .as_str(),
            "2025-09-16T21:12:32Z"
        );
        assert_eq!(
            CallTimestamp::parse("2025-09-16 21:12:32.5-05:30")
                .unwrap()
                .as_str(),
            "2025-09-16T21:12:32.5-05:30"
        );
    }

    #[test]
    fn rejects_times_without_offset_with_a_specific_message() {
        let e = CallTimestamp::parse("2025-09-17T09:12:32").unwrap_err();
        assert!(e.contains("no time zone"), "{e}");
        for bad in [
            "",
            "yesterday",
            "2025-02-30T10:00:00Z",
            "2025-09-17",
            "2025-09-17T25:00:00Z",
            "2025-09-17T09:12:32+25:00",
            "١٢٣",
        ] {
            assert!(CallTimestamp::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(CallTimestamp::parse(&"2025-09-17T09:12:32.".repeat(3)).is_err());
    }
}
