//! Bulk inserts through `COPY "t" ("a", "b") FROM STDIN` (text format), for a plain
//! `insert_many` of at least [`COPY_MIN_ROWS`] rows: no `ON CONFLICT`, no `RETURNING`, and
//! TCP_NODELAY in effect ([`athanor_pool::nodelay`]).
//!
//! One `COPY` is one statement: all rows or none (a constraint violation anywhere fails it with
//! the same typed error as the `unnest` INSERT; inside a transaction it joins it). Cancelled
//! mid-stream, the connection is left busy and is closed, never pooled (see [`crate::state`]).
//!
//! Text format: the server reads each field with the column type's input function, as the
//! `unnest` form's casts from its array types do, so a value reaches the same stored value in a
//! column of its own kind. Every value is written so it reads back exactly: strings with `\\`,
//! tab, newline and CR escaped (`\N` is NULL, so a literal `\N` is `\\N`), bytes as `\\x…` hex,
//! floats with their shortest round-trip digits (`NaN`, `Infinity`, `-Infinity`), decimals with
//! their scale, dates and times from the same microseconds sqlx binds (BC years as ` BC`),
//! UTC date-times with `+00`. A NUL in a string is refused by the server, as in the `unnest` form.
//!
//! Batches whose columns mix value kinds (an integer and a decimal, say), hold arrays, or are
//! smaller than [`COPY_MIN_ROWS`] keep the `unnest`/`VALUES` forms of [`crate::compile::plan`],
//! whose casts from one common type they rely on.

use crate::array::ElemType;
use crate::connection::PgConn;
use crate::ddl::quote_ident;
use crate::limits::within;
use athanor_core::ast::{Insert, Statement};
use athanor_core::sql::quoted_list;
use athanor_core::{Error, ExecResult, Result, Value};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use std::fmt::Write as _;

/// Batches of at least this many rows go through `COPY`. Measured on a local server: COPY takes
/// one round trip more than the `unnest` INSERT, which it only makes up for past about 2,000
/// rows (level at 1,000; 10–20% less time per row from 3,000 to 20,000).
pub const COPY_MIN_ROWS: usize = 3000;

/// Bytes of COPY data per `CopyData` message.
const CHUNK: usize = 256 * 1024;

/// The insert of `stmt` when its shape allows `COPY`: enough rows, no conflict clause, no
/// `RETURNING`, and every column's non-NULL values of one kind (no arrays).
pub fn copy_insert(stmt: &Statement) -> Option<&Insert> {
    let Statement::Insert(i) = stmt else { return None };
    let n = i.columns.len();
    if n == 0 || i.rows.len() < COPY_MIN_ROWS || i.on_conflict.is_some() || !i.returning.is_empty() {
        return None;
    }
    if i.rows.iter().any(|r| r.len() != n) {
        return None;
    }
    (0..n).all(|k| one_kind(i.rows.iter().map(|r| &r[k]))).then_some(i)
}

/// True when the non-NULL values are all of one kind (none an array); signed and unsigned
/// integers are one kind, written alike.
fn one_kind<'v>(values: impl Iterator<Item = &'v Value>) -> bool {
    let mut found = None;
    for v in values {
        let kind = match v {
            Value::Null => continue,
            Value::I64(_) | Value::U64(_) => ElemType::Int8,
            other => match ElemType::of(other) {
                Some(t) => t,
                None => return false,
            },
        };
        if *found.get_or_insert(kind) != kind {
            return false;
        }
    }
    true
}

/// [`copy_insert`], where TCP_NODELAY is in effect ([`athanor_pool::nodelay`]): otherwise COPY's two
/// pieces (data, then `CopyDone`) would wait for the server's delayed ACK on every batch.
pub(crate) fn use_copy(stmt: &Statement) -> Option<&Insert> {
    copy_insert(stmt).filter(|_| athanor_pool::nodelay::in_effect())
}

/// `COPY "t" ("a", "b") FROM STDIN`.
pub fn copy_sql(i: &Insert) -> String {
    format!("COPY {} ({}) FROM STDIN", quote_ident(&i.table), quoted_list(quote_ident, &i.columns))
}

