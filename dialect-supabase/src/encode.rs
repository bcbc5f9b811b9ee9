//! Text and JSON encodings of values and names, following the PostgREST server grammar
//! (`QueryParams.hs`), not the official client's known bugs.
//!
//! - Query keys and values are percent-encoded with the WHATWG form set (only `A-Z a-z 0-9 * - . _`
//!   stay literal), so `+` goes out as `%2B` and a space as `%20`: the server decodes `+` as a space.
//! - A top-level filter value (`col=eq.VALUE`) is taken verbatim by the server: never quoted.
//! - Elements of `in.(…)` and values inside `or=(…)`/`and(…)` trees are double-quoted when they hold
//!   a character the tree grammar reserves, with `"` and `\` backslash-escaped (postgrest-js does not
//!   escape them, which breaks values such as `a",b`).
//! - Names are quoted unless they are plain ASCII letters, digits, `_` and `$` (see
//!   [`field_name`]).

use athanor_core::{Error, Result, Value};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt::Write;

/// Bytes escaped in query keys and values (the WHATWG `application/x-www-form-urlencoded` set).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');
/// Bytes escaped in a path segment (everything but RFC 3986 unreserved characters).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a query key or value (`+` → `%2B`, space → `%20`).
pub fn encode_query(s: &str) -> String {
    utf8_percent_encode(s, QUERY).to_string()
}

/// Percent-encodes one path segment (a `/` inside it is encoded too).
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Percent-encodes each `/`-separated segment of a path.
pub fn encode_path(p: &str) -> String {
    p.split('/').map(encode_segment).collect::<Vec<_>>().join("/")
}

/// `"…"` with `"` and `\` backslash-escaped: the server's quoted-value grammar.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn edge_space(s: &str) -> bool {
    s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace)
}

/// Query keys the server reserves, and logic-tree words: a column with one of these names is
/// quoted so it is read as a column.
const RESERVED_NAMES: &[&str] = &["select", "columns", "on_conflict", "order", "limit", "offset", "and", "or", "not"];

/// A column name as the server's `pFieldName` reads it: bare only when it is plain ASCII
/// letters, digits, `_` and `$` and not a reserved word; quoted otherwise. PostgREST's unquoted
/// grammar takes Haskell letters (not `Ⅻ`, `Ⓐ`, marks such as the `ा` of `नाम`), ASCII digits
/// only (not `٣`, `０`), strips blanks around `-` and stops silently at anything else (`x²` is
/// read as `x`), so everything outside the ASCII set is quoted.
pub fn field_name(name: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let reserved = RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(name));
    if reserved || name.is_empty() || !name.chars().all(plain) {
        quote(name)
    } else {
        name.to_owned()
    }
}

/// A column name as a filter key or logic-tree field (see [`field_name`]).
pub fn filter_name(name: &str) -> String {
    field_name(name)
}

/// A column name in `select`, `order`, `on_conflict` and `columns` (see [`field_name`]; `*`
/// stays `*`).
pub fn list_name(name: &str) -> String {
    if name == "*" {
        name.to_owned()
    } else {
        field_name(name)
    }
}

/// An element of `in.(…)`: quoted when it holds `, ( ) " \`, has edge whitespace, is empty, or
/// reads as `null`. NULL has no element form (the server would read `null` as text): the
/// filter compiler rewrites NULL elements away before this is called.
pub fn in_element(v: &Value) -> Result<String> {
    let s = value_text(v)?;
    let reserved = |c: char| matches!(c, ',' | '(' | ')' | '"' | '\\');
    Ok(if s.is_empty() || edge_space(&s) || s.eq_ignore_ascii_case("null") || s.contains(reserved) { quote(&s) } else { s })
}

/// A value inside an `or=(…)`/`and(…)` tree: quoted when it holds `, ( ) " \ { }`, has edge
/// whitespace or is empty.
pub fn tree_value(s: &str) -> String {
    let reserved = |c: char| matches!(c, ',' | '(' | ')' | '"' | '\\' | '{' | '}');
    if s.is_empty() || edge_space(s) || s.contains(reserved) {
        quote(s)
    } else {
        s.to_owned()
    }
}

/// An element of a PostgreSQL array literal `{…}` (rpc GET arguments).
pub fn array_element(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::Null => return "NULL".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let reserved = |c: char| matches!(c, ',' | '{' | '}' | '"' | '\\') || c.is_whitespace();
    if s.is_empty() || s.eq_ignore_ascii_case("null") || s.contains(reserved) {
        quote(&s)
    } else {
        s
    }
}

/// `\x0a1b…`: PostgreSQL's hex format for `bytea`.
pub fn hex_bytes(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + b.len() * 2);
    s.push_str("\\x");
    for byte in b {
        let _ = write!(s, "{byte:02x}");
    }
    s
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        f.to_string()
    }
}

/// The text PostgreSQL reads back as the same value (filters, rpc GET arguments).
/// NULL has no text form: callers use `is.null`.
pub fn value_text(v: &Value) -> Result<String> {
    Ok(match v {
        Value::Null => return Err(Error::InvalidQuery("NULL has no filter text; use is_null() / is_not_null()".into())),
        Value::Bool(b) => b.to_string(),
        Value::I64(i) => i.to_string(),
        Value::U64(u) => u.to_string(),
        Value::F64(f) if !f.is_finite() => return Err(athanor_core::schema_check::nonfinite_in_query()),
        Value::F64(f) => float_text(*f),
        Value::Decimal(d) => d.to_string(),
        Value::String(s) if s.contains('\0') => return Err(athanor_core::schema_check::unportable_in_query(v)),
        Value::String(s) => s.clone(),
        Value::Bytes(b) => hex_bytes(b),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Time(t) => t.format("%H:%M:%S%.f").to_string(),
        Value::DateTime(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        Value::DateTimeUtc(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        Value::Json(j) => j.to_string(),
        Value::Uuid(u) => u.hyphenated().to_string(),
        Value::Array(_) => return Err(Error::unsupported("supabase", "array values")),
    })
}

/// The JSON body form of a value: numbers stay numbers, except `Decimal` (a string, exact) and
/// non-finite floats; dates, times and UUIDs are strings; bytes are `\x…` hex strings.
pub fn value_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::I64(i) => J::from(*i),
        Value::U64(u) => J::from(*u),
        Value::F64(f) if f.is_finite() => J::from(*f),
        Value::Json(j) => j.clone(),
        other => J::String(value_text(other).unwrap_or_default()),
    }
}
