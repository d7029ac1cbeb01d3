//! The app's own small History-API router, in place of leptos_router (whose
//! matching, nested routes and URL parsing were about a tenth of the UI's
//! wasm; issue 13): the location as a signal, same-origin links followed
//! without a reload (`pushState`), back/forward (`popstate`), `navigate`, and
//! links that mark the current page (`aria-current="page"`) as leptos_router's
//! `<A>` did. The pages and their paths are in `Page::of`.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlAnchorElement, MouseEvent, UrlSearchParams};

/// The app's pages, by path (a trailing `/` is ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// `/`
    List,
    /// `/calls/new`
    New,
    /// `/import`
    Import,
    /// `/calls/:id`
    Call,
    /// `/calls/:id/edit`
    Edit,
    NotFound,
}

impl Page {
    pub fn of(path: &str) -> Page {
        let path = match path.strip_suffix('/') {
            Some(p) if !p.is_empty() => p,
            _ => path,
        };
        let mut segments = path.strip_prefix('/').unwrap_or(path).split('/');
        match (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) {
            (Some(""), None, _, _) => Page::List,
            (Some("calls"), Some("new"), None, _) => Page::New,
            (Some("import"), None, _, _) => Page::Import,
            (Some("calls"), Some(id), None, _) if !id.is_empty() => Page::Call,
            (Some("calls"), Some(id), Some("edit"), None) if !id.is_empty() => Page::Edit,
            _ => Page::NotFound,
        }
    }
}

/// The `:id` of `/calls/:id` and `/calls/:id/edit`: the segment decoded as
/// a browser decodes a URL's (`%31` is `1`), then a positive whole number in
/// digits only (no sign, no spaces), else `None`.
pub fn id_in_path(path: &str) -> Option<i64> {
    let mut segments = path.strip_prefix('/')?.split('/');
    match segments.next() {
        Some("calls") => {
            let id = percent_decoded(segments.next()?)?;
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            id.parse().ok().filter(|n: &i64| *n > 0)
        }
        _ => None,
    }
}

/// A path segment with its `%XX` escapes decoded, as `decodeURIComponent`
/// does: `None` for a malformed escape or bytes that are not UTF-8.
pub(crate) fn percent_decoded(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a link to `href` marks the page at `path` as current: the same
/// path, or one below it (`/` only itself), as leptos_router's `<A>`.
pub fn is_current(href: &str, path: &str) -> bool {
    let href = href.split(['?', '#']).next().unwrap_or_default();
    path == href
        || (href != "/"
            && path
                .strip_prefix(href.trim_end_matches('/'))
                .is_some_and(|rest| rest.starts_with('/')))
}

/// The location the app shows: its path and its query (`?…`, or empty).
#[derive(Clone, Copy)]
pub struct Router {
    url: RwSignal<(String, String)>,
}

fn location_now() -> (String, String) {
    let l = window().location();
    (
        l.pathname().unwrap_or_default(),
        l.search().unwrap_or_default(),
    )
}

impl Router {
    /// The router of the whole app: follows the links clicked anywhere in the
    /// page and the browser's back/forward, for the app's lifetime.
    pub fn provide() -> Router {
        let router = Router {
            url: RwSignal::new(location_now()),
        };
        provide_context(router);
        // Dropping the handles keeps the listeners (they live as long as the page).
        let _ = window_event_listener(ev::popstate, move |_| router.sync());
        let _ = window_event_listener(ev::click, move |e| router.follow(&e));
        router
    }

    pub fn path(&self) -> Memo<String> {
        let url = self.url;
        Memo::new(move |_| url.with(|(p, _)| p.clone()))
    }

    /// Where the app is: the path and its query (`/calls/new?matter=5`).
    pub fn href_untracked(&self) -> String {
        self.url.with_untracked(|(p, q)| format!("{p}{q}"))
    }

    /// The page at the current path.
    pub fn page(&self) -> Memo<Page> {
        let url = self.url;
        Memo::new(move |_| url.with(|(p, _)| Page::of(p)))
    }

    /// Reads the query's parameters (decoded as a form's: `+` is a space).
    pub fn with_query<T>(&self, f: impl FnOnce(&dyn Fn(&str) -> Option<String>) -> T) -> T {
        self.url.with(|(_, search)| {
            let params = UrlSearchParams::new_with_str(search).ok();
            f(&|k: &str| params.as_ref().and_then(|p| p.get(k)))
        })
    }

    /// Goes to `to` (a path with its query), adding a history entry unless
    /// it is where the app already is, and scrolls to the top (or to the
    /// element its `#fragment` names).
    pub fn navigate(&self, to: &str) {
        let w = window();
        let l = w.location();
        let here = format!(
            "{}{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default(),
            l.hash().unwrap_or_default()
        );
        if to != here {
            if let Ok(history) = w.history() {
                let _ = history.push_state_with_url(&JsValue::NULL, "", Some(to));
            }
        }
        self.sync();
        let hash = l.hash().unwrap_or_default();
        match document().get_element_by_id(hash.trim_start_matches('#')) {
            Some(el) if hash.len() > 1 => el.scroll_into_view(),
            _ => w.scroll_to_with_x_and_y(0.0, 0.0),
        }
    }

    fn sync(&self) {
        let now = location_now();
        if self.url.with_untracked(|u| *u != now) {
            self.url.set(now);
        }
    }

    /// A click on a same-origin link becomes a navigation in the app, unless
    /// the browser should handle it: a modifier key or another button, a
    /// `target`, `download` or `rel="external"`, another origin, or only a
    /// `#fragment` of this page (the skip link: the browser moves the focus).
    fn follow(&self, e: &MouseEvent) {
        if e.default_prevented()
            || e.button() != 0
            || e.meta_key()
            || e.alt_key()
            || e.ctrl_key()
            || e.shift_key()
        {
            return;
        }
        let Some(a) = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|el| el.dyn_into::<HtmlAnchorElement>().ok())
        else {
            return;
        };
        let external = a
            .get_attribute("rel")
            .is_some_and(|r| r.split_ascii_whitespace().any(|p| p == "external"));
        if !a.target().is_empty() || a.has_attribute("download") || external {
            return;
        }
        let l = window().location();
        if a.origin() != l.origin().unwrap_or_default() {
            return;
        }
        let (path, search, hash) = (a.pathname(), a.search(), a.hash());
        if !hash.is_empty()
            && l.pathname().ok() == Some(path.clone())
            && l.search().ok() == Some(search.clone())
        {
            return;
        }
        e.prevent_default();
        self.navigate(&format!("{path}{search}{hash}"));
    }
}

pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// A link in the app; `aria-current="page"` while its page (or one below
/// it) is shown.
#[component]
pub fn Link(
    #[prop(into)] href: String,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let path = use_router().path();
    let current = {
        let href = href.clone();
        move || path.with(|p| is_current(&href, p)).then_some("page")
    };
    view! {
        <a href=href class=(!class.is_empty()).then_some(class) aria-current=current>{children()}</a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_by_path() {
        assert_eq!(Page::of("/"), Page::List);
        assert_eq!(Page::of("/calls/new"), Page::New);
        assert_eq!(Page::of("/calls/new/"), Page::New);
        assert_eq!(Page::of("/import"), Page::Import);
        assert_eq!(Page::of("/import/"), Page::Import);
        assert_eq!(Page::of("/import/x"), Page::NotFound);
        assert_eq!(Page::of("/calls/12"), Page::Call);
        assert_eq!(
            Page::of("/calls/x"),
            Page::Call,
            "the page says it is no call"
        );
        assert_eq!(Page::of("/calls/12/edit"), Page::Edit);
        for other in [
            "/calls",
            "/calls/",
            "/calls//edit",
            "/calls/1/edit/x",
            "/records/new",
            "/x",
        ] {
            assert_eq!(Page::of(other), Page::NotFound, "{other}");
        }
    }

    #[test]
    fn the_id_in_the_path() {
        assert_eq!(id_in_path("/calls/12"), Some(12));
        assert_eq!(id_in_path("/calls/12/edit"), Some(12));
        assert_eq!(id_in_path("/calls/x"), None);
        assert_eq!(id_in_path("/"), None);
        // Percent-encoded, as a browser would decode it.
        assert_eq!(id_in_path("/calls/%31"), Some(1));
        assert_eq!(id_in_path("/calls/%31%32/edit"), Some(12));
        // Not a positive whole number once decoded: no call.
        for other in [
            "/calls/0",
            "/calls/-1",
            "/calls/+1",
            "/calls/%2B1",
            "/calls/%20%31",
            "/calls/1.0",
            "/calls/%3",
            "/calls/%zz",
            "/calls/%+1",
            "/calls/%FF",
            "/calls/%",
            "/calls/99999999999999999999",
            "/calls/%61",
        ] {
            assert_eq!(id_in_path(other), None, "{other}");
        }
    }

    #[test]
    fn current_links() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/calls/new"));
        assert!(is_current("/calls/new", "/calls/new"));
        assert!(is_current("/calls/new", "/calls/new/more"));
        assert!(!is_current("/calls/new", "/calls/newer"));
        assert!(!is_current("/calls/new", "/"));
        assert!(is_current("/?q=x", "/"));
    }
}
