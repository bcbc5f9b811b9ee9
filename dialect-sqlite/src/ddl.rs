//! SQLite DDL: column types and literals.

use crate::functions::DECIMAL_COLLATION;
use athanor_core::schema::{ColumnDef, ColumnType};
use athanor_core::sql::DdlDialect;
use athanor_core::{Error, Result, Value};

/// `"ident"` with embedded quotes doubled.
pub(crate) fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// SQLite's [`DdlDialect`].
pub struct SqliteDdl;

impl DdlDialect for SqliteDdl {
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn quote(&self, ident: &str) -> String {
        quote_ident(ident)
    }
    fn column_type(&self, c: &ColumnDef) -> String {
        match &c.ty {
            ColumnType::Bool => "BOOLEAN".into(),
            t if t.is_integer() => "INTEGER".into(),
            ColumnType::F32 | ColumnType::F64 => "REAL".into(),
            // Exact text (scale included; TEXT affinity, as "TEXT" is in the type name) compared,
            // sorted and indexed by numeric value through the collation.
            ColumnType::Decimal { .. } => {
                let (p, s) = c.ty.decimal_precision_scale().unwrap_or((20, 8));
                format!("DECIMAL_TEXT({p}, {s}) COLLATE {}", quote_ident(DECIMAL_COLLATION))
            }
            ColumnType::String { max_len: Some(n) } => format!("VARCHAR({n})"),
            ColumnType::Bytes => "BLOB".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time => "TIME".into(),
            ColumnType::DateTime | ColumnType::DateTimeUtc => "DATETIME".into(),
            ColumnType::Json => "JSON".into(),
            _ => "TEXT".into(),
        }
    }
    fn inline_auto_primary_key(&self) -> Option<&'static str> {
        Some("INTEGER PRIMARY KEY AUTOINCREMENT")
    }
    fn auto_increment_keyword(&self) -> &'static str {
        ""
    }
    fn literal(&self, v: &Value) -> Result<String> {
        Ok(match v {
            Value::Null => "NULL".into(),
            Value::Bool(b) => (*b as i32).to_string(),
            Value::I64(i) => i.to_string(),
            Value::U64(u) => u.to_string(),
            Value::F64(f) if f.is_finite() => f.to_string(),
            Value::Decimal(d) => format!("'{d}'"),
            Value::String(s) => format!("'{}'", s.replace('\'', "''")),
            other => return Err(Error::unsupported("sqlite", format!("a {} column default", other.type_name()))),
        })
    }
    fn max_identifier_len(&self) -> usize {
        usize::MAX
    }
}
