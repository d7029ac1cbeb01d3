//! Page arithmetic of list responses.

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;
/// Far beyond any real table; keeps offsets well inside what SQLite and JS hold exactly.
pub const MAX_PAGE: u32 = 10_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// From 1.
    pub page: u32,
    pub page_size: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    pub fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }

    /// Pages needed for `record_count` records (0 when there are none).
    pub fn page_count(self, record_count: u64) -> u64 {
        record_count.div_ceil(u64::from(self.page_size))
    }

    /// The page before this one that has records: from past the end, the last page.
    pub fn prev_page(self, record_count: u64) -> Option<u64> {
        let page = u64::from(self.page);
        let last = self.page_count(record_count);
        (page > 1 && last > 0).then(|| (page - 1).min(last))
    }

    pub fn next_page(self, record_count: u64) -> Option<u64> {
        let page = u64::from(self.page);
        (page < self.page_count(record_count)).then_some(page + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(page: u32, page_size: u32) -> PageRequest {
        PageRequest { page, page_size }
    }

    #[test]
    fn counts_and_neighbours() {
        assert_eq!(req(1, 50).page_count(0), 0);
        assert_eq!(req(1, 50).page_count(50), 1);
        assert_eq!(req(1, 50).page_count(51), 2);
        assert_eq!(req(2, 25).offset(), 25);
        assert_eq!(req(1, 50).prev_page(2487), None);
        assert_eq!(req(1, 50).next_page(2487), Some(2));
        assert_eq!(req(50, 50).next_page(2487), None);
        assert_eq!(req(50, 50).prev_page(2487), Some(49));
        assert_eq!(
            req(90, 50).prev_page(2487),
            Some(50),
            "past the end points back to the last page"
        );
        assert_eq!(req(3, 50).prev_page(0), None);
        assert_eq!(req(MAX_PAGE, MAX_PAGE_SIZE).offset(), 1_999_999_800);
    }
}
