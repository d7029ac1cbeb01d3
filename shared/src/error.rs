//! The error envelope (Actionstep's) and the per-field problems validation reports.

use serde::{Deserialize, Serialize};

/// `{"errors":[…]}`: the body of every error response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiErrors {
    pub errors: Vec<ErrorItem>,
}

/// One problem. `status` is the HTTP status as a string, as Actionstep sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorItem {
    pub status: String,
    pub code: String,
    pub title: String,
    pub detail: String,
    /// The body field (`links.action`) or query parameter (`pageSize`) at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// A problem with one field of a body or one query parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    /// Stable machine-readable code, e.g. `required`, `too_long`.
    pub code: &'static str,
    /// A sentence a person can act on.
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for FieldError {}
