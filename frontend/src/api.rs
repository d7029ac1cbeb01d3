//! Calls to the Phone Records API on this origin, with the session's token.

use gloo_net::http::{Request, RequestBuilder, Response};
use phonerecords_shared::{ApiErrors, ErrorItem, PagedPhoneRecords, PhoneRecord};
use serde::de::DeserializeOwned;
use serde_json::Value;

const BASE: &str = phonerecords_shared::COLLECTION_PATH;

/// Why a call failed, as the UI needs to tell it apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The token was refused: back to sign-in.
    Unauthorized,
    /// 422 (or 400): problems by field, from the server.
    Invalid(Vec<ErrorItem>),
    NotFound,
    /// 412: the record changed since the version the request named.
    Changed,
    /// Anything else: network down, server error. Worth a retry.
    Other(String),
}

impl Failure {
    pub fn message(&self) -> String {
        match self {
            Failure::Unauthorized => "Your token was not accepted. Please sign in again.".into(),
            Failure::Invalid(errors) => errors
                .iter()
                .map(|e| e.detail.clone())
                .collect::<Vec<_>>()
                .join("; "),
            Failure::NotFound => {
                "That phone record does not exist (it may have been deleted).".into()
            }
            Failure::Changed => "Someone else changed this call since you opened it.".into(),
            Failure::Other(m) => m.clone(),
        }
    }
}

/// The header that carries D1's session bookmark both ways.
const BOOKMARK: &str = phonerecords_shared::BOOKMARK_HEADER;

thread_local! {
    /// The latest bookmark the API returned: sent back with every request so
    /// that a list read right after a save sees the save (read-your-writes,
    /// even when reads are served by a D1 replica).
    static LAST_BOOKMARK: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn authorized(req: RequestBuilder, token: &str) -> RequestBuilder {
    let req = req
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "application/json");
    match LAST_BOOKMARK.with(|b| b.borrow().clone()) {
        Some(bookmark) => req.header(BOOKMARK, &bookmark),
        None => req,
    }
}

/// Keeps the session bookmark of an answer fetched elsewhere (the import's
/// batches), so the list read next sees what they stored.
pub fn remember_bookmark(bookmark: Option<String>) {
    if let Some(bookmark) = bookmark {
        LAST_BOOKMARK.with(|b| *b.borrow_mut() = Some(bookmark));
    }
}

/// Sends a request and remembers the session bookmark of its answer.
async fn fetch(req: Request) -> Result<Response, Failure> {
    let resp = req.send().await.map_err(|_| {
        Failure::Other("Could not reach the server. Check your connection and try again.".into())
    })?;
    if let Some(bookmark) = resp.headers().get(BOOKMARK) {
        LAST_BOOKMARK.with(|b| *b.borrow_mut() = Some(bookmark));
    }
    Ok(resp)
}

async fn errors_of(resp: Response) -> Failure {
    let status = resp.status();
    let parsed: Option<ApiErrors> = resp.json().await.ok();
    match (status, parsed) {
        (401, _) => Failure::Unauthorized,
        (404, _) => Failure::NotFound,
        (412, _) => Failure::Changed,
        (400 | 422, Some(e)) => Failure::Invalid(e.errors),
        (_, Some(e)) if !e.errors.is_empty() => Failure::Other(e.errors[0].detail.clone()),
        (s, _) => Failure::Other(format!("The server answered {s}. Please try again.")),
    }
}

async fn send<T: DeserializeOwned>(req: Result<Request, gloo_net::Error>) -> Result<T, Failure> {
    let req = req.map_err(|e| Failure::Other(format!("Could not build the request: {e}")))?;
    read(fetch(req).await?).await
}

/// A GET of `url`, or its answer that main.js already asked for (prefetch.rs).
async fn get_json<T: DeserializeOwned>(url: &str, token: &str) -> Result<T, Failure> {
    match crate::prefetch::take(url, token).await {
        Some(resp) => {
            remember_bookmark(resp.headers().get(BOOKMARK));
            read(resp).await
        }
        None => send(authorized(Request::get(url), token).build()).await,
    }
}

/// The answer's JSON, or why there is none.
async fn read<T: DeserializeOwned>(resp: Response) -> Result<T, Failure> {
    if !resp.ok() {
        return Err(errors_of(resp).await);
    }
    resp.json::<T>()
        .await
        .map_err(|e| Failure::Other(format!("The server's answer could not be read: {e}")))
}

pub async fn list(token: &str, query: &str) -> Result<PagedPhoneRecords, Failure> {
    get_json(&list_url(query), token).await
}

pub fn list_url(query: &str) -> String {
    format!("{BASE}?{query}")
}

/// The totals and groups of a view (`query`: the list's filters and search, and `groupBy`).
pub async fn summary(
    token: &str,
    query: &str,
) -> Result<phonerecords_shared::summary::Summary, Failure> {
    get_json(&summary_url(query), token).await
}

pub fn summary_url(query: &str) -> String {
    format!("{BASE}/summary?{query}")
}

pub fn record_url(id: i64) -> String {
    format!("{BASE}/{id}")
}

