//! Binds [`Value`]s as MySQL parameters. Statements go through sqlx's per-connection prepared
//! statement cache, so a repeated SQL text is prepared once per connection.

use athanor_core::{Error, Result, Value};
use sqlx::mysql::{MySql, MySqlArguments};
use sqlx::query::Query;
use sqlx::{Arguments, AssertSqlSafe};

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
        };
        r.map_err(|e| Error::InvalidQuery(format!("cannot bind a {} parameter: {e}", v.type_name())))?;
    }
    Ok(a)
}

/// A prepared (cached) query for `sql` with `params` bound.
pub fn query(sql: String, params: &[Value]) -> Result<MyQuery> {
    Ok(sqlx::query_with(AssertSqlSafe(sql), arguments(params)?))
}
