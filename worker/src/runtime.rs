//! The few parts of the Workers runtime this Worker uses, bound directly:
//! its environment (variables, secrets, bindings), D1 sessions and
//! statements, the fetcher of its own files, and the console. (The `worker`
//! crate wraps all of these and more; its exports and conversions cost the
//! Worker size and time per request: docs/performance.md.)

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// The Worker's environment: variables, secrets and bindings by name.
    pub type Env;

    /// A D1 database binding.
    pub type D1Database;
    #[wasm_bindgen(method, catch, js_name = withSession)]
    pub fn with_session(
        this: &D1Database,
        constraint_or_bookmark: &str,
    ) -> Result<D1Session, JsValue>;

    /// A D1 session (read replication with sequential consistency).
    pub type D1Session;
    #[wasm_bindgen(method, catch)]
    pub fn prepare(this: &D1Session, sql: &str) -> Result<D1Statement, JsValue>;
    /// Runs the statements as one transaction: all of them, or none.
    #[wasm_bindgen(method, catch)]
    pub fn batch(this: &D1Session, statements: &Array) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getBookmark)]
    pub fn get_bookmark(this: &D1Session) -> Result<Option<String>, JsValue>;

    pub type D1Statement;
    #[wasm_bindgen(method, catch, variadic)]
    pub fn bind(this: &D1Statement, values: &Array) -> Result<D1Statement, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub fn all(this: &D1Statement) -> Result<Promise, JsValue>;

    /// Anything with `fetch(request)`: the Worker's own files (worker/ui.js).
    pub type Fetcher;
    #[wasm_bindgen(method, catch)]
    pub fn fetch(this: &Fetcher, request: &web_sys::Request) -> Result<Promise, JsValue>;

    /// Strings in, UTF-8 bytes out: a streamed response body written as text.
    pub type TextEncoderStream;
    #[wasm_bindgen(constructor, catch)]
    pub fn new() -> Result<TextEncoderStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub fn readable(this: &TextEncoderStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    pub fn writable(this: &TextEncoderStream) -> WritableStream;

    pub type WritableStream;
    #[wasm_bindgen(method, catch, js_name = getWriter)]
    pub fn get_writer(this: &WritableStream) -> Result<StreamWriter, JsValue>;

    pub type StreamWriter;
    /// Resolves once the chunk is taken: awaiting it is the back-pressure.
    #[wasm_bindgen(method, catch)]
    pub fn write(this: &StreamWriter, chunk: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    pub fn close(this: &StreamWriter) -> Result<Promise, JsValue>;
    /// Ends the stream in error: the client sees a failed transfer, never a clean end.
    #[wasm_bindgen(method, catch)]
    pub fn abort(this: &StreamWriter, reason: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub fn console_error(message: &str);
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub fn console_warn(message: &str);
}

impl Env {
    /// A variable's or secret's text.
    pub fn text(&self, name: &str) -> Option<String> {
        Reflect::get(self, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    }

    /// A binding, if the environment has an object of that name.
    pub fn binding<T: JsCast>(&self, name: &str) -> Option<T> {
        Reflect::get(self, &JsValue::from_str(name))
            .ok()
            .filter(JsValue::is_object)
            .map(JsCast::unchecked_into)
    }
}

/// The text of a JavaScript error (and of its cause, as D1 reports them).
pub fn error_text(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => {
            let cause = err
                .cause()
                .dyn_ref::<js_sys::Error>()
                .map(|c| format!(" ({})", String::from(c.message())))
                .unwrap_or_default();
            format!("{}{cause}", String::from(err.message()))
        }
        None => e
            .as_string()
            .unwrap_or_else(|| "an unknown JavaScript error".into()),
    }
}
