//! [`RowAccess`] over sqlx's `PgRow`: each column is decoded once, into the kind the caller asks
//! for.
//!
//! - `NUMERIC` reads as an exact `Decimal`; asked for `U64`/`I64` (a `u64` column is
//!   `NUMERIC(20, 0)`) it must be a whole number in range.
//! - `TIMESTAMP` reads as `DateTime`, `TIMESTAMPTZ` as `DateTimeUtc` (either converts when the other
//!   is asked for, `TIMESTAMP` taken as UTC).
//! - `JSON`/`JSONB` read as `Json`, `UUID` as `Uuid`; both also as `String` when asked.

use athanor_core::{Result, RowAccess, Value, ValueKind};
use athanor_pool::sqlx_row::column_value;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use sqlx::postgres::{PgRow, PgValueRef};
use sqlx::{Column, Decode, Row, TypeInfo, ValueRef};

/// A borrowed PostgreSQL row as [`RowAccess`], with its result set's read plan.
pub struct PgRowRef<'r> {
    row: &'r PgRow,
    wires: &'r [Wire],
    result_set: usize,
}

impl<'r> PgRowRef<'r> {
    /// Wraps `row` of result set number `result_set`; `wires` is that result set's plan
    /// ([`Wires::of`]).
    pub fn new(row: &'r PgRow, wires: &'r [Wire], result_set: usize) -> Self {
        PgRowRef { row, wires, result_set }
    }
}

/// The read plan of one result set (see [`athanor_pool::sqlx_row::Wires`]).
pub type Wires = athanor_pool::sqlx_row::Wires<Wire>;

impl athanor_pool::sqlx_row::Wire for Wire {
    fn for_type(type_name: &str) -> Self {
        wire(type_name)
    }
}

/// How a column's wire type is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// `BOOL`.
    Bool,
    /// `INT2`.
    I16,
    /// `INT4`.
    I32,
    /// `INT8`.
    I64,
    /// `OID`.
    Oid,
    /// `FLOAT4`.
    F32,
    /// `FLOAT8`.
    F64,
    /// `NUMERIC`.
    Numeric,
    /// Character types.
    Text,
    /// `BYTEA`.
    Bytes,
    /// `DATE`.
    Date,
    /// `TIME`.
    Time,
    /// `TIMESTAMP`.
    Timestamp,
    /// `TIMESTAMPTZ`.
    TimestampTz,
    /// `JSON`, `JSONB`.
    Json,
    /// `UUID`.
    Uuid,
    /// `VOID` (e.g. `SELECT pg_sleep(1)`).
    Void,
    /// Anything else: read as text if it can be.
    Other,
}

/// The read plan for a type name as sqlx reports it.
pub fn wire(type_name: &str) -> Wire {
    match type_name {
        "BOOL" => Wire::Bool,
        "INT2" => Wire::I16,
        "INT4" => Wire::I32,
        "INT8" => Wire::I64,
        "OID" => Wire::Oid,
        "FLOAT4" => Wire::F32,
        "FLOAT8" => Wire::F64,
        "NUMERIC" => Wire::Numeric,
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" | "\"CHAR\"" | "CITEXT" | "UNKNOWN" => Wire::Text,
        "BYTEA" => Wire::Bytes,
        "DATE" => Wire::Date,
        "TIME" => Wire::Time,
        "TIMESTAMP" => Wire::Timestamp,
        "TIMESTAMPTZ" => Wire::TimestampTz,
        "JSON" | "JSONB" => Wire::Json,
        "UUID" => Wire::Uuid,
        "VOID" => Wire::Void,
        _ => Wire::Other,
    }
}

fn dec<'r, T: Decode<'r, sqlx::Postgres>>(v: PgValueRef<'r>) -> std::result::Result<T, String> {
    T::decode(v).map_err(|e| e.to_string())
}

impl RowAccess for PgRowRef<'_> {
    fn len(&self) -> usize {
        self.row.columns().len()
    }

    fn name(&self, i: usize) -> &str {
        self.row.columns()[i].name()
    }

    fn result_set(&self) -> usize {
        self.result_set
    }

    fn get(&self, i: usize, kind: ValueKind) -> Result<Value> {
        column_value(self.row, i, |raw| {
            let w = match self.wires.get(i) {
                Some(w) => *w,
                None => wire(raw.type_info().name()),
            };
            read(raw, w, kind)
        })
    }
}