/// Appends `row` as one line of COPY text.
pub fn encode_row(buf: &mut String, row: &[Value]) -> Result<()> {
    for (k, v) in row.iter().enumerate() {
        if k > 0 {
            buf.push('\t');
        }
        encode_value(buf, v)?;
    }
    buf.push('\n');
    Ok(())
}

fn encode_value(buf: &mut String, v: &Value) -> Result<()> {
    match v {
        Value::Null => buf.push_str("\\N"),
        Value::Bool(b) => buf.push(if *b { 't' } else { 'f' }),
        Value::I64(i) => {
            let _ = write!(buf, "{i}");
        }
        Value::U64(u) => {
            let _ = write!(buf, "{u}");
        }
        Value::F64(f) => float(buf, *f),
        Value::Decimal(d) => {
            let _ = write!(buf, "{d}");
        }
        Value::String(s) => escape(buf, s),
        Value::Bytes(b) => {
            buf.push_str("\\\\x");
            for byte in b {
                let _ = write!(buf, "{byte:02x}");
            }
        }
        Value::Date(d) => date(buf, *d),
        Value::Time(t) => time(buf, *t)?,
        Value::DateTime(t) => datetime(buf, *t, "")?,
        Value::DateTimeUtc(t) => datetime(buf, t.naive_utc(), "+00")?,
        Value::Json(j) => escape(buf, &j.to_string()),
        Value::Uuid(u) => {
            let _ = write!(buf, "{}", u.hyphenated());
        }
        Value::Array(_) => return Err(Error::InvalidQuery("an array value reached COPY".into())),
    }
    Ok(())
}

/// COPY text escapes: backslash, tab, newline, carriage return.
fn escape(buf: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = rest.find(['\\', '\t', '\n', '\r']) {
        buf.push_str(&rest[..at]);
        buf.push_str(match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        });
        rest = &rest[at + 1..];
    }
    buf.push_str(rest);
}

/// Shortest round-trip digits (`1.5e0`), or PostgreSQL's spellings of the non-finite values.
fn float(buf: &mut String, f: f64) {
    if f.is_nan() {
        buf.push_str("NaN");
    } else if f.is_infinite() {
        buf.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        let _ = write!(buf, "{f:e}");
    }
}

/// `YYYY-MM-DD`, ` BC` for years up to 0 (year 0 is 1 BC).
fn date(buf: &mut String, d: NaiveDate) {
    let _ = write!(buf, "{:04}-{:02}-{:02}", era_year(d), d.month(), d.day());
    if d.year() <= 0 {
        buf.push_str(" BC");
    }
}

fn era_year(d: NaiveDate) -> i32 {
    if d.year() <= 0 {
        1 - d.year()
    } else {
        d.year()
    }
}

/// Microseconds as sqlx binds them (truncated toward zero from the epoch it counts from).
fn micros(delta: TimeDelta, what: &str) -> Result<i64> {
    delta.num_microseconds().ok_or_else(|| Error::InvalidQuery(format!("{what} out of range for PostgreSQL")))
}

fn time(buf: &mut String, t: NaiveTime) -> Result<()> {
    let us = micros(t - NaiveTime::MIN, "a time")?;
    let (s, us) = (us.div_euclid(1_000_000), us.rem_euclid(1_000_000));
    let _ = write!(buf, "{:02}:{:02}:{:02}.{us:06}", s / 3600, s / 60 % 60, s % 60);
    Ok(())
}

fn datetime(buf: &mut String, t: NaiveDateTime, zone: &str) -> Result<()> {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date").and_time(NaiveTime::MIN);
    let us = micros(t - epoch, "a date-time")?;
    let t = epoch + TimeDelta::microseconds(us);
    let d = t.date();
    let _ = write!(
        buf,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}{zone}",
        era_year(d),
        d.month(),
        d.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond() / 1000
    );
    if d.year() <= 0 {
        buf.push_str(" BC");
    }
    Ok(())
}

