//! The request's URL, taken apart once: its origin, path and query. The URL
//! workerd hands over is already in its canonical (WHATWG) form, so the
//! origin is the text before the path, exactly as a URL parser would write it.

/// `scheme://host[:port]`, the path, and the query (without `?`).
pub struct Target {
    pub origin: String,
    pub path: String,
    pub query: String,
}

impl Target {
    pub fn parse(url: &str) -> Target {
        let url = url.split_once('#').map_or(url, |(u, _)| u);
        let after_scheme = url.find("://").map_or(0, |i| i + 3);
        let path_start = url[after_scheme..]
            .find(['/', '?'])
            .map_or(url.len(), |i| after_scheme + i);
        let (origin, rest) = url.split_at(path_start);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Target {
            origin: origin.to_owned(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.to_owned()
            },
            query: query.to_owned(),
        }
    }

    /// The query's parameters, decoded, in order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// The same request on another page: every other parameter kept, in order.
    pub fn page_url(&self, page: u64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(self.query.as_bytes()) {
            if k != "page" {
                query.append_pair(&k, &v);
            }
        }
        query.append_pair("page", &page.to_string());
        format!("{}{}?{}", self.origin, self.path, query.finish())
    }

    /// A record's URL under the collection path the request used.
    pub fn item_url(&self, collection: &str, id: i64) -> String {
        format!("{}{collection}/{id}", self.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let t = Target::parse("http://127.0.0.1:8787/phonerecords?pageSize=10&page=2&x=a%20b");
        assert_eq!(
            (t.origin.as_str(), t.path.as_str(), t.query.as_str()),
            (
                "http://127.0.0.1:8787",
                "/phonerecords",
                "pageSize=10&page=2&x=a%20b"
            )
        );
        assert_eq!(
            t.pairs(),
            vec![
                ("pageSize".into(), "10".into()),
                ("page".into(), "2".into()),
                ("x".into(), "a b".into())
            ]
        );
        let bare = Target::parse("https://records.example");
        assert_eq!(
            (
                bare.origin.as_str(),
                bare.path.as_str(),
                bare.query.as_str()
            ),
            ("https://records.example", "/", "")
        );
        let q = Target::parse("https://records.example?x=1#frag");
        assert_eq!((q.path.as_str(), q.query.as_str()), ("/", "x=1"));
    }

    #[test]
    fn page_urls_keep_other_parameters() {
        let t = Target::parse("http://127.0.0.1:8787/phonerecords?pageSize=10&page=2&x=a%20b");
        assert_eq!(
            t.page_url(3),
            "http://127.0.0.1:8787/phonerecords?pageSize=10&x=a+b&page=3"
        );
        assert_eq!(
            t.item_url("/phonerecords", 7),
            "http://127.0.0.1:8787/phonerecords/7"
        );
        let prefixed =
            Target::parse("http://127.0.0.1:8787/api/rest/phonerecords/?pageSize=10&page=2");
        assert_eq!(
            prefixed.page_url(1),
            "http://127.0.0.1:8787/api/rest/phonerecords/?pageSize=10&page=1"
        );
        assert_eq!(
            prefixed.item_url("/api/rest/phonerecords", 7),
            "http://127.0.0.1:8787/api/rest/phonerecords/7"
        );
    }
}