/// A record and its version (the `ETag` of the answer), for conditional writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Versioned {
    pub record: PhoneRecord,
    pub etag: Option<String>,
}

pub async fn get(token: &str, id: i64) -> Result<Versioned, Failure> {
    let url = record_url(id);
    let resp = match crate::prefetch::take(&url, token).await {
        Some(resp) => {
            remember_bookmark(resp.headers().get(BOOKMARK));
            resp
        }
        None => {
            let req = authorized(Request::get(&url), token)
                .build()
                .map_err(|e| Failure::Other(format!("Could not build the request: {e}")))?;
            fetch(req).await?
        }
    };
    versioned(resp).await
}

/// An answer's record and its `ETag`, or why there is none.
async fn versioned(resp: Response) -> Result<Versioned, Failure> {
    if !resp.ok() {
        return Err(errors_of(resp).await);
    }
    let etag = resp.headers().get("ETag");
    let record = resp
        .json::<PhoneRecord>()
        .await
        .map_err(|e| Failure::Other(format!("The server's answer could not be read: {e}")))?;
    Ok(Versioned { record, etag })
}

/// Records a call. `key` (an Idempotency-Key) is the same for every retry of
/// one submission, so the server records it once however often it is sent.
pub async fn create(token: &str, body: &Value, key: &str) -> Result<PhoneRecord, Failure> {
    send(
        authorized(Request::post(BASE), token)
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

/// A new Idempotency-Key: a random UUID (a counter and the time where the
/// browser has no `crypto.randomUUID`).
pub fn new_idempotency_key() -> String {
    use wasm_bindgen::JsCast;
    let global = js_sys::global();
    let uuid = js_sys::Reflect::get(&global, &"crypto".into())
        .ok()
        .filter(|c| !c.is_undefined())
        .and_then(|crypto| {
            let f: js_sys::Function = js_sys::Reflect::get(&crypto, &"randomUUID".into())
                .ok()?
                .dyn_into()
                .ok()?;
            f.call0(&crypto).ok()?.as_string()
        });
    uuid.unwrap_or_else(|| {
        format!(
            "{}-{}",
            js_sys::Date::now() as u64,
            (js_sys::Math::random() * 1e15) as u64
        )
    })
}

/// Sends only the changed fields; with `if_match` (the version the page
/// loaded), a record someone else changed meanwhile is `Failure::Changed`.
/// The answer is the record as saved, with its new version.
pub async fn update(
    token: &str,
    id: i64,
    body: &Value,
    if_match: Option<&str>,
) -> Result<Versioned, Failure> {
    let mut req = authorized(Request::put(&format!("{BASE}/{id}")), token);
    if let Some(tag) = if_match {
        req = req.header("If-Match", tag);
    }
    let req = req
        .json(body)
        .map_err(|e| Failure::Other(format!("Could not build the request: {e}")))?;
    versioned(fetch(req).await?).await
}

/// Sends a request whose answer has no body worth reading.
async fn send_for_status(req: RequestBuilder) -> Result<(), Failure> {
    let req = req.build().map_err(|e| Failure::Other(e.to_string()))?;
    let resp = fetch(req).await?;
    if resp.ok() {
        Ok(())
    } else {
        Err(errors_of(resp).await)
    }
}

/// Deletes a record; with `if_match`, only at that version (else `Failure::Changed`).
pub async fn delete(token: &str, id: i64, if_match: Option<&str>) -> Result<(), Failure> {
    let mut req = authorized(Request::delete(&format!("{BASE}/{id}")), token);
    if let Some(tag) = if_match {
        req = req.header("If-Match", tag);
    }
    send_for_status(req).await
}

/// Deletes records now, with `keepalive` so the request outlives the page
/// (a tab closed during an undo window still deletes; unlike `sendBeacon`,
/// it carries the Authorization header). The request is sent before this
/// returns; the future only waits for the answer. Several ids go in one
/// multi-id `DELETE` (all or none, so no `If-Match`: the API refuses it
/// there); one id may carry `if_match`. A 404 for several ids names the
/// missing ones.
pub fn delete_now(
    token: &str,
    ids: &[i64],
    if_match: Option<&str>,
) -> impl std::future::Future<Output = Result<(), Failure>> + 'static {
    use wasm_bindgen::JsCast;
    let path = format!(
        "{BASE}/{}",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    let several = ids.len() > 1;
    let started = (|| {
        let headers = web_sys::Headers::new().ok()?;
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .ok()?;
        headers.set("Accept", "application/json").ok()?;
        if let Some(bookmark) = LAST_BOOKMARK.with(|b| b.borrow().clone()) {
            headers.set(BOOKMARK, &bookmark).ok()?;
        }
        if let Some(tag) = if_match.filter(|_| !several) {
            headers.set("If-Match", tag).ok()?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method("DELETE");
        // `keepalive` (web-sys has no setter for it in this version).
        js_sys::Reflect::set(&init, &"keepalive".into(), &true.into()).ok()?;
        init.set_headers(&headers);
        Some(web_sys::window()?.fetch_with_str_and_init(&path, &init))
    })();
    async move {
        let unreachable = || {
            Failure::Other(
                "Could not reach the server. Check your connection and try again.".into(),
            )
        };
        let answer = wasm_bindgen_futures::JsFuture::from(started.ok_or_else(unreachable)?)
            .await
            .map_err(|_| unreachable())?;
        let resp = Response::from(answer.unchecked_into::<web_sys::Response>());
        if let Some(bookmark) = resp.headers().get(BOOKMARK) {
            LAST_BOOKMARK.with(|b| *b.borrow_mut() = Some(bookmark));
        }
        if resp.ok() {
            return Ok(());
        }
        if several && resp.status() == 404 {
            if let Ok(e) = resp.json::<ApiErrors>().await {
                let missing: Vec<String> = e.errors.into_iter().map(|e| e.detail).collect();
                return Err(Failure::Other(format!(
                    "{}, so none was deleted.",
                    missing.join("; ")
                )));
            }
            return Err(Failure::NotFound);
        }
        Err(errors_of(resp).await)
    }
}

/// How far an export has come: bytes received, and what the server expects
/// (its `X-Expected-Bytes`, when it sent one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub received: u64,
    pub expected: Option<u64>,
}

impl Progress {
    /// Whole percent, below 100 until the download has ended (the expected
    /// size is what the view held when the export started).
    pub fn percent(self) -> Option<u32> {
        self.expected
            .filter(|e| *e > 0)
            .map(|e| ((self.received * 100 / e).min(99)) as u32)
    }
}

/// A finished export: the file's bytes, its name, and how many records.
pub struct Download {
    pub blob: web_sys::Blob,
    pub file_name: String,
    pub records: Option<u64>,
}

/// The file name in `Content-Disposition: attachment; filename="…"`.
pub fn attachment_name(header: &str) -> Option<String> {
    let (_, rest) = header.split_once("filename=\"")?;
    let name = rest.split('"').next()?;
    (!name.is_empty() && !name.contains(['/', '\\'])).then(|| name.to_owned())
}

/// What a reader is told when the transfer of an export breaks off.
pub const EXPORT_STOPPED: &str =
    "The export stopped part-way, so no file was saved. Please try again.";

/// What an export is asked for as: the spreadsheet's file, or the records
/// themselves (one plain record per line, as the list writes them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Ndjson,
}

impl ExportFormat {
    fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv",
            ExportFormat::Ndjson => "application/x-ndjson",
        }
    }
}

