//! Calling database functions: `POST /rpc/fn` with a JSON object of arguments, or `GET` with the
//! arguments in the query string (read-only functions).

use crate::backend::SupabaseBackend;
use crate::encode::{array_element, filter_name};
use crate::ext::SupabaseExt;
use crate::request::{RequestContext, RequestParts};
use crate::response::{json_to_value, JsonRow, RawObject};
use athanor_core::model::{FromRow, RowCache};
use athanor_core::row::column_names;
use athanor_core::{Engine, Error, HttpRequest, Result, Row, ValueKind};
use serde_json::value::RawValue;
use std::sync::Arc;

/// Operators the server reads in `op.value` form; a GET argument that looks like one is taken as
/// a filter on the result, not as an argument.
const OPERATORS: &[&str] = &[
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "like",
    "ilike",
    "match",
    "imatch",
    "in",
    "is",
    "isdistinct",
    "fts",
    "plfts",
    "phfts",
    "wfts",
    "cs",
    "cd",
    "ov",
    "sl",
    "sr",
    "nxr",
    "nxl",
    "adj",
];

/// Whether the server's `pOpExpr` would take `v` as a filter (or fail on it) rather than as an
/// argument: anything after `not.` is read as an operator, so every `not.` value counts.
fn looks_like_filter(v: &str) -> bool {
    if v.starts_with("not.") {
        return true;
    }
    let Some((op, _)) = v.split_once('.') else { return false };
    let op = op.split_once('(').map_or(op, |(o, _)| o);
    OPERATORS.contains(&op)
}

fn get_arg(name: &str, v: &serde_json::Value) -> Result<String> {
    let bad =
        |why: &str| Err(Error::InvalidQuery(format!("rpc argument `{name}` cannot be sent by GET: {why}; call without .get() to POST it")));
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Array(items) => format!("{{{}}}", items.iter().map(array_element).collect::<Vec<_>>().join(",")),
        serde_json::Value::Null => return bad("NULL has no query-string form"),
        serde_json::Value::Object(_) => return bad("objects have no query-string form"),
    };
    if looks_like_filter(&text) {
        return bad("the value reads as a filter (`op.value`) to the server");
    }
    Ok(text)
}

/// Compiles an RPC call. `args` must be a JSON object (or null for none).
pub fn compile_rpc(ctx: &RequestContext<'_>, function: &str, args: &serde_json::Value, get: bool) -> Result<HttpRequest> {
    let empty = serde_json::Map::new();
    let map = match args {
        serde_json::Value::Object(m) => m,
        serde_json::Value::Null => &empty,
        _ => return Err(Error::InvalidQuery("rpc arguments must be a JSON object of named arguments".into())),
    };
    let mut req = RequestParts::rpc(if get { "GET" } else { "POST" }, function);
    if get {
        for (k, v) in map {
            let text = get_arg(k, v)?;
            // The server reads the key with `pFieldName` (and keeps reserved keys for itself):
            // quoted unless plain, like every column name.
            req.param(filter_name(k), text);
        }
    } else {
        req.body = Some(serde_json::Value::Object(map.clone()));
    }
    req.finish(ctx)
}

/// Decodes an RPC answer: rows for a set of records, one row for a record, a one-column row
/// named after the function for scalars, nothing for a void function (204).
pub fn decode_rpc(function: &str, body: &[u8]) -> Result<Vec<Row>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let bad = |e: serde_json::Error| Error::decode(function, format!("invalid JSON from the function: {e}"));
    let raw: &RawValue = serde_json::from_slice(body).map_err(bad)?;
    let items: Vec<&RawValue> = if raw.get().starts_with('[') { serde_json::from_str(raw.get()).map_err(bad)? } else { vec![raw] };
    let scalar_names: Arc<[String]> = vec![function.to_owned()].into();
    let mut names: Option<Arc<[String]>> = None;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if item.get().starts_with('{') {
            let obj: RawObject<'_> = serde_json::from_str(item.get()).map_err(bad)?;
            let row = JsonRow::new(&obj, None);
            let n = names.get_or_insert_with(|| column_names(&row));
            out.push(Row::from_access(&row, n)?);
        } else {
            let v = json_to_value(item.get(), ValueKind::Any).map_err(|r| Error::decode(function, r))?;
            out.push(Row::new(scalar_names.clone(), vec![v]));
        }
    }
    Ok(out)
}

/// A database function call on a Supabase engine: `engine.rpc("fn", json!({..})).fetch_all().await`.
#[derive(Debug, Clone)]
pub struct Rpc {
    engine: Engine,
    function: String,
    args: serde_json::Value,
    get: bool,
}

impl Rpc {
    pub(crate) fn new(engine: Engine, function: &str, args: serde_json::Value) -> Self {
        Rpc { engine, function: function.to_owned(), args, get: false }
    }
    /// Calls with GET (arguments in the query string; the server runs it read-only).
    pub fn get(mut self) -> Self {
        self.get = true;
        self
    }
    fn backend(&self) -> Result<&SupabaseBackend> {
        self.engine.supabase()
    }
    /// The request, without sending it.
    pub fn compile(&self) -> Result<HttpRequest> {
        compile_rpc(&self.backend()?.context(), &self.function, &self.args, self.get)
    }
    /// Calls the function and returns its result as rows.
    pub async fn fetch_all(self) -> Result<Vec<Row>> {
        let req = self.compile()?;
        let resp = self.backend()?.send(&req).await?;
        decode_rpc(&self.function, &resp.body)
    }
    /// Calls the function and decodes each row into `T` (a model whose fields match the
    /// function's result columns, in order).
    pub async fn fetch_as<T: FromRow>(self) -> Result<Vec<T>> {
        let mut cache = RowCache::default();
        self.fetch_all().await?.iter().map(|r| T::from_row(r, &mut cache)).collect()
    }
    /// Calls the function and returns its raw JSON result (`null` for a void function).
    pub async fn fetch_json(self) -> Result<serde_json::Value> {
        let req = self.compile()?;
        let resp = self.backend()?.send(&req).await?;
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&resp.body).map_err(|e| Error::decode(&self.function, format!("invalid JSON from the function: {e}")))
    }
}
