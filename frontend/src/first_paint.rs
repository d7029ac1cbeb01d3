//! main.js's first paint: the default view, a call's page or the sign-in
//! page, painted (the first two from the early answers, `prefetch`) while
//! the WebAssembly downloads, with its controls disabled; the sign-in
//! page's are live, and main.js hands what was typed over to the app's. The
//! app tells it when its own list and totals, call's page or sign-in page
//! are on screen, and it goes.

/// What the app has on screen.
#[derive(Clone, Copy)]
pub enum Part {
    /// The list page's records (or its empty or failed state).
    List,
    /// The list page's totals (or their absence).
    Summary,
    /// A call's page: the call, or why it is not shown.
    Call,
    /// The sign-in page.
    SignIn,
    /// Any other page: nothing of the first paint applies.
    All,
}

/// Where main.js keeps it: `{ done(part) }`.
const GLOBAL: &str = "__phonerecordsFirstPaint";

/// Tells the first paint that `part` is on screen; when every part it painted
/// is (or `All`), it is removed. Nothing when there is none.
pub fn done(part: Part) {
    // The first screen is up: the other pages' chunks may come now.
    crate::chunks::preload_rest();
    let name = match part {
        Part::List => "list",
        Part::Summary => "summary",
        Part::Call => "call",
        Part::SignIn => "signin",
        Part::All => "all",
    };
    let Ok(paint) = js_sys::Reflect::get(&js_sys::global(), &GLOBAL.into()) else {
        return;
    };
    if let Ok(done) = js_sys::Reflect::get(&paint, &"done".into()) {
        if let Some(done) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&done) {
            let _ = done.call1(&paint, &name.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::list_state::PAGE_SIZES;
    use crate::summary_model::{DAYS_UP_TO, WEEKS_UP_TO};

    /// main.js repeats the app's page sizes and the chart's periods (it
    /// runs before the WebAssembly): held to them here. The e2e tests hold
    /// the painted text and boxes to the app's.
    #[test]
    fn main_js_paints_with_the_apps_constants() {
        let main_js = include_str!("../main.js");
        let sizes = PAGE_SIZES.map(|n| n.to_string()).join(", ");
        // The call page's rows (components/call_page.rs), in its reading order.
        let labels: Vec<String> = crate::components::call_page::READING_ORDER
            .into_iter()
            .map(|f| format!("\"{}\"", f.label()))
            .collect();
        for expected in [
            format!("const PAGE_SIZES = [{sizes}];"),
            format!("const PERIOD_UP_TO = {{ day: {DAYS_UP_TO}, week: {WEEKS_UP_TO} }};"),
            format!("const CALL_LABELS = [{}];", labels.join(", ")),
        ] {
            assert!(main_js.contains(&expected), "main.js lacks {expected}");
        }
    }

    /// main.js tells blank from text as the app does: by Unicode's
    /// White_Space, the set of Rust's `char::is_whitespace` (JS's `\s` and
    /// `trim()` differ on U+FEFF and U+0085).
    #[test]
    fn main_js_finds_whitespace_as_rust_does() {
        let main_js = include_str!("../main.js");
        assert!(main_js.contains("const SPACES = /\\p{White_Space}+/gu;"));
        for js_whitespace in [".trim(", ".trimEnd(", ".trimStart(", "\\s", "\\S"] {
            assert!(
                !main_js.contains(js_whitespace),
                "main.js uses JS's whitespace: {js_whitespace}"
            );
        }
    }
}