/// The whole view in `format` (the API streams it), gathered into a blob
/// while `progress` hears of every piece. `signal` cancels it. `too_many`
/// judges the view's count (`X-Record-Count`) before any of the body is
/// read: its message, if it has one, ends the export there.
pub async fn export(
    token: &str,
    query: &str,
    format: ExportFormat,
    signal: &web_sys::AbortSignal,
    too_many: impl Fn(u64) -> Option<String>,
    progress: impl Fn(Progress),
) -> Result<Download, Failure> {
    use wasm_bindgen::JsCast;
    let req = authorized(Request::get(&format!("{BASE}?{query}")), token)
        .header("Accept", format.media_type())
        .abort_signal(Some(signal))
        .build()
        .map_err(|e| Failure::Other(format!("Could not build the request: {e}")))?;
    let resp = fetch(req).await?;
    if !resp.ok() {
        return Err(errors_of(resp).await);
    }
    let number = |name: &str| resp.headers().get(name).and_then(|v| v.parse::<u64>().ok());
    let expected = number("x-expected-bytes");
    let records = number("x-record-count");
    if let Some(message) = records.and_then(&too_many) {
        if let Some(body) = resp.body() {
            // Nothing more of it is wanted: the server stops streaming.
            let _ = body.cancel();
        }
        return Err(Failure::Other(message));
    }
    let file_name = resp
        .headers()
        .get("content-disposition")
        .and_then(|h| attachment_name(&h))
        .unwrap_or_else(|| "phonerecords.csv".into());
    let body = resp
        .body()
        .ok_or_else(|| Failure::Other(EXPORT_STOPPED.into()))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let pieces = js_sys::Array::new();
    let mut received = 0u64;
    loop {
        let step = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|_| Failure::Other(EXPORT_STOPPED.into()))?;
        let field = |name: &str| js_sys::Reflect::get(&step, &name.into()).unwrap_or_default();
        if field("done").as_bool().unwrap_or(true) {
            break;
        }
        let piece: js_sys::Uint8Array = field("value").unchecked_into();
        received += u64::from(piece.length());
        pieces.push(&piece);
        progress(Progress { received, expected });
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(match format {
        ExportFormat::Csv => "text/csv;charset=utf-8",
        ExportFormat::Ndjson => "application/x-ndjson;charset=utf-8",
    });
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&pieces, &options)
        .map_err(|_| Failure::Other("The browser could not hold the file.".into()))?;
    Ok(Download {
        blob,
        file_name,
        records,
    })
}

/// Whether a token is accepted: the cheapest authenticated request (its
/// body, a sparse fieldset, is not read).
pub async fn check_token(token: &str) -> Result<(), Failure> {
    send_for_status(authorized(
        Request::get(&format!("{BASE}?pageSize=1&fields=id")),
        token,
    ))
    .await
}
