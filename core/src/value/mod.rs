//! Values bound to statements and read back from rows, and the traits that move Rust types in and out.

mod convert;
mod generic;
mod kind;
mod numeric;
mod parsed;
mod scalar;
mod traits;
mod variants;

pub(crate) use convert::with_sql_types;
pub use convert::NotValue;
pub use kind::ValueKind;
pub use traits::{decode, FromValue, SqlType, ToValue};
pub use variants::Value;
