//! DDL for `create_all`: MySQL column types, InnoDB and utf8mb4, indexes inside CREATE TABLE.
//!
//! Type mapping: `bool` → `TINYINT(1)` (reads back as `bool`), integers → `TINYINT` … `BIGINT`
//! (`UNSIGNED` for `u8`–`u64`), `Decimal` → `DECIMAL(p, s)` with the documented default
//! `DECIMAL(20, 8)` (never bare `DECIMAL`, which MySQL reads as `(10, 0)`), `String` →
//! `VARCHAR(n)` (default 255), text → `TEXT`, bytes → `LONGBLOB`, times → `DATE`, `TIME(6)`,
//! `DATETIME(6)` (UTC values too: the session time zone is `+00:00`), JSON → `JSON`,
//! `Uuid` → `CHAR(36)`.

use athanor_core::sql::DdlDialect;
use athanor_core::{ColumnDef, ColumnType, Error, Result, Value};

/// Table options appended to every CREATE TABLE.
pub const TABLE_OPTIONS: &str = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

/// The MySQL [`DdlDialect`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MySqlDdl;

/// Quotes an identifier with backticks, doubling embedded backticks.
pub fn quote_ident(ident: &str) -> String {
    format!("`{}`", ident.replace('`', "``"))
}

/// A string literal for DDL, escaping quotes and backslashes (valid with or without
/// `NO_BACKSLASH_ESCAPES`, since neither character is left bare).
pub fn quote_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

impl DdlDialect for MySqlDdl {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn quote(&self, ident: &str) -> String {
        quote_ident(ident)
    }

    fn column_type(&self, col: &ColumnDef) -> String {
        use ColumnType::*;
        match &col.ty {
            Bool => "TINYINT(1)".into(),
            I8 => "TINYINT".into(),
            I16 => "SMALLINT".into(),
            I32 => "INT".into(),
            I64 => "BIGINT".into(),
            U8 => "TINYINT UNSIGNED".into(),
            U16 => "SMALLINT UNSIGNED".into(),
            U32 => "INT UNSIGNED".into(),
            U64 => "BIGINT UNSIGNED".into(),
            F32 => "FLOAT".into(),
            F64 => "DOUBLE".into(),
            t @ Decimal { .. } => {
                let (p, s) = t.decimal_precision_scale().unwrap_or((20, 8));
                format!("DECIMAL({p}, {s})")
            }
            String { max_len } => format!("VARCHAR({})", max_len.unwrap_or(255)),
            Text => "TEXT".into(),
            Bytes => "LONGBLOB".into(),
            Date => "DATE".into(),
            Time => "TIME(6)".into(),
            DateTime | DateTimeUtc => "DATETIME(6)".into(),
            Json => "JSON".into(),
            Uuid => "CHAR(36)".into(),
        }
    }

    fn literal(&self, v: &Value) -> Result<String> {
        Ok(match v {
            Value::Null => "NULL".into(),
            Value::Bool(b) => if *b { "1" } else { "0" }.into(),
            Value::I64(i) => i.to_string(),
            Value::U64(u) => u.to_string(),
            Value::F64(f) if f.is_finite() => format!("{f:?}"),
            Value::F64(f) => return Err(Error::InvalidQuery(format!("{f} cannot be a MySQL column default"))),
            Value::Decimal(d) => d.to_string(),
            Value::String(s) => quote_str(s),
            Value::Bytes(b) => format!("X'{}'", b.iter().map(|x| format!("{x:02X}")).collect::<std::string::String>()),
            Value::Date(d) => quote_str(&d.format("%Y-%m-%d").to_string()),
            Value::Time(t) => quote_str(&t.format("%H:%M:%S%.6f").to_string()),
            Value::DateTime(t) => quote_str(&t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()),
            Value::DateTimeUtc(t) => quote_str(&t.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f").to_string()),
            // MySQL/MariaDB need a JSON default as an expression.
            Value::Json(j) => format!("({})", quote_str(&j.to_string())),
            Value::Uuid(u) => quote_str(&u.hyphenated().to_string()),
        })
    }

    fn table_options(&self) -> &'static str {
        TABLE_OPTIONS
    }

    fn inline_indexes(&self) -> bool {
        true
    }
}
