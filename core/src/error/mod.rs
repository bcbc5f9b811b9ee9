//! Errors. One enum for callers to match on; the larger kinds live in their own files.

mod database;
mod url;

pub use database::{DatabaseError, DbErrorKind};
pub use url::{UrlError, UrlPart};

use std::time::Duration;

/// Result with Athanor's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every error Athanor returns. No variant ever contains a password, API key or JWT.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// No dialect is registered for the URL's scheme.
    #[error("unknown dialect `{scheme}`; accepted: {accepted}")]
    UnknownDialect { scheme: String, accepted: String },
    /// The dialect exists but has no such driver alias.
    #[error("dialect `{dialect}` has no driver `{driver}`; accepted: {accepted}")]
    UnknownDriver { dialect: String, driver: String, accepted: String },
    /// A URL query key (or builder option) the dialect does not know.
    #[error("dialect `{dialect}` does not accept the option `{key}`; accepted: {accepted}")]
    UnknownOption { dialect: String, key: String, accepted: String },
    /// A known option with a value that does not parse. The value itself is not repeated.
    #[error("invalid value for option `{key}`: {reason}")]
    InvalidOption { key: String, reason: String },
    /// The statement needs something this dialect cannot express. Raised before any I/O.
    #[error("the {dialect} dialect does not support {feature}")]
    Unsupported { dialect: &'static str, feature: String },
    /// UPDATE or DELETE without a filter, and `.all_rows()` was not called.
    #[error("refusing {statement} without a filter; call .all_rows() to affect every row")]
    MissingFilter { statement: &'static str },
    /// A statement that is malformed before it reaches a dialect (no rows, unknown bind, ...).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// The server rejected a statement or the connection failed; see [`DbErrorKind`].
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// No connection could be acquired in time.
    #[error("timed out after {waited:?} waiting for a connection to {host}{}", last_error.as_ref().map(|e| format!(" (last connect error: {e})")).unwrap_or_default())]
    PoolTimeout { host: String, waited: Duration, last_error: Option<String> },
    /// `.one()` found no row.
    #[error("expected exactly one row, found none")]
    NotFound,
    /// `.one()` found more than one row.
    #[error("expected exactly one row, found more")]
    MultipleRows,
    /// A value the column cannot store as given (a Decimal with more digits than the column
    /// declares, a NaN or infinite float): refused before any I/O instead of changed silently.
    /// The value itself is not repeated.
    #[error("column `{column}` cannot store the value: {reason}")]
    InvalidValue { column: String, reason: String },
    /// A value could not be converted to the requested Rust type.
    #[error("cannot decode column `{column}`: {reason}")]
    Decode { column: String, reason: String },
    /// The engine or connection was used in a state that does not allow it.
    #[error("{0}")]
    State(String),
}

impl Error {
    /// True for errors worth retrying as a whole transaction (deadlock, lock wait, serialization
    /// failure, lost connection, pool timeout, a 503 from a REST backend).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Database(e) => e.is_retryable(),
            Error::PoolTimeout { .. } => true,
            _ => false,
        }
    }

    /// The database error kind, if this is a database error.
    pub fn db_kind(&self) -> Option<DbErrorKind> {
        match self {
            Error::Database(e) => Some(e.kind),
            _ => None,
        }
    }

    /// Shorthand for [`Error::Unsupported`].
    pub fn unsupported(dialect: &'static str, feature: impl Into<String>) -> Self {
        Error::Unsupported { dialect, feature: feature.into() }
    }

    /// Shorthand for [`Error::Decode`].
    pub fn decode(column: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Error::Decode { column: column.into(), reason: reason.to_string() }
    }
}
