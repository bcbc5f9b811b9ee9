//! Response bodies and headers: JSON rows read through [`RowAccess`] (exact numbers, no
//! intermediate `serde_json::Value` per row) and `Content-Range` counts.

use athanor_core::row::RowAccess;
use athanor_core::{Decimal, Error, Result, Value, ValueKind};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// `Content-Range: first-last/total`: the page (`None` when empty, `*`) and the total (`None`
/// when not counted, `*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    /// First and last row index of the page.
    pub range: Option<(u64, u64)>,
    /// Total rows, when a count was asked for.
    pub total: Option<u64>,
}

impl ContentRange {
    /// Parses `0-9/100`, `*/0`, `0-0/*`, `*/*`. A range that ends before it starts, or past
    /// the total, is not a usable header (`None`).
    pub fn parse(s: &str) -> Option<ContentRange> {
        let s = s.trim();
        let s = s.strip_prefix("items ").unwrap_or(s);
        let (range, total) = s.split_once('/')?;
        let total = match total.trim() {
            "*" => None,
            t => Some(t.parse().ok()?),
        };
        let range = match range.trim() {
            "*" => None,
            r => {
                let (a, b) = r.split_once('-')?;
                Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
            }
        };
        match (range, total) {
            (Some((a, b)), _) if a > b => None,
            (Some((_, b)), Some(t)) if b >= t => None,
            _ => Some(ContentRange { range, total }),
        }
    }
}

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// One JSON object of a response, keys in the server's order, values as raw JSON text.
pub struct RawObject<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object (one row)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<RawObject<'de>, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(k) = map.next_key::<Key<'de>>()? {
                    fields.push((k.0, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawObject(fields))
            }
        }
        d.deserialize_map(V)
    }
}

/// Parses a JSON array of objects (a read or `return=representation` body).
pub fn parse_rows(body: &[u8]) -> Result<Vec<RawObject<'_>>> {
    serde_json::from_slice(body).map_err(|e| Error::decode("(response)", format!("expected a JSON array of rows: {e}")))
}

/// One row of a JSON response, its columns in the order the query selected them.
pub struct JsonRow<'a> {
    names: Vec<&'a str>,
    values: Vec<Option<&'a RawValue>>,
}

impl<'a> JsonRow<'a> {
    /// The row's columns in `columns` order, or every key of `obj` when `columns` is `None`.
    pub fn new(obj: &'a RawObject<'a>, columns: Option<&'a [String]>) -> Self {
        match columns {
            Some(cols) => JsonRow {
                names: cols.iter().map(String::as_str).collect(),
                // The server sends keys in select order: try the same position before searching.
                values: cols
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match obj.0.get(i) {
                        Some((k, v)) if k == c => Some(*v),
                        _ => obj.0.iter().find(|(k, _)| k == c).map(|(_, v)| *v),
                    })
                    .collect(),
            },
            None => {
                JsonRow { names: obj.0.iter().map(|(k, _)| k.as_ref()).collect(), values: obj.0.iter().map(|(_, v)| Some(*v)).collect() }
            }
        }
    }
}

impl RowAccess for JsonRow<'_> {
    fn len(&self) -> usize {
        self.names.len()
    }
    fn name(&self, i: usize) -> &str {
        self.names[i]
    }
    fn get(&self, i: usize, kind: ValueKind) -> Result<Value> {
        let raw = self.values[i].ok_or_else(|| Error::decode(self.names[i], "the server's response has no such key"))?;
        json_to_value(raw.get(), kind).map_err(|reason| Error::decode(self.names[i], reason))
    }
}

fn number(raw: &str, kind: ValueKind) -> std::result::Result<Value, String> {
    let decimal = || Decimal::from_str(raw).or_else(|_| Decimal::from_scientific(raw)).ok();
    let float = || raw.parse::<f64>().map(Value::F64).map_err(|e| format!("{raw}: {e}"));
    match kind {
        ValueKind::F64 => float(),
        ValueKind::String => Ok(Value::String(raw.to_owned())),
        ValueKind::Json => serde_json::from_str(raw).map(Value::Json).map_err(|e| e.to_string()),
        ValueKind::Decimal => decimal().map(Value::Decimal).map_or_else(float, Ok),
        _ => {
            if let Ok(i) = raw.parse::<i64>() {
                Ok(Value::I64(i))
            } else if let Ok(u) = raw.parse::<u64>() {
                Ok(Value::U64(u))
            } else if let (false, Some(d)) = (raw.contains(['e', 'E']), decimal()) {
                Ok(Value::Decimal(d))
            } else {
                float()
            }
        }
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let h = s.strip_prefix("\\x")?;
    if h.len() % 2 != 0 {
        return None;
    }
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(h.get(i..i + 2)?, 16).ok()).collect()
}

/// Converts one raw JSON value to the kind a decoder asks for. Strings stay strings for
/// Decimal/UUID/dates (the core parses them); `bytea` arrives as `\x…` hex.
pub fn json_to_value(raw: &str, kind: ValueKind) -> std::result::Result<Value, String> {
    let first = raw.as_bytes().first().copied().unwrap_or(b'n');
    match first {
        b'n' => Ok(Value::Null),
        b't' | b'f' if kind == ValueKind::Json => Ok(Value::Json(serde_json::Value::Bool(first == b't'))),
        b't' | b'f' => Ok(Value::Bool(first == b't')),
        b'"' => {
            let s: String = serde_json::from_str(raw).map_err(|e| e.to_string())?;
            Ok(match kind {
                ValueKind::Json => Value::Json(serde_json::Value::String(s)),
                ValueKind::Bytes => match unhex(&s) {
                    Some(b) => Value::Bytes(b),
                    None => Value::Bytes(s.into_bytes()),
                },
                _ => Value::String(s),
            })
        }
        b'[' | b'{' if kind == ValueKind::String => Ok(Value::String(raw.to_owned())),
        b'[' | b'{' => serde_json::from_str(raw).map(Value::Json).map_err(|e| e.to_string()),
        _ => number(raw, kind),
    }
}