impl PgConn {
    /// Runs `i` as one `COPY … FROM STDIN`, streamed in [`CHUNK`]-sized messages; each wait on
    /// the server is bounded by `read_timeout`.
    pub(crate) async fn copy_in(&mut self, i: &Insert) -> Result<ExecResult> {
        let inner = self.inner.clone();
        let sql = copy_sql(i);
        if inner.echo {
            tracing::info!(target: "athanor::sql", dialect = crate::error::DIALECT, rows = i.rows.len(), "{sql}");
        }
        let limit = inner.limits.read;
        let begin = async { self.conn.0.copy_in_raw(&sql).await.map_err(|e| inner.err(e)) };
        let mut copy = within(&inner.host, "a COPY", limit, begin).await?;
        let mut buf = String::with_capacity(CHUNK + 4096);
        for (k, row) in i.rows.iter().enumerate() {
            if let Err(e) = encode_row(&mut buf, row) {
                // Not reached for a batch `copy_insert` accepted; never leave the session in COPY.
                let abort = async { copy.abort("a value could not be written").await.map_err(|e| inner.err(e)) };
                within(&inner.host, "a COPY", limit, abort).await?;
                return Err(e);
            }
            if buf.len() >= CHUNK || k + 1 == i.rows.len() {
                let send = async { copy.send(buf.as_bytes()).await.map(|_| ()).map_err(|e| inner.err(e)) };
                within(&inner.host, "a COPY", limit, send).await?;
                buf.clear();
            }
        }
        let done = async { copy.finish().await.map_err(|e| inner.err(e)) };
        let rows = within(&inner.host, "a COPY", limit, done).await?;
        Ok(ExecResult { rows_affected: rows, last_insert_id: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn line(row: &[Value]) -> String {
        let mut s = String::new();
        encode_row(&mut s, row).unwrap();
        s
    }

    #[test]
    fn text_escapes() {
        let s = Value::from("a\tb\nc\rd\\e \\N é");
        assert_eq!(line(&[s, Value::from(""), Value::Null]), "a\\tb\\nc\\rd\\\\e \\\\N é\t\t\\N\n");
        assert_eq!(line(&[Value::Bytes(vec![0, 255, b'\\'])]), "\\\\x00ff5c\n");
        assert_eq!(line(&[Value::Json(serde_json::json!({"q": "a\"b\\\n"}))]), "{\"q\":\"a\\\\\"b\\\\\\\\\\\\n\"}\n");
    }

    #[test]
    fn numbers() {
        let v = [Value::F64(0.1), Value::F64(-0.0), Value::F64(f64::NAN), Value::F64(f64::NEG_INFINITY), Value::F64(1e300)];
        assert_eq!(line(&v), "1e-1\t-0e0\tNaN\t-Infinity\t1e300\n");
        let d = Value::Decimal(rust_decimal::Decimal::new(-1000, 8));
        assert_eq!(line(&[d, Value::U64(u64::MAX), Value::Bool(false)]), "-0.00001000\t18446744073709551615\tf\n");
    }

    #[test]
    fn dates_and_times() {
        // BC, and before 2000: sqlx truncates toward its epoch, the later microsecond.
        let at = NaiveDate::from_ymd_opt(-43, 3, 15).unwrap().and_hms_nano_opt(1, 2, 3, 456_789_999).unwrap();
        assert_eq!(line(&[Value::DateTime(at), Value::Date(at.date())]), "0044-03-15 01:02:03.456790 BC\t0044-03-15 BC\n");
        // Before 2000 sqlx truncates toward its epoch: the later microsecond.
        let at = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap().and_hms_nano_opt(23, 59, 58, 123_456_700).unwrap();
        let utc = Utc.from_utc_datetime(&at);
        assert_eq!(line(&[Value::DateTime(at), Value::DateTimeUtc(utc)]), "1999-12-31 23:59:58.123457\t1999-12-31 23:59:58.123457+00\n");
        let t = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap();
        assert_eq!(line(&[Value::Time(t)]), "23:59:59.999999\n");
    }
}
