//! wrangler.toml's default configuration, as `scripts/dev` serves it and as
//! it deploys: the database has no read replicas (`D1_READ_REPLICATION =
//! "disabled"`), so requests go straight to it — no D1 session, no
//! `x-d1-bookmark` in answers, a bookmark a client sends is ignored — and
//! reads still see every write at once (one primary holds them all).
//! scripts/test runs this against its seeded server, which has no `--env`
//! (`--ignored`: the other servers run with read replicas on).

use crate::common::*;

#[test]
#[ignore = "needs a server with wrangler.toml's default configuration (scripts/test)"]
fn without_read_replicas_there_is_no_session_and_reads_see_every_write() {
    let created = post("/phonerecords", &minimal());
    assert_eq!(
        created.header("x-d1-bookmark"),
        None,
        "a write answers no bookmark"
    );
    let id = created.record().id;
    let path = format!("/phonerecords/{id}");
    // A bookmark from elsewhere (a client that once spoke to a replicated
    // deployment, or a forged one) changes nothing.
    let foreign = "0000000a-00000001-00004f1d-3f7a6c2b9d1e4a5b8c7d6e5f4a3b2c1d";
    for bookmark in [None, Some(foreign), Some("not a bookmark")] {
        let mut req = request("GET", &path).token(&token());
        if let Some(b) = bookmark {
            req = req.header("x-d1-bookmark", b);
        }
        let r = req.send();
        assert_eq!(r.status, 200, "{bookmark:?}: {}", r.text());
        assert_eq!(r.record().id, id, "the write is read back at once");
        assert_eq!(r.header("x-d1-bookmark"), None, "{bookmark:?}");
        let (_, _, calls) = d1_cost(&r);
        assert_eq!(calls, 1, "one round trip, no retry");
    }
    let updated = put(&path, &serde_json::json!({"notes": "read straight after"}));
    assert_eq!(updated.header("x-d1-bookmark"), None);
    let r = request("GET", &path).token(&token()).send();
    assert_eq!(r.record().notes.as_deref(), Some("read straight after"));
    let deleted = delete(&path);
    assert!(deleted.status < 300, "{}", deleted.text());
    assert_eq!(deleted.header("x-d1-bookmark"), None);
    assert_eq!(request("GET", &path).token(&token()).send().status, 404);
}
