//! Binds [`Value`]s as PostgreSQL parameters.
//!
//! - `NULL` is sent with no type (OID 0), so the server infers it from the context, as it does
//!   for a literal `NULL` (a typed text NULL would not go into an integer column).
//! - `U64` is sent as `INT8`, above `i64::MAX` as `NUMERIC` (PostgreSQL has no unsigned types;
//!   the DDL uses `NUMERIC(20, 0)`).
//! - Behind a transaction pooler statements are unnamed (`persistent(false)`): a named prepared
//!   statement may land on another server session.

use athanor_core::{Error, Result, Value};
use futures_core::stream::BoxStream;
use rust_decimal::Decimal;
use sqlx::encode::IsNull;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgQueryResult, PgRow, PgTypeInfo, Postgres};
use sqlx::query::Query;
use sqlx::{Arguments, AssertSqlSafe, RawSql};

/// A ready-to-run sqlx query.
pub type PgQuery = Query<'static, Postgres, PgArguments>;

/// A NULL of no declared type: the server infers its type (parameter OID 0).
struct UntypedNull;

impl sqlx::Type<Postgres> for UntypedNull {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(sqlx::postgres::types::Oid(0))
    }
}

impl sqlx::Encode<'_, Postgres> for UntypedNull {
    fn encode_by_ref(&self, _buf: &mut PgArgumentBuffer) -> std::result::Result<IsNull, sqlx::error::BoxDynError> {
        Ok(IsNull::Yes)
    }
}

/// Encodes `params` into sqlx arguments.
pub fn arguments(params: &[Value]) -> Result<PgArguments> {
    let mut a = PgArguments::default();
    a.reserve(params.len(), params.len() * 8);
    for v in params {
        let r = match v {
            Value::Array(items) => {
                let t = crate::array::elem_type(items)
                    .ok_or_else(|| Error::InvalidQuery("an array parameter needs at least one non-NULL item, all of one type".into()))?;
                crate::array::add(&mut a, items, t)?;
                continue;
            }
            Value::Null => a.add(UntypedNull),
            Value::Bool(b) => a.add(*b),
            Value::I64(i) => a.add(*i),
            Value::U64(u) => match i64::try_from(*u) {
                Ok(i) => a.add(i),
                Err(_) => a.add(Decimal::from(*u)),
            },
            Value::F64(f) => a.add(*f),
            Value::Decimal(d) => a.add(*d),
            Value::String(s) => a.add(s.clone()),
            Value::Bytes(b) => a.add(b.clone()),
            Value::Date(d) => a.add(*d),
            Value::Time(t) => a.add(*t),
            Value::DateTime(t) => a.add(*t),
            Value::DateTimeUtc(t) => a.add(*t),
            Value::Json(j) => a.add(sqlx::types::Json(j.clone())),
            Value::Uuid(u) => a.add(*u),
        };
        r.map_err(|e| Error::InvalidQuery(format!("cannot bind a {} parameter: {e}", v.type_name())))?;
    }
    Ok(a)
}

/// A statement ready to run: extended protocol with binary results (named and cached per
/// connection, or unnamed behind a pooler), or the simple protocol for parameterless DDL and
/// non-query raw SQL.
pub enum Ready {
    /// Extended protocol.
    Prepared(PgQuery),
    /// Simple query protocol, not prepared.
    Text(RawSql),
}

impl Ready {
    /// Runs a statement returning no rows.
    pub async fn execute<'c, E: sqlx::Executor<'c, Database = Postgres>>(self, e: E) -> std::result::Result<PgQueryResult, sqlx::Error> {
        match self {
            Ready::Prepared(q) => q.execute(e).await,
            Ready::Text(q) => q.execute(e).await,
        }
    }

    /// Streams the answer: its rows, and the end of each result set (`Left`; raw SQL of several
    /// statements on the simple protocol answers with several, each with its own columns).
    pub fn fetch_many<'e, 'c: 'e, E: 'e + sqlx::Executor<'c, Database = Postgres>>(
        self,
        e: E,
    ) -> BoxStream<'e, std::result::Result<sqlx::Either<PgQueryResult, PgRow>, sqlx::Error>> {
        match self {
            Ready::Prepared(q) => e.fetch_many(q),
            Ready::Text(q) => e.fetch_many(q),
        }
    }
}

/// Binds `params` to `sql`; `text_ok` allows the simple protocol when there are no parameters;
/// `named` false sends an unnamed statement.
pub fn ready(sql: String, params: &[Value], text_ok: bool, named: bool) -> Result<Ready> {
    if text_ok && params.is_empty() {
        return Ok(Ready::Text(sqlx::raw_sql(AssertSqlSafe(sql))));
    }
    let sql = if named { with_signature(sql, params) } else { sql };
    Ok(Ready::Prepared(sqlx::query_with(AssertSqlSafe(sql), arguments(params)?).persistent(named)))
}

/// The wire type [`arguments`] sends for `v`: one letter, `A` and the element's for an array.
fn push_type_code(sql: &mut String, v: &Value) {
    if let Value::Array(items) = v {
        sql.push('A');
        sql.push(crate::array::elem_type(items).map_or('n', |t| t.code()));
        return;
    }
    sql.push(match v {
        Value::Null => 'n',
        Value::Bool(_) => 'b',
        Value::I64(_) => 'i',
        Value::U64(u) if i64::try_from(*u).is_ok() => 'i',
        Value::U64(_) | Value::Decimal(_) => 'd',
        Value::F64(_) => 'f',
        Value::String(_) => 's',
        Value::Bytes(_) => 'y',
        Value::Date(_) => 'D',
        Value::Time(_) => 't',
        Value::DateTime(_) => 'T',
        Value::DateTimeUtc(_) => 'Z',
        Value::Json(_) => 'j',
        Value::Uuid(_) => 'u',
        Value::Array(_) => unreachable!("handled above"),
    });
}

/// `sql` with a comment naming its parameter types. sqlx caches a named statement by its SQL
/// text alone and binds later values without checking their types against it, so the same text
/// bound with an `INT8` and later a `FLOAT8` would send the float's bits as an integer. With
/// the signature in the text, each type combination is its own cached statement.
pub fn with_signature(mut sql: String, params: &[Value]) -> String {
    if params.is_empty() {
        return sql;
    }
    sql.reserve(2 * params.len() + 16);
    // A newline first: a trailing `--` comment in raw SQL must not swallow it.
    sql.push_str("\n/*athanor:");
    for v in params {
        push_type_code(&mut sql, v);
    }
    sql.push_str("*/");
    sql
}

/// True for statements that may go unprepared when they have no parameters: DDL, and raw SQL
/// other than queries. Raw `SELECT`/`WITH` queries stay prepared (binary results).
pub fn text_ok(stmt: &athanor_core::ast::Statement) -> bool {
    use athanor_core::ast::Statement as S;
    match stmt {
        S::CreateTable(_) | S::DropTable(_) => true,
        S::Raw(r) => {
            let head: String = r.sql.trim_start().chars().take(6).collect::<String>().to_ascii_uppercase();
            !(head.starts_with("SELECT") || head.starts_with("WITH") || head.starts_with("VALUES"))
        }
        _ => false,
    }
}
