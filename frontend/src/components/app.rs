//! The app: the session, the header, announcements, and the pages.

use leptos::prelude::*;

use crate::chunks;
use crate::components::list::{LastList, ListPage};
use crate::components::undo::{DeleteAnyway, Deletes, UndoNotice};
use crate::draft;
use crate::first_paint::{self, Part};
use crate::router::{Link, Page, Router};
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::load();
    provide_context(session);
    provide_context(LastList(RwSignal::new("/".into())));
    let deletes = Deletes::for_app(session);
    provide_context(deletes);
    let page = Router::provide().page();
    let signed_in = move || session.token.get().is_some();
    // main.js's first paint is of the list, a call's page or the sign-in
    // page, which say when they are on screen; any other page replaces it at
    // once.
    Effect::new(move |_| {
        if signed_in() && !matches!(page.get(), Page::List | Page::Call) {
            first_paint::done(Part::All);
        }
    });
    view! {
            <a class="skip" href="#main">"Skip to content"</a>
            <header class="topbar">
                <Link href="/" class="brand">"Phone Records"</Link>
                <Show when=signed_in>
                    <nav class="top-actions" aria-label="Main">
                        <Link href="/">"Records"</Link>
                        <Link href="/calls/new">"Record a call"</Link>
                        <button type="button" class="link" on:click=move |_| {
                            // Signing out forgets the unsaved forms (draft.rs): ask first.
                            if !draft::any() || window().confirm_with_message(
                                "Sign out and discard your unsaved changes?",
                            ).unwrap_or(false) {
                                draft::forget_all();
                                session.sign_out(Some("You have signed out.".into()));
                            }
                        }>
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
                        <DeleteAnyway deletes=deletes/>
                        <button type="button" class="link" aria-label="Dismiss" on:click=move |_| session.notice.set(None)>"×"</button>
                    </p>
                })}
            </div>
            <main id="main" tabindex="-1">
                <Show when=signed_in fallback=|| chunks::page(chunks::Page::SignIn)>
                    {move || match page.get() {
                        Page::List => view! { <ListPage/> }.into_any(),
                        Page::New => chunks::page(chunks::Page::New).into_any(),
                        Page::Import => chunks::page(chunks::Page::Import).into_any(),
                        Page::Call => chunks::page(chunks::Page::Call).into_any(),
                        Page::Edit => chunks::page(chunks::Page::Edit).into_any(),
                        Page::NotFound => view! {
                            <section><h1>"Not found"</h1><p><a href="/">"Back to the phone records"</a></p></section>
                        }
                        .into_any(),
                    }}
                </Show>
            </main>
    }
}
