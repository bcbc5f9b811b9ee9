//! DDL for `create_all`: MySQL column types, InnoDB and utf8mb4, indexes inside CREATE TABLE.
//!
//! Type mapping: `bool` → `TINYINT(1)` (reads back as `bool`), integers → `TINYINT` … `BIGINT`
//! (`UNSIGNED` for `u8`–`u64`), `Decimal` → `DECIMAL(p, s)` with the documented default
//! `DECIMAL(20, 8)` (never bare `DECIMAL`, which MySQL reads as `(10, 0)`), `String` →
//! `VARCHAR(n)` (default 255), text → `TEXT`, bytes → `LONGBLOB`, times → `DATE`, `TIME(6)`,
//! `DATETIME(6)` (UTC values too: the session time zone is `+00:00`; a column's `precision`
//! gives `DATETIME(p)`/`TIME(p)`), JSON → `JSON`, `Uuid` → `CHAR(36)`.
//!
//! Text: tables are `utf8mb4` with the server's default collation, or the URL's `collation=`.
//! Text columns (`VARCHAR`, `TEXT`, `CHAR(36)`) get a binary, no-pad collation so `eq` and `like`
//! are case-sensitive and exact (trailing spaces count) and ORDER BY is by code point, as on
//! SQLite and PostgreSQL: `utf8mb4_nopad_bin` on MariaDB ≥ 10.2, `utf8mb4_0900_bin` on MySQL ≥ 8.0,
//! chosen by the server through executable comments (`/*M!…*/` runs on MariaDB only, `/*!80000…*/`
//! on MySQL only). A URL `collation=` replaces it on text columns too: its meaning then applies.

use athanor_core::sql::DdlDialect;
use athanor_core::{ColumnDef, ColumnType, Error, Result, Value};

/// Table options appended to every CREATE TABLE without a URL collation.
pub const TABLE_OPTIONS: &str = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

/// The binary, no-pad collation of text columns, per server.
pub const BINARY_TEXT_COLLATION: &str = athanor_core::sql::MYSQL_BINARY_TEXT_COLLATION;

/// The MySQL [`DdlDialect`].
#[derive(Debug, Clone, Default)]
pub struct MySqlDdl {
    /// The URL's `collation=` (a `utf8mb4_…` collation), for tables and text columns.
    collation: Option<String>,
}

impl MySqlDdl {
    /// DDL with the URL's `collation=`, if any; it must be a `utf8mb4` collation (checked when a
    /// table is created).
    pub fn with_collation(collation: Option<&str>) -> Self {
        MySqlDdl { collation: collation.map(str::to_owned) }
    }

    fn text_collation(&self) -> String {
        match &self.collation {
            Some(c) => format!("COLLATE {c}"),
            None => BINARY_TEXT_COLLATION.to_owned(),
        }
    }
}

/// Quotes an identifier with backticks, doubling embedded backticks.
pub fn quote_ident(ident: &str) -> String {
    format!("`{}`", ident.replace('`', "``"))
}

/// A string literal for DDL that means the same with and without `NO_BACKSLASH_ESCAPES`: quoted,
/// with `'` doubled, when it holds no backslash or NUL; otherwise a `utf8mb4` hex literal
/// (`_utf8mb4 X'…'`), which no `sql_mode` reads differently.
pub fn quote_str(s: &str) -> String {
    if s.contains(['\\', '\0']) {
        let hex: String = s.bytes().map(|b| format!("{b:02X}")).collect();
        return format!("_utf8mb4 X'{hex}'");
    }
    format!("'{}'", s.replace('\'', "''"))
}

/// `(p)` for a time column: its `precision` (0–6), default 6.
fn fsp(col: &ColumnDef) -> Result<u32> {
    match col.time_precision {
        None => Ok(6),
        Some(p) if p <= 6 => Ok(p),
        Some(p) => Err(Error::InvalidQuery(format!("column `{}`: MySQL keeps at most 6 fractional-second digits, not {p}", col.name))),
    }
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
        let text = |ty: std::string::String| format!("{ty} {}", self.text_collation());
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
            String { max_len } => text(format!("VARCHAR({})", max_len.unwrap_or(255))),
            Text => text("TEXT".into()),
            Bytes => "LONGBLOB".into(),
            Date => "DATE".into(),
            // An out-of-range precision is refused by `check_column` before this is rendered.
            Time => format!("TIME({})", fsp(col).unwrap_or(6)),
            DateTime | DateTimeUtc => format!("DATETIME({})", fsp(col).unwrap_or(6)),
            Json => "JSON".into(),
            Uuid => text("CHAR(36)".into()),
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
            Value::Array(_) => return Err(Error::unsupported("mysql", "an array column default")),
        })
    }

    fn table_options(&self) -> Result<String> {
        match &self.collation {
            None => Ok(TABLE_OPTIONS.into()),
            Some(c) if c.to_ascii_lowercase().starts_with("utf8mb4_") && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') => {
                Ok(format!("{TABLE_OPTIONS} COLLATE={c}"))
            }
            Some(_) => Err(Error::InvalidOption {
                key: "collation".into(),
                reason: "tables are created utf8mb4: name a utf8mb4_… collation (or none for the server's default)".into(),
            }),
        }
    }

    fn check_column(&self, col: &ColumnDef) -> Result<()> {
        fsp(col).map(|_| ())
    }

    fn inline_indexes(&self) -> bool {
        true
    }
}
