//! The Phone Records models, their validation and the list query language.
//!
//! Pure Rust without I/O: the Worker and the UI both compile this crate, so
//! what the UI checks as a person types is exactly what the API enforces.

pub mod body;
pub mod date;
pub mod error;
pub mod fields;
pub mod import;
pub mod model;
pub mod paging;
pub mod pattern;
pub mod query;
pub mod summary;
pub mod timestamp;
pub mod validate;

pub use error::{ApiErrors, ErrorItem, FieldError};

/// The collection's path: the API answers here (and under Actionstep's
/// `/api/rest`), and the UI calls it.
pub const COLLECTION_PATH: &str = "/phonerecords";

/// The header that carries a D1 session bookmark both ways
/// (read-your-writes across requests; worker/src/session.rs).
pub const BOOKMARK_HEADER: &str = "x-d1-bookmark";
pub use fields::Field;
pub use model::{
    CreatePhoneRecord, CreatePhoneRecordLinks, Direction, PageMetaData, PagedPhoneRecords,
    PagingData, Patch, PhoneRecord, PhoneRecordLinks, PhoneRecordPageData, UpdatePhoneRecord,
    UpdatePhoneRecordLinks,
};
pub use timestamp::CallTimestamp;
