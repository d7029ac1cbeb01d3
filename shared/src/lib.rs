//! The Phone Records models, their validation and the list query language.
//!
//! Pure Rust without I/O: the Worker and the UI both compile this crate, so
//! what the UI checks as a person types is exactly what the API enforces.

pub mod body;
pub mod error;
pub mod fields;
pub mod model;
pub mod paging;
pub mod pattern;
pub mod query;
pub mod timestamp;
pub mod validate;

pub use error::{ApiError, ApiErrors, FieldError};
pub use fields::Field;
pub use model::{
    CreatePhoneRecord, CreatePhoneRecordLinks, Direction, PageMetaData, PagedPhoneRecords,
    PagingData, Patch, PhoneRecord, PhoneRecordLinks, PhoneRecordPageData, UpdatePhoneRecord,
    UpdatePhoneRecordLinks,
};
pub use timestamp::CallTimestamp;
