//! Paging of `GET /phonerecords`: counts, neighbours as absolute URLs, defaults and limits.

use crate::common::*;
use phonerecords_shared::PagedPhoneRecords;

fn page(query: &str) -> PagedPhoneRecords {
    let r = get(&format!("/phonerecords{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("not PagedPhoneRecords ({e}): {}", r.text()))
}

/// The path and query of an absolute URL that must point at this server.
fn relative(url: &str) -> String {
    let base = base_url();
    url.strip_prefix(&base)
        .unwrap_or_else(|| panic!("{url} is not an absolute URL on {base}"))
        .to_owned()
}

#[test]
fn walking_next_page_visits_every_record_once_in_id_order() {
    for _ in 0..7 {
        create(&minimal());
    }
    let total = record_count();
    let size = 3;
    let mut url = format!("/phonerecords?pageSize={size}");
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let p = page(url.strip_prefix("/phonerecords").unwrap());
        let meta = &p.meta.paging.phonerecords;
        pages += 1;
        assert_eq!(meta.record_count, total);
        assert_eq!(meta.page_count, total.div_ceil(size));
        assert_eq!(meta.page_size, size);
        assert_eq!(meta.page, pages);
        assert_eq!(meta.prev_page.is_some(), pages > 1);
        ids.extend(p.phonerecords.iter().map(|r| r.id));
        match &meta.next_page {
            Some(next) => {
                let next = relative(next);
                assert!(
                    next.contains("pageSize=3"),
                    "other parameters are kept: {next}"
                );
                url = next;
            }
            None => break,
        }
    }
    assert_eq!(pages, total.div_ceil(size));
    assert_eq!(ids.len() as u64, total);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ascending ids, no repeats: {ids:?}"
    );
}

#[test]
fn defaults_are_page_1_of_50() {
    let p = page("");
    let meta = p.meta.paging.phonerecords;
    assert_eq!((meta.page, meta.page_size), (1, 50));
    assert!(meta.prev_page.is_none());
    assert!(p.phonerecords.len() as u64 <= 50);
}

#[test]
fn prev_page_url_keeps_the_other_parameters() {
    create(&minimal());
    create(&minimal());
    let p = page("?pageSize=1&page=2");
    let prev = relative(p.meta.paging.phonerecords.prev_page.as_deref().unwrap());
    assert_eq!(prev, "/phonerecords?pageSize=1&page=1");
}

#[test]
fn a_page_past_the_end_is_empty_with_true_counts() {
    create(&minimal());
    let total = record_count();
    let p = page("?page=100000&pageSize=200");
    let meta = p.meta.paging.phonerecords;
    assert!(p.phonerecords.is_empty());
    assert_eq!(meta.record_count, total);
    assert_eq!(meta.page_count, total.div_ceil(200));
    assert!(meta.next_page.is_none());
    let prev = relative(
        meta.prev_page
            .as_deref()
            .expect("points back to the last page"),
    );
    assert_eq!(
        prev,
        format!("/phonerecords?pageSize=200&page={}", total.div_ceil(200))
    );
}

#[test]
fn page_size_200_is_the_maximum() {
    assert_eq!(
        page("?pageSize=200").meta.paging.phonerecords.page_size,
        200
    );
    let errs = get("/phonerecords?pageSize=201").errors(400);
    assert_eq!(errs, vec![("pageSize".into(), "invalid_parameter".into())]);
}

#[test]
fn bad_paging_parameters_are_400_naming_the_parameter() {
    for (q, path) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("pageSize=0", "pageSize"),
        ("pageSize=", "pageSize"),
    ] {
        let errs = get(&format!("/phonerecords?{q}")).errors(400);
        assert_eq!(errs[0].0, path, "{q}");
    }
    let errs = get("/phonerecords?pagesize=10").errors(400);
    assert_eq!(
        errs,
        vec![("pagesize".into(), "unknown_parameter".into())],
        "a misspelt parameter is never ignored"
    );
}
