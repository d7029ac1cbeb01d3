//! The signed-in session: the API token (kept for the browser session only),
//! and the messages that outlive a page (notices, why sign-in is shown).

use leptos::prelude::*;

/// Where the token is kept (main.js reads it too: prefetch.rs's test holds it).
pub(crate) const KEY: &str = "phonerecords.token";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

#[derive(Clone, Copy)]
pub struct Session {
    pub token: RwSignal<Option<String>>,
    /// Why the sign-in page is showing (after a 401).
    pub reason: RwSignal<Option<String>>,
    /// The last save or delete, announced to screen readers.
    pub notice: RwSignal<Option<String>>,
}

impl Session {
    /// Reads the stored token, or one passed in the URL as `#token=…` (the
    /// link `scripts/dev` prints), which is then removed from the address bar.
    pub fn load() -> Session {
        let mut token = storage().and_then(|s| s.get_item(KEY).ok().flatten());
        if let Some(window) = web_sys::window() {
            let hash = window.location().hash().unwrap_or_default();
            if let Some(t) = hash.strip_prefix("#token=").filter(|t| !t.is_empty()) {
                let t = js_sys::decode_uri_component(t)
                    .map(String::from)
                    .unwrap_or_else(|_| t.to_owned());
                if let Some(s) = storage() {
                    let _ = s.set_item(KEY, &t);
                }
                token = Some(t);
                if let Ok(history) = window.history() {
                    let url = format!(
                        "{}{}",
                        window.location().pathname().unwrap_or_default(),
                        window.location().search().unwrap_or_default()
                    );
                    let _ = history.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&url),
                    );
                }
            }
        }
        Session {
            token: RwSignal::new(token),
            reason: RwSignal::new(None),
            notice: RwSignal::new(None),
        }
    }

    /// A session for tests: signed in with `token`, nothing stored.
    pub fn with_token(token: &str) -> Session {
        Session {
            token: RwSignal::new(Some(token.to_owned())),
            reason: RwSignal::new(None),
            notice: RwSignal::new(None),
        }
    }

    pub fn sign_in(&self, token: String) {
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, &token);
        }
        self.reason.set(None);
        self.token.set(Some(token));
    }

    pub fn sign_out(&self, reason: Option<String>) {
        if let Some(s) = storage() {
            let _ = s.remove_item(KEY);
        }
        self.reason.set(reason);
        self.notice.set(None);
        self.token.set(None);
    }

    /// The token, or "" (a request with it is refused and ends the session).
    pub fn token(&self) -> String {
        self.token.get_untracked().unwrap_or_default()
    }

    /// What every failed call does first: a refused token ends the session.
    pub fn check<T>(&self, result: &Result<T, crate::api::Failure>) {
        if matches!(result, Err(crate::api::Failure::Unauthorized)) {
            self.sign_out(Some(
                "Your session has ended or the token was refused. Please sign in again.".into(),
            ));
        }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
