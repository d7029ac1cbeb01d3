//! The app: the session, the header, announcements, and the pages.

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::components::call_page::CallPage;
use crate::components::import::ImportPage;
use crate::components::record_pages::{EditRecordPage, NewRecordPage};
use crate::components::list::{LastList, ListPage};
use crate::components::signin::SignIn;
use crate::components::undo::{Deletes, UndoNotice};
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::load();
    provide_context(session);
    provide_context(LastList(RwSignal::new("/".into())));
    let deletes = Deletes::for_app(session);
    provide_context(deletes);
    let signed_in = move || session.token.get().is_some();
    view! {
        <Router>
            <a class="skip" href="#main">"Skip to content"</a>
            <header class="topbar">
                <A href="/" attr:class="brand">"Phone Records"</A>
                <Show when=signed_in>
                    <nav class="top-actions" aria-label="Main">
                        <A href="/">"Records"</A>
                        <A href="/calls/new">"Record a call"</A>
                        <button type="button" class="link" on:click=move |_| session.sign_out(Some("You have signed out.".into()))>
                            "Sign out"
                        </button>
                    </nav>
                </Show>
            </header>
            <div class="notice" role="status" aria-live="polite">
                <UndoNotice deletes=deletes/>
                {move || session.notice.get().map(|n| view! {
                    <p>
                        {n}
                        <button type="button" class="link" aria-label="Dismiss" on:click=move |_| session.notice.set(None)>"×"</button>
                    </p>
                })}
            </div>
            <main id="main" tabindex="-1">
                <Show when=signed_in fallback=|| view! { <SignIn/> }>
                    <Routes fallback=|| view! { <section><h1>"Not found"</h1><p><a href="/">"Back to the phone records"</a></p></section> }>
                        <Route path=path!("/") view=ListPage/>
                        <Route path=path!("/calls/new") view=NewRecordPage/>
                        <Route path=path!("/import") view=ImportPage/>
                        <Route path=path!("/calls/:id") view=CallPage/>
                        <Route path=path!("/calls/:id/edit") view=EditRecordPage/>
                    </Routes>
                </Show>
            </main>
        </Router>
    }
}
