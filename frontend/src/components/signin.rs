//! Signing in with an API token.

use leptos::prelude::*;

use crate::api;
use crate::first_paint;
use crate::session::use_session;

#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let token = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let check = Action::new_local(move |t: &String| {
        let t = t.clone();
        async move { (api::check_token(&t).await, t) }
    });
    Effect::new(move |_| {
        if let Some((result, t)) = check.value().get() {
            match result {
                Ok(()) => session.sign_in(t),
                Err(api::Failure::Unauthorized) => {
                    error.set(Some("That token was not accepted.".into()))
                }
                Err(f) => error.set(Some(f.message())),
            }
        }
    });
    // Once this page is in the document (a task after it is built: it comes
    // in a chunk, under a Suspense), main.js's painted one goes and hands
    // over what was typed on it.
    Effect::new(|_| {
        set_timeout(
            || first_paint::done(first_paint::Part::SignIn),
            std::time::Duration::ZERO,
        )
    });
    view! {
        <section class="signin" aria-labelledby="signin-title">
            <h1 id="signin-title">"Sign in"</h1>
            {move || session.reason.get().map(|r| view! { <p class="error-panel" role="alert">{r}</p> })}
            <p>"Sign in with your API token. The token is kept in this browser tab only, until you sign out or close it."</p>
            <form on:submit=move |ev| {
                ev.prevent_default();
                let t = token.get_untracked().trim().to_owned();
                if t.is_empty() {
                    error.set(Some("Enter your API token.".into()));
                } else {
                    error.set(None);
                    check.dispatch_local(t);
                }
            }>
                <div class="field">
                    <label for="token">"API token"</label>
                    <input id="token" type="password" autocomplete="off" spellcheck="false"
                        aria-invalid=move || error.get().is_some().to_string()
                        aria-describedby=move || error.get().map(|_| "token-error")
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev))/>
                    {move || error.get().map(|e| view! { <p class="field-error" id="token-error" role="alert">{e}</p> })}
                </div>
                <button type="submit" class="primary" disabled=move || check.pending().get()>
                    {move || if check.pending().get() { "Checking…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
