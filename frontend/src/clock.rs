//! The browser's clock and time zone.

use js_sys::{Date, Object, Reflect};
use phonerecords_shared::CallTimestamp;
use wasm_bindgen::JsValue;

use crate::format::offset_text;

fn parts(date: &str, time: &str) -> Option<(u32, i32, i32, i32, i32, i32)> {
    let mut d = date.split('-').map(|p| p.parse::<i32>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':').map(|p| p.parse::<i32>().ok());
    let (h, mi) = (t.next()??, t.next()??);
    let s = t.next().flatten().unwrap_or(0);
    Some((y as u32, m - 1, day, h, mi, s))
}

/// The browser's UTC offset at that local date and time (`+13:00`), which
/// changes with daylight saving; the current offset if the input is incomplete.
pub fn local_offset(date: &str, time: &str) -> String {
    let d = match parts(date, time) {
        Some((y, m, day, h, mi, s)) => {
            Date::new_with_year_month_day_hr_min_sec(y, m, day, h, mi, s)
        }
        None => Date::new_0(),
    };
    offset_text(-(d.get_timezone_offset() as i32))
}

/// The person's own today (the filters' named date ranges).
pub fn today() -> phonerecords_shared::date::Date {
    let d = Date::new_0();
    let day = phonerecords_shared::date::Date::new(
        d.get_full_year() as i32,
        d.get_month() + 1,
        d.get_date(),
    );
    // The browser's own calendar date is always a date; the epoch's day stands in if not.
    day.unwrap_or_else(|| phonerecords_shared::date::Date::new(1970, 1, 1).expect("a date"))
}

/// Now, as the form's date, time and offset.
pub fn now_local() -> (String, String, String) {
    let d = Date::new_0();
    let date = format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    );
    let time = format!("{:02}:{:02}", d.get_hours(), d.get_minutes());
    let offset = offset_text(-(d.get_timezone_offset() as i32));
    (date, time, offset)
}

thread_local! {
    /// One formatter for every call's time (`Date.toLocaleString` builds one
    /// per call). The first one built is the costly one, loading the
    /// locale's data: about 70 ms of a throttled first screen's CPU
    /// (docs/performance.md), paid once either way.
    static CALL_TIME: js_sys::Function = {
        let options = Object::new();
        let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
        let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
        let locales = js_sys::Array::of1(&"default".into());
        js_sys::Intl::DateTimeFormat::new(&locales, &options).format()
    };
    /// The same, the day only.
    static CALL_DAY: js_sys::Function = {
        let options = Object::new();
        let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
        let locales = js_sys::Array::of1(&"default".into());
        js_sys::Intl::DateTimeFormat::new(&locales, &options).format()
    };
}

/// A call's day in the browser's time zone and locale ("17 Sept 2025"):
/// the day its `local_display` shows, which near midnight is not the
/// recorded one. Titles and notices name a call by it.
pub fn local_day(ts: &CallTimestamp) -> String {
    let d = Date::new(&JsValue::from_f64(ts.epoch_millis() as f64));
    CALL_DAY
        .with(|format| format.call1(&JsValue::UNDEFINED, &d))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A call's time in the browser's time zone and locale ("17 Sept 2025, 9:12 am").
pub fn local_display(ts: &CallTimestamp) -> String {
    moment_display(ts.epoch_millis() as f64)
}

/// A moment (ms since 1970) as `local_display` shows a call's time.
fn moment_display(ms: f64) -> String {
    let d = Date::new(&JsValue::from_f64(ms));
    CALL_TIME
        .with(|format| format.call1(&JsValue::UNDEFINED, &d))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A recent moment (ms since 1970) in the browser's locale: only its time
/// ("2:43 pm") if it was today, else as `local_display` ("3 Dec 2026, 2:43 pm").
pub fn recent_display(ms: f64) -> String {
    let (at, now) = (Date::new(&JsValue::from_f64(ms)), Date::new_0());
    let today = at.get_full_year() == now.get_full_year()
        && at.get_month() == now.get_month()
        && at.get_date() == now.get_date();
    if !today {
        return moment_display(ms);
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    at.to_locale_time_string_with_options("default", &options)
        .as_string()
        .unwrap_or_default()
}
