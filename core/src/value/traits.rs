//! The traits that move Rust types in and out of [`Value`]s, and the decoding helpers they share.

use super::{Value, ValueKind};
use crate::error::{Error, Result};
use crate::schema::ColumnType;

/// Converts a Rust value into a [`Value`] to bind.
pub trait ToValue {
    /// The bound value.
    fn to_value(&self) -> Value;
}

/// Converts a [`Value`] read from a row into a Rust value. Conversions are lenient where the
/// storage differs by dialect (a `Decimal` stored as text on SQLite, a `bool` as TINYINT on MySQL,
/// a UUID as text in JSON) but never lossy: out-of-range integers and fractional decimals into
/// integers are errors.
pub trait FromValue: Sized {
    /// The kind to ask the row for.
    const KIND: ValueKind;
    /// Converts, or explains why not.
    fn from_value(value: Value) -> std::result::Result<Self, String>;
}

/// A Rust type with a column mapping: the column type for DDL and whether it is nullable.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no column mapping in Athanor",
    label = "this field type cannot be stored in a column",
    note = "supported: integers, f32/f64, bool, String, Vec<u8>, Decimal, chrono dates/times, DateTime<Utc>, serde_json::Value, Uuid, and Option of these"
)]
pub trait SqlType: ToValue + FromValue {
    /// The column type used by `create_all`.
    fn column_type() -> ColumnType;
    /// `Option<T>` columns are nullable.
    const NULLABLE: bool = false;
}

/// Decodes column `name` from a value, attaching the column name to the error.
pub fn decode<T: FromValue>(name: &str, value: Value) -> Result<T> {
    T::from_value(value).map_err(|reason| Error::decode(name, reason))
}

/// The error text of a value of the wrong type (a NULL gets a hint about `Option`).
pub(super) fn mismatch(expected: &str, got: &Value) -> String {
    if got.is_null() {
        format!("expected {expected}, found NULL (use Option<_> for a nullable column)")
    } else {
        format!("expected {expected}, found {}", got.type_name())
    }
}
