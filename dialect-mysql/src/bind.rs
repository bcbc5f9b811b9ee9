//! Binds [`Value`]s as MySQL parameters. Statements go through sqlx's per-connection prepared
//! statement cache, so a repeated SQL text is prepared once per connection.

use athanor_core::{Error, Result, Value};
use futures_core::stream::BoxStream;
use sqlx::mysql::{MySql, MySqlArguments, MySqlQueryResult, MySqlRow};
use sqlx::query::Query;
use sqlx::{Arguments, AssertSqlSafe, RawSql};

/// A ready-to-run sqlx query.
pub type MyQuery = Query<'static, MySql, MySqlArguments>;

/// Encodes `params` into sqlx arguments.
pub fn arguments(params: &[Value]) -> Result<MySqlArguments> {
    let mut a = MySqlArguments::default();
    a.reserve(params.len(), params.len() * 8);
    for v in params {
        let r = match v {
            Value::Null => a.add(None::<String>),
            Value::Bool(b) => a.add(*b),
            Value::I64(i) => a.add(*i),
            Value::U64(u) => a.add(*u),
            Value::F64(f) => a.add(*f),
            Value::Decimal(d) => a.add(*d),
            Value::String(s) => a.add(s.as_str()),
            Value::Bytes(b) => a.add(b.as_slice()),
            Value::Date(d) => a.add(*d),
            Value::Time(t) => a.add(*t),
            Value::DateTime(t) => a.add(*t),
            Value::DateTimeUtc(t) => a.add(*t),
            // MariaDB's JSON is LONGTEXT with a validity check; text works on both servers.
            Value::Json(j) => a.add(j.to_string()),
            // Stored as CHAR(36), the hyphenated form.
            Value::Uuid(u) => a.add(u.hyphenated().to_string()),
            Value::Array(_) => return Err(Error::unsupported("mysql", "array parameters")),
        };
        r.map_err(|e| Error::InvalidQuery(format!("cannot bind a {} parameter: {e}", v.type_name())))?;
    }
    Ok(a)
}

/// A statement ready to run: prepared (and cached per connection) when it has parameters or
/// is DML; sent as plain text when it is raw SQL or DDL without parameters (some statements,
/// such as `LOCK TABLES` on MySQL, cannot be prepared).
pub enum Ready {
    /// Binary protocol, prepared statement cache.
    Prepared(MyQuery),
    /// Text protocol, not prepared.
    Text(RawSql),
}

impl Ready {
    /// Runs a statement returning no rows.
    pub async fn execute<'c, E: sqlx::Executor<'c, Database = MySql>>(self, e: E) -> std::result::Result<MySqlQueryResult, sqlx::Error> {
        match self {
            Ready::Prepared(q) => q.execute(e).await,
            Ready::Text(q) => q.execute(e).await,
        }
    }

    /// Streams the answer: its rows, and the end of each result set (`Left`; raw SQL of several
    /// statements on the text protocol answers with several, each with its own columns).
    pub fn fetch_many<'e, 'c: 'e, E: 'e + sqlx::Executor<'c, Database = MySql>>(
        self,
        e: E,
    ) -> BoxStream<'e, std::result::Result<sqlx::Either<MySqlQueryResult, MySqlRow>, sqlx::Error>> {
        match self {
            Ready::Prepared(q) => e.fetch_many(q),
            Ready::Text(q) => e.fetch_many(q),
        }
    }
}

/// Binds `params` to `sql`; `text_ok` allows the text protocol when there are no parameters.
pub fn ready(sql: String, params: &[Value], text_ok: bool) -> Result<Ready> {
    if text_ok && params.is_empty() {
        return Ok(Ready::Text(sqlx::raw_sql(AssertSqlSafe(sql))));
    }
    Ok(Ready::Prepared(sqlx::query_with(AssertSqlSafe(sql), arguments(params)?)))
}

/// True for statements that may go unprepared when they have no parameters: DDL, and raw SQL
/// other than queries (`SET`, `KILL`, `LOCK TABLES`, … are often one-off or not preparable).
/// Raw `SELECT`/`WITH` queries stay prepared: repeated ones then skip parsing and decode binary.
pub fn text_ok(stmt: &athanor_core::ast::Statement) -> bool {
    use athanor_core::ast::Statement as S;
    match stmt {
        S::CreateTable(_) | S::DropTable(_) => true,
        S::Raw(r) => {
            let head: String = r.sql.trim_start().chars().take(6).collect::<String>().to_ascii_uppercase();
            !(head.starts_with("SELECT") || head.starts_with("WITH"))
        }
        _ => false,
    }
}
