//! The UI's components: pure views (table, pager, form) that tests mount
//! directly, and the pages that fetch data for them.

pub mod app;
pub mod form;
pub mod list;
pub mod signin;
