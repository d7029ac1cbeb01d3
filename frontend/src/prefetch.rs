//! The first screen's answers that `main.js` asked for while the WebAssembly
//! downloaded (the list's default view and its summary, or a call's record):
//! each is taken once, by the call that asks for exactly its URL with the
//! token it was sent with.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where main.js leaves them: `{ [url]: { token, response: Promise<Response | null> } }`.
const GLOBAL: &str = "__phonerecordsFirstScreen";

/// The answer main.js already asked for at `url` with `token`, if any: the
/// entry is removed whether or not it is used, so it is never read twice.
/// A failed or refused prefetch is `None`: the caller asks again.
pub async fn take(url: &str, token: &str) -> Option<gloo_net::http::Response> {
    let store = js_sys::Reflect::get(&js_sys::global(), &GLOBAL.into()).ok()?;
    if !store.is_object() {
        return None;
    }
    let key = wasm_bindgen::JsValue::from_str(url);
    let entry = js_sys::Reflect::get(&store, &key).ok()?;
    if !entry.is_object() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(store.unchecked_ref::<js_sys::Object>(), &key);
    let sent_with = js_sys::Reflect::get(&entry, &"token".into())
        .ok()?
        .as_string()?;
    if sent_with != token {
        return None;
    }
    let promise: js_sys::Promise = js_sys::Reflect::get(&entry, &"response".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let response: web_sys::Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    Some(response.into())
}

#[cfg(test)]
mod tests {
    use crate::components::summary::summary_query;
    use crate::list_state::ListState;
    use phonerecords_shared::summary::GroupBy;

    /// main.js's `FIRST_SCREEN`: exactly what the list and its summary ask
    /// for on the default view (no dates there, so no local offset).
    #[test]
    fn main_js_asks_for_what_the_default_view_asks_for() {
        let main_js = include_str!("../main.js");
        let view = ListState::default();
        let no_dates = |_: &str, _: &str| unreachable!("the default view has no dates");
        let list = crate::api::list_url(&view.api_query(no_dates));
        let summary =
            crate::api::summary_url(&summary_query(&view.export_query(no_dates), GroupBy::Day));
        for url in [list, summary] {
            assert!(
                main_js.contains(&format!("\"{url}\",")),
                "main.js does not ask for {url}"
            );
        }
        // One matter's calls (`/?matter=N`, the links to a matter): what
        // the list and its summary ask for, for any id.
        let id = 9_007_199_254_740_991_i64;
        let view = ListState::default().with_matter(id);
        let list = crate::api::list_url(&view.api_query(no_dates));
        let summary =
            crate::api::summary_url(&summary_query(&view.export_query(no_dates), GroupBy::Day));
        let [list, summary] = [list, summary].map(|u| u.replace(&id.to_string(), "${id}"));
        assert!(
            main_js.contains(&format!(
                "const MATTER_SCREEN = (id) => [`{list}`, `{summary}`];"
            )),
            "main.js does not ask for {list} and {summary}"
        );
        assert_eq!(
            view.href(),
            format!("/?matter={id}"),
            "main.js's MATTER_PATH"
        );
        // A call's record, on its page and its edit page: as `api::get` asks
        // for it, for the ids the router reads from such a path.
        let id = 9_007_199_254_740_991_i64;
        let template = crate::api::record_url(id).replace(&id.to_string(), "${id}");
        assert!(
            main_js.contains(&format!("const recordUrl = (id) => `{template}`;")),
            "main.js does not ask for {template}"
        );
        // main.js's pattern takes 1 to 15 digits without a leading zero: the
        // router reads the smallest and the largest as the same ids.
        assert!(main_js.contains(r"const CALL_PATH = /^\/calls\/([1-9][0-9]{0,14})(\/edit)?$/;"));
        for (path, id) in [
            ("/calls/1", 1),
            ("/calls/999999999999999/edit", 999_999_999_999_999),
        ] {
            assert_eq!(crate::router::id_in_path(path), Some(id), "{path}");
        }

        // With the token the session reads, from where it reads it.
        let key = format!("sessionStorage.getItem(\"{}\")", crate::session::KEY);
        assert!(main_js.contains(&key), "main.js does not read {key}");
        assert!(
            main_js.contains("\"#token=\""),
            "main.js does not read #token="
        );
    }
}
