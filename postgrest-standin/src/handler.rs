//! The HTTP side: method, path, `Prefer`/`Accept`/profile headers in; status, `Content-Range`
//! and JSON out, as PostgREST answers.

use crate::catalog::{self, TableInfo};
use crate::error::ApiError;
use crate::grammar::parse_query;
use crate::sql::{self, Param, Resolution, Sql};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;
use std::sync::Arc;

const OBJECT: &str = "application/vnd.pgrst.object+json";

/// The `Prefer` header's parts that change an answer.
#[derive(Default)]
struct Prefer {
    representation: bool,
    count: bool,
    resolution: Option<Resolution>,
}

fn prefer(headers: &HeaderMap) -> Prefer {
    let mut p = Prefer::default();
    for value in headers.get_all("prefer") {
        for part in value.to_str().unwrap_or("").split(',').map(str::trim) {
            match part {
                "return=representation" => p.representation = true,
                "count=exact" => p.count = true,
                "resolution=merge-duplicates" => p.resolution = Some(Resolution::Merge),
                "resolution=ignore-duplicates" => p.resolution = Some(Resolution::Ignore),
                _ => {}
            }
        }
    }
    p
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Serves one request; errors become PostgREST's error JSON.
pub async fn handle(State(shared): State<Arc<Shared>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    shared.requests.fetch_add(1, Ordering::SeqCst);
    match serve(&shared, &method, &uri, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn serve(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Result<Response, ApiError> {
    if header(headers, "apikey") != Some(shared.key.as_str()) {
        return Err(ApiError::new(401, "PGRST301", "Invalid API key"));
    }
    let path = uri.path().trim_end_matches('/');
    if path.contains("/rpc/") {
        return Err(ApiError::new(404, "PGRST202", "RPC is not part of the stand-in"));
    }
    let table = percent_encoding::percent_decode_str(path.rsplit('/').next().unwrap_or(""))
        .decode_utf8()
        .map_err(|_| ApiError::parse("the table name is not UTF-8"))?
        .into_owned();
    let read = matches!(*method, Method::GET | Method::HEAD);
    let profile = header(headers, if read { "accept-profile" } else { "content-profile" }).unwrap_or(&shared.default_schema);
    if profile != shared.default_schema {
        return Err(ApiError::new(406, "PGRST106", format!("The schema must be one of the following: {}", shared.default_schema)));
    }
    let q = parse_query(uri.query().unwrap_or(""))?;
    let info = catalog::table(&shared.pool, profile, &table).await?;
    let prefer = prefer(headers);
    let singular = header(headers, "accept").is_some_and(|a| a.contains(OBJECT));
    if read {
        return read_rows(shared, &info, &q, &prefer, singular, *method == Method::HEAD).await;
    }
    let (stmt, status_with_body, status_without) = match *method {
        Method::POST => {
            let (columns, rows) = insert_body(&q, body)?;
            (sql::insert(&info, &q, &columns, rows, prefer.resolution.unwrap_or(Resolution::Error))?, 201, 201)
        }
        Method::PATCH => {
            let (columns, object) = patch_body(body)?;
            (sql::update(&info, &q, &columns, object)?, 200, 204)
        }
        Method::DELETE => (sql::delete(&info, &q)?, 200, 204),
        _ => return Err(ApiError::new(405, "PGRST117", format!("unsupported HTTP method {method}"))),
    };
    let mut tx = shared.pool.begin().await?;
    let (rows, n) = run(&mut tx, &stmt).await?;
    if singular && n != 1 {
        tx.rollback().await?;
        return Err(not_one(n));
    }
    tx.commit().await?;
    let total = if prefer.count { n.to_string() } else { "*".into() };
    if prefer.representation {
        let range = if n > 0 { format!("0-{}/{total}", n - 1) } else { format!("*/{total}") };
        let body = if singular { first_object(&rows) } else { rows };
        Ok(reply(status_with_body, &range, body))
    } else {
        Ok(reply(status_without, &format!("*/{total}"), String::new()))
    }
}

async fn read_rows(
    shared: &Shared,
    info: &TableInfo,
    q: &crate::grammar::Query,
    prefer: &Prefer,
    singular: bool,
    head: bool,
) -> Result<Response, ApiError> {
    let (rows_sql, count_sql) = sql::select(info, q)?;
    let mut tx = shared.pool.begin().await?;
    let (rows, n) = run(&mut tx, &rows_sql).await?;
    let total = if prefer.count { Some(run(&mut tx, &count_sql).await?.1) } else { None };
    tx.commit().await?;
    if singular && n != 1 {
        return Err(not_one(n));
    }
    let offset = q.offset.unwrap_or(0);
    let total_text = total.map_or("*".into(), |t| t.to_string());
    if let Some(t) = total {
        if offset > 0 && offset >= t {
            return Err(ApiError {
                details: Some(format!("An offset of {offset} was requested, but there are only {t} rows.")),
                ..ApiError::new(416, "PGRST103", "Requested range not satisfiable")
            });
        }
    }
    let range = if n > 0 { format!("{offset}-{}/{total_text}", offset + n - 1) } else { format!("*/{total_text}") };
    let status = match total {
        Some(t) if n < t => 206,
        _ => 200,
    };
    let body = match (head, singular) {
        (true, _) => String::new(),
        (false, true) => first_object(&rows),
        (false, false) => rows,
    };
    Ok(reply(status, &range, body))
}

fn not_one(n: u64) -> ApiError {
    ApiError {
        details: Some(format!("The result contains {n} rows")),
        ..ApiError::new(406, "PGRST116", "JSON object requested, multiple (or no) rows returned")
    }
}

fn first_object(rows: &str) -> String {
    let parsed: serde_json::Value = serde_json::from_str(rows).unwrap_or_default();
    parsed.get(0).map(|o| o.to_string()).unwrap_or_default()
}

fn reply(status: u16, range: &str, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, [("content-type", "application/json; charset=utf-8"), ("content-range", range)], body).into_response()
}

async fn run(conn: &mut sqlx::PgConnection, stmt: &Sql) -> Result<(String, u64), ApiError> {
    let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(stmt.text.clone()));
    for p in &stmt.params {
        query = match p {
            Param::Text(s) => query.bind(s.clone()),
            Param::List(items) => query.bind(items.clone()),
        };
    }
    let (rows, n) = query.fetch_one(conn).await?;
    Ok((rows, n.max(0) as u64))
}

fn invalid_body(why: impl Into<String>) -> ApiError {
    ApiError::new(400, "PGRST102", why)
}

/// The insert's columns (`columns=` or the keys every object shares) and its rows as an array.
fn insert_body(q: &crate::grammar::Query, body: &[u8]) -> Result<(Vec<String>, String), ApiError> {
    let parsed: serde_json::Value = serde_json::from_slice(body).map_err(|e| invalid_body(format!("Empty or invalid json: {e}")))?;
    let rows = match parsed {
        serde_json::Value::Array(rows) => rows,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => return Err(invalid_body("the body must be a JSON object or an array of objects")),
    };
    let keys = |v: &serde_json::Value| -> Result<Vec<String>, ApiError> {
        v.as_object().map(|o| o.keys().cloned().collect()).ok_or_else(|| invalid_body("every row must be a JSON object"))
    };
    let columns = match &q.columns {
        Some(c) => c.clone(),
        None => {
            let first = rows.first().map(keys).transpose()?.unwrap_or_default();
            for r in &rows {
                let mut k = keys(r)?;
                let mut f = first.clone();
                k.sort();
                f.sort();
                if k != f {
                    return Err(invalid_body("All object keys must match"));
                }
            }
            first
        }
    };
    Ok((columns, serde_json::Value::Array(rows).to_string()))
}

/// The PATCH's columns (the object's keys) and the object.
fn patch_body(body: &[u8]) -> Result<(Vec<String>, String), ApiError> {
    let parsed: serde_json::Value = serde_json::from_slice(body).map_err(|e| invalid_body(format!("Empty or invalid json: {e}")))?;
    let columns =
        parsed.as_object().map(|o| o.keys().cloned().collect()).ok_or_else(|| invalid_body("a PATCH body must be a JSON object"))?;
    Ok((columns, parsed.to_string()))
}
