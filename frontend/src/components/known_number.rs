//! A new call's form, when its number has been called before: the last call
//! with it, named under the number ("Last call with this number: …"), and
//! **Use these details**, which fills the other party, the matter and the
//! number's type from it where the form is still empty (form_model's
//! `recall`). Asked for once typing pauses; nothing shows for a new number.

use std::time::Duration;

use leptos::prelude::*;

use crate::api;
use crate::clock;
use crate::components::fetched;
use crate::form_model::{FormValues, calls_with_number, history_line, recall};
use crate::router::Link;
use crate::session::use_session;

/// How long typing pauses before the number is looked up.
const PAUSE: Duration = Duration::from_millis(400);

/// Whether a number is worth looking up: three digits or more.
pub fn worth_asking(number: &str) -> bool {
    number.chars().filter(char::is_ascii_digit).count() >= 3
}

/// The last call with the form's number, if there is one. `follows`: the
/// call a follow-up's form names already, not named twice.
#[component]
pub fn KnownNumber(values: RwSignal<FormValues>, follows: Option<i64>) -> impl IntoView {
    let session = use_session();
    let number = Memo::new(move |_| values.with(|v| v.phone_number.trim().to_owned()));
    let asked = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let n = number.get();
        set_timeout(
            move || {
                // Still that number (and this form still there) once typing paused.
                if number.try_get_untracked().as_ref() == Some(&n) {
                    asked.try_set(Some(n));
                }
            },
            PAUSE,
        );
    });
    // The number asked about, with its last call (if any).
    let last = fetched(
        move || (asked.get(), session.token()),
        move |(n, token)| async move {
            let n = n.filter(|n| worth_asking(n))?;
            let page = api::list(&token, &calls_with_number(&n, None, 1))
                .await
                .ok()?;
            let r = page.phonerecords.into_iter().next()?;
            (Some(r.id) != follows).then_some((n, r))
        },
    );
    move || {
        // Named only while the form holds the number it is the last call of.
        let (n, r) = last.get().flatten()?;
        if number.with(|now| *now != n) {
            return None;
        }
        let href = format!("/calls/{}", r.id);
        let when = clock::local_display(&r.call_timestamp);
        let line = format!(" · {}.", history_line(&r));
        let last = StoredValue::new(r);
        let fills = move || values.with(|v| last.with_value(|r| recall(v, r) != *v));
        Some(view! {
            <p class="known-number" role="status">
                "Last call with this number: "
                <Link href=href>{when}</Link>
                {line}
                {move || fills().then(|| view! {
                    " "
                    <button type="button" class="link"
                        on:click=move |_| values.update(|v| *v = last.with_value(|r| recall(v, r)))>
                        "Use these details"
                    </button>
                })}
            </p>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_looked_up_from_three_digits() {
        assert!(!worth_asking(""));
        assert!(!worth_asking("+6 4"));
        assert!(worth_asking("021"));
        assert!(worth_asking("+64 9 555 0101 ext 4"));
    }
}