fn int(n: i64, kind: ValueKind) -> std::result::Result<Value, String> {
    Ok(match kind {
        ValueKind::Bool => match n {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            n => return Err(format!("expected bool (0 or 1), found {n}")),
        },
        ValueKind::U64 => Value::U64(u64::try_from(n).map_err(|_| format!("{n} is negative, expected an unsigned value"))?),
        ValueKind::F64 => Value::F64(n as f64),
        ValueKind::Decimal => Value::Decimal(Decimal::from(n)),
        _ => Value::I64(n),
    })
}

fn numeric(d: Decimal, kind: ValueKind) -> std::result::Result<Value, String> {
    let whole = || if d.fract().is_zero() { Ok(()) } else { Err(format!("{d} is not a whole number")) };
    Ok(match kind {
        ValueKind::U64 => {
            whole()?;
            Value::U64(d.to_u64().ok_or_else(|| format!("{d} does not fit in u64"))?)
        }
        ValueKind::I64 => {
            whole()?;
            Value::I64(d.to_i64().ok_or_else(|| format!("{d} does not fit in i64"))?)
        }
        ValueKind::F64 => Value::F64(d.to_f64().ok_or_else(|| format!("{d} does not fit in f64"))?),
        _ => Value::Decimal(d),
    })
}

/// The display scale (`dscale`) a NUMERIC value carries: the fifth i16 of its binary form, or
/// the digits after the point in text.
fn display_scale(raw: &PgValueRef<'_>) -> Option<u32> {
    let bytes = raw.as_bytes().ok()?;
    match raw.format() {
        sqlx::postgres::PgValueFormat::Binary => numeric_word(bytes, 3).map(u32::from),
        sqlx::postgres::PgValueFormat::Text => {
            let s = std::str::from_utf8(bytes).ok()?;
            Some(s.split_once('.').map_or(0, |(_, f)| f.len() as u32))
        }
    }
}

