//! [`ValueKind`]: the Rust-side type a decoder asks a row for.

#[cfg(doc)]
use super::Value;

/// The Rust-side type a decoder asks a row for, so the dialect can read the wire value directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// No preference: the dialect picks from the column's type.
    Any,
    /// See [`Value::Bool`].
    Bool,
    /// See [`Value::I64`].
    I64,
    /// See [`Value::U64`].
    U64,
    /// See [`Value::F64`].
    F64,
    /// See [`Value::Decimal`].
    Decimal,
    /// See [`Value::String`].
    String,
    /// See [`Value::Bytes`].
    Bytes,
    /// See [`Value::Date`].
    Date,
    /// See [`Value::Time`].
    Time,
    /// See [`Value::DateTime`].
    DateTime,
    /// See [`Value::DateTimeUtc`].
    DateTimeUtc,
    /// See [`Value::Json`].
    Json,
    /// See [`Value::Uuid`].
    Uuid,
}
