//! Many writers at once: every acknowledged create is stored exactly once with
//! a unique id, every acknowledged update is what is stored, and recordCount
//! is exact. Bounded: 8 threads, 200 creates and 200 updates, on 127.0.0.1.
use std::collections::HashSet;
use std::thread;

use crate::common::*;
use serde_json::json;

const THREADS: usize = 8;
const PER_THREAD: usize = 25;

#[test]
fn concurrent_creates_and_updates_are_each_stored_once() {
    let run = nonce();
    let before = record_count();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            thread::spawn(move || {
                let mut made = Vec::new();
                for i in 0..PER_THREAD {
                    let tag = format!("concurrency {run} {t}-{i}");
                    let mut body = minimal();
                    body["notes"] = json!(tag);
                    let rec = create(&body);
                    assert_eq!(rec.notes.as_deref(), Some(tag.as_str()));
                    let changed = format!("{tag} updated");
                    let r = put(
                        &format!("/phonerecords/{}", rec.id),
                        &json!({"outcome": changed}),
                    );
                    assert_eq!(r.record().outcome, changed);
                    made.push((rec.id, tag, changed));
                }
                made
            })
        })
        .collect();
    let made: Vec<(i64, String, String)> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("a writer thread failed"))
        .collect();
    assert_eq!(made.len(), THREADS * PER_THREAD);
    let ids: HashSet<i64> = made.iter().map(|(id, ..)| *id).collect();
    assert_eq!(ids.len(), made.len(), "ids are unique");
    assert_eq!(record_count(), before + made.len() as u64);
    // Each tag is stored exactly once, with its update.
    let r = get(&format!(
        "/phonerecords?notes_like={}&pageSize=200",
        enc(&format!("concurrency {run} *"))
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    let stored = r.json()["phonerecords"].as_array().unwrap().clone();
    assert_eq!(stored.len(), made.len());
    for (id, tag, changed) in &made {
        let matching: Vec<_> = stored.iter().filter(|s| s["notes"] == json!(tag)).collect();
        assert_eq!(matching.len(), 1, "{tag}");
        assert_eq!(matching[0]["id"], json!(id));
        assert_eq!(matching[0]["outcome"], json!(changed));
    }
}