/// A binary NUMERIC's words: `word(i)` is the i-th big-endian u16 (0: digit count, 1: weight,
/// 2: sign, 3: display scale, then the base-10000 digits).
fn numeric_word(bytes: &[u8], i: usize) -> Option<u16> {
    bytes.get(2 * i..2 * i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

/// True when a binary NUMERIC has at most 28 digits in all and a scale of at most 28, so sqlx's
/// own decoder reads it exactly (the common case, without building its text).
fn fits_decimal(raw: &PgValueRef<'_>) -> bool {
    if raw.format() != sqlx::postgres::PgValueFormat::Binary {
        return false;
    }
    let Ok(bytes) = raw.as_bytes() else { return false };
    let word = |i| numeric_word(bytes, i);
    let (Some(weight), Some(sign), Some(dscale)) = (word(1), word(2), word(3)) else { return false };
    let int_digits = (weight as i16 as i64 + 1).max(0) * 4;
    (sign == 0 || sign == 0x4000) && dscale <= 28 && int_digits + dscale as i64 <= 28
}

/// A NUMERIC's exact decimal text (`None` for NaN, infinities or a malformed value, which the
/// sqlx decoder then reports).
fn numeric_text(raw: &PgValueRef<'_>) -> Option<String> {
    let bytes = raw.as_bytes().ok()?;
    if raw.format() == sqlx::postgres::PgValueFormat::Text {
        return std::str::from_utf8(bytes).ok().map(str::to_owned);
    }
    let word = |i| numeric_word(bytes, i);
    let (n, weight, sign, dscale) = (word(0)? as usize, word(1)? as i16 as i64, word(2)?, word(3)? as usize);
    if sign != 0 && sign != 0x4000 {
        return None;
    }
    let digit = |i: i64| if i >= 0 && (i as usize) < n { word(4 + i as usize) } else { Some(0) };
    // Base-10000 digits: index i stands for 10000^(weight - i).
    let mut int = String::new();
    for i in 0..=weight {
        int += &format!("{:04}", digit(i)?);
    }
    let mut frac = String::new();
    let mut i = weight + 1;
    while frac.len() < dscale {
        frac += &format!("{:04}", digit(i)?);
        i += 1;
    }
    frac.truncate(dscale);
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let sign = if sign == 0x4000 { "-" } else { "" };
    Some(if dscale > 0 { format!("{sign}{int}.{frac}") } else { format!("{sign}{int}") })
}

fn read(raw: PgValueRef<'_>, w: Wire, kind: ValueKind) -> std::result::Result<Value, String> {
    use ValueKind as K;
    Ok(match w {
        Wire::Void => Value::Null,
        Wire::Bool => match kind {
            K::I64 => Value::I64(dec::<bool>(raw)? as i64),
            _ => Value::Bool(dec::<bool>(raw)?),
        },
        Wire::I16 => int(dec::<i16>(raw)? as i64, kind)?,
        Wire::I32 => int(dec::<i32>(raw)? as i64, kind)?,
        Wire::I64 => int(dec::<i64>(raw)?, kind)?,
        Wire::Oid => int(dec::<sqlx::postgres::types::Oid>(raw)?.0 as i64, kind)?,
        Wire::F32 | Wire::F64 => {
            let f = if w == Wire::F32 { dec::<f32>(raw)? as f64 } else { dec::<f64>(raw)? };
            match kind {
                K::Decimal => Value::Decimal(Decimal::try_from(f).map_err(|e| e.to_string())?),
                _ => Value::F64(f),
            }
        }
        Wire::Numeric => {
            let scale = display_scale(&raw);
            // Exact or refused: sqlx would round a value past 28 digits.
            let mut d = if fits_decimal(&raw) {
                dec::<Decimal>(raw)?
            } else {
                match numeric_text(&raw) {
                    Some(text) => athanor_core::exact_decimal::parse_exact(&text)?,
                    None => dec::<Decimal>(raw)?,
                }
            };
            // sqlx drops the scale of a zero (`0.00000000` reads as `0`): take the value's own.
            if let Some(s) = scale.filter(|&s| s > d.scale() && s <= 28) {
                d.rescale(s);
            }
            numeric(d, kind)?
        }
        Wire::Text | Wire::Other => {
            let s: String =
                dec(raw).map_err(|e| if w == Wire::Other { "a column type this dialect does not read".to_string() } else { e })?;
            match kind {
                K::Json => Value::Json(serde_json::from_str(&s).map_err(|e| format!("invalid JSON: {e}"))?),
                K::Uuid => Value::Uuid(s.parse().map_err(|_| format!("cannot parse {s:?} as uuid"))?),
                K::Bytes => Value::Bytes(s.into_bytes()),
                _ => Value::String(s),
            }
        }
        Wire::Bytes => match kind {
            K::String => Value::String(String::from_utf8(dec::<Vec<u8>>(raw)?).map_err(|e| format!("not UTF-8: {e}"))?),
            _ => Value::Bytes(dec::<Vec<u8>>(raw)?),
        },
        Wire::Date => Value::Date(dec::<NaiveDate>(raw)?),
        Wire::Time => Value::Time(dec::<NaiveTime>(raw)?),
        Wire::Timestamp => match kind {
            K::DateTimeUtc => Value::DateTimeUtc(dec::<NaiveDateTime>(raw)?.and_utc()),
            _ => Value::DateTime(dec::<NaiveDateTime>(raw)?),
        },
        Wire::TimestampTz => match kind {
            K::DateTime => Value::DateTime(dec::<DateTime<Utc>>(raw)?.naive_utc()),
            _ => Value::DateTimeUtc(dec::<DateTime<Utc>>(raw)?),
        },
        Wire::Json => {
            let j = dec::<sqlx::types::Json<serde_json::Value>>(raw)?.0;
            match kind {
                K::String => Value::String(j.to_string()),
                _ => Value::Json(j),
            }
        }
        Wire::Uuid => {
            let u = dec::<uuid::Uuid>(raw)?;
            match kind {
                K::String => Value::String(u.hyphenated().to_string()),
                _ => Value::Uuid(u),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_types() {
        assert_eq!(wire("INT8"), Wire::I64);
        assert_eq!(wire("NUMERIC"), Wire::Numeric);
        assert_eq!(wire("JSONB"), Wire::Json);
        assert_eq!(wire("TIMESTAMPTZ"), Wire::TimestampTz);
        assert_eq!(wire("BPCHAR"), Wire::Text);
        assert_eq!(wire("INET"), Wire::Other);
    }

    #[test]
    fn numeric_kinds() {
        assert_eq!(numeric(Decimal::from(18446744073709551615u64), ValueKind::U64).unwrap(), Value::U64(u64::MAX));
        assert!(numeric(Decimal::new(15, 1), ValueKind::I64).is_err());
        assert_eq!(numeric(Decimal::new(15, 1), ValueKind::Any).unwrap(), Value::Decimal(Decimal::new(15, 1)));
    }
}
