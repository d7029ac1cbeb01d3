//! The request's task, driven from JavaScript (worker/shim.js).
//!
//! wasm-bindgen's executor runs an async export as a task scheduled with
//! `queueMicrotask`, and every awaited promise as two closures in the
//! externref table, registered with a `FinalizationRegistry`: on a cheap
//! request that machinery cost more of the isolate's time than the Worker's
//! own code (docs/performance.md). Here the entry awaits instead: `step`
//! polls the request's future once; when the future waits on a promise
//! (`wait`), `step` hands the promise out, the entry awaits it in plain
//! JavaScript and calls `step` again with how it settled, until `step`
//! returns the Response.
//!
//! A request is one chain of awaits (no joins), so a pending poll always
//! stops at exactly one `wait`. Work that outlives the request (an export's
//! stream) runs on wasm-bindgen's executor: `wait` outside `step` is an
//! ordinary `JsFuture`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

type Task = Pin<Box<dyn Future<Output = Result<web_sys::Response, JsValue>>>>;

/// Tasks by slot; a task's id is its slot and the slot's generation, so an id
/// outliving its task (the entry's finaliser, below) never names another.
struct Slot {
    generation: u32,
    task: Option<Task>,
}

thread_local! {
    static SLOTS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
    /// Inside `step`: set to what the awaited promise settled to (taken by
    /// the `wait` that awaited it), and to the promise a `wait` hands out.
    static SETTLED: RefCell<Option<Result<JsValue, JsValue>>> = const { RefCell::new(None) };
    static AWAITING: RefCell<Option<Promise>> = const { RefCell::new(None) };
    static STEPPING: Cell<bool> = const { Cell::new(false) };
}

const SLOT_BITS: u32 = 16;
const SLOT_MASK: u32 = (1 << SLOT_BITS) - 1;

/// Makes the request's task; `step` runs it.
pub fn start(task: impl Future<Output = Result<web_sys::Response, JsValue>> + 'static) -> u32 {
    SLOTS.with_borrow_mut(|slots| {
        let index = match slots.iter().position(|s| s.task.is_none()) {
            Some(i) => i,
            None => {
                slots.push(Slot {
                    generation: 0,
                    task: None,
                });
                slots.len() - 1
            }
        };
        let slot = &mut slots[index];
        slot.generation = slot.generation.wrapping_add(1) & (u32::MAX >> SLOT_BITS);
        slot.task = Some(Box::pin(task));
        (slot.generation << SLOT_BITS) | index as u32
    })
}

fn take(id: u32) -> Option<Task> {
    SLOTS.with_borrow_mut(|slots| {
        let slot = slots.get_mut((id & SLOT_MASK) as usize)?;
        if slot.generation != id >> SLOT_BITS {
            return None;
        }
        slot.task.take()
    })
}

fn put_back(id: u32, task: Task) {
    SLOTS.with_borrow_mut(|slots| {
        if let Some(slot) = slots.get_mut((id & SLOT_MASK) as usize) {
            slot.task = Some(task);
        }
    });
}

/// Runs the task until it waits on a promise (returned: await it, then call
/// again with how it settled) or finishes (its Response returned, its error
/// thrown). The first call's `ok` and `settled` are ignored.
pub fn step(id: u32, ok: bool, settled: JsValue) -> Result<JsValue, JsValue> {
    let Some(mut task) = take(id) else {
        return Err(JsValue::from_str("no such request task"));
    };
    SETTLED.set(Some(if ok { Ok(settled) } else { Err(settled) }));
    STEPPING.set(true);
    let polled = task.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    STEPPING.set(false);
    SETTLED.set(None);
    match polled {
        Poll::Ready(done) => done.map(JsValue::from),
        Poll::Pending => match AWAITING.take() {
            Some(promise) => {
                put_back(id, task);
                Ok(promise.into())
            }
            // Only a `wait` may leave a request pending; anything else would
            // never be woken, so it is an error now rather than a hang.
            None => Err(JsValue::from_str(
                "a request waited on something other than a promise",
            )),
        },
    }
}

/// Drops a task its entry will never step again (the entry's promise was
/// abandoned, e.g. the client went away); a finished task's id does nothing.
pub fn drop_task(id: u32) {
    drop(take(id));
}

/// Waits for a promise: through `step` inside a request, as a `JsFuture` elsewhere.
pub fn wait(promise: Promise) -> Wait {
    Wait::Fresh(promise)
}

pub enum Wait {
    Fresh(Promise),
    /// Handed out by `step`; the next poll finds how it settled.
    HandedOut,
    Elsewhere(JsFuture),
    Done,
}

impl Future for Wait {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match std::mem::replace(this, Wait::Done) {
            Wait::Fresh(promise) if STEPPING.get() => {
                AWAITING.set(Some(promise));
                *this = Wait::HandedOut;
                Poll::Pending
            }
            Wait::Fresh(promise) => {
                *this = Wait::Elsewhere(JsFuture::from(promise));
                Pin::new(this).poll(cx)
            }
            Wait::HandedOut => match SETTLED.take() {
                Some(settled) => Poll::Ready(settled),
                None => {
                    *this = Wait::HandedOut;
                    Poll::Pending
                }
            },
            Wait::Elsewhere(mut future) => match Pin::new(&mut future).poll(cx) {
                Poll::Ready(settled) => Poll::Ready(settled),
                Poll::Pending => {
                    *this = Wait::Elsewhere(future);
                    Poll::Pending
                }
            },
            Wait::Done => Poll::Ready(Err(JsValue::from_str("a wait polled after it finished"))),
        }
    }
}
