//! Capabilities and compilation: core's sea-query compiler with `MysqlQueryBuilder`, plus what
//! sea-query's MySQL backend would drop or get wrong.
//!
//! - `NULLS FIRST/LAST` is emulated by sea-query as `ORDER BY col IS NULL DESC|ASC, col`.
//! - `ilike` is emulated by core as `LOWER(a) LIKE LOWER(b)`.
//! - `INSERT/DELETE … RETURNING` is allowed only on MariaDB ≥ 10.5 (detected at first
//!   connect); sea-query's MySQL backend drops RETURNING, so the clause is appended here.
//!   `UPDATE … RETURNING` is never available. Elsewhere RETURNING is `Unsupported`.
//! - An ON CONFLICT target is `Unsupported`: `ON DUPLICATE KEY UPDATE` applies to every unique key.
//!   `on_conflict_do_nothing` is `ON DUPLICATE KEY UPDATE first_col = first_col`, which keeps the row
//!   without `INSERT IGNORE`'s downgrading of other errors to warnings.
//! - Bulk inserts are split under 65,535 placeholders and under `max_allowed_packet`.

use crate::ddl::{quote_ident, MySqlDdl};
use crate::error::DIALECT;
use athanor_core::ast::{Insert, Statement};

use athanor_core::sql::{self, create_table_sql, drop_table_sql, insert_chunks, SqlDialect};
use athanor_core::{Capabilities, ColumnType, Compiled, Result, RowLockCaps, SqlQuery, Table, Value};
use std::borrow::Cow;

/// Most placeholders in one MySQL prepared statement.
pub const MAX_PARAMS: usize = 65_535;
/// `max_allowed_packet` assumed before the server has told us (MySQL 5.7's 4 MiB default).
pub const DEFAULT_MAX_PACKET: usize = 4 * 1024 * 1024;

/// Row locks before the server is identified: `FOR UPDATE` and `LOCK IN SHARE MODE`, which
/// every MySQL and MariaDB takes, without NOWAIT or SKIP LOCKED.
pub const ROW_LOCKS_ANY_SERVER: RowLockCaps =
    RowLockCaps { supported: true, share_mode_syntax: true, nowait: false, skip_locked: false, with_grouping: true, with_outer_join: true };

/// The row locks a server (its `VERSION()`) takes: MySQL 8 `FOR SHARE` and `NOWAIT`/`SKIP
/// LOCKED`; MariaDB `LOCK IN SHARE MODE` (it has no `FOR SHARE`), `NOWAIT` from 10.3 and
/// `SKIP LOCKED` from 10.6, after either lock.
pub fn row_locks(version: &str) -> RowLockCaps {
    let mut parts = version.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    let v = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let (nowait, skip_locked, share_mode_syntax) = if version.to_ascii_lowercase().contains("mariadb") {
        (v >= (10, 3), v >= (10, 6), true)
    } else {
        (v >= (8, 0), v >= (8, 0), v < (8, 0))
    };
    RowLockCaps { nowait, skip_locked, share_mode_syntax, ..ROW_LOCKS_ANY_SERVER }
}

/// What MySQL can express; `returning` is true on MariaDB ≥ 10.5. Row locks are those of any
/// server; the backend sets the identified server's ([`row_locks`]).
pub fn capabilities(returning: bool) -> Capabilities {
    Capabilities {
        raw_sql: true,
        transactions: true,
        savepoints: true,
        insert_returning: returning,
        update_returning: false,
        delete_returning: returning,
        on_conflict_target: false,
        ilike: false,
        group_by: true,
        ddl: true,
        max_params: MAX_PARAMS,
        one_fetches_two: false,
        nulls_sort_low: true,
        // MySQL's default; the backend turns it off under NO_BACKSLASH_ESCAPES.
        backslash_escapes: true,
        locks: ROW_LOCKS_ANY_SERVER,
        array_params: false,
    }
}

/// A lower bound of the bytes of `q`'s largest packet: the SQL text goes in one (the text query,
/// or the prepare), the bound values in another (the execute), of which text and bytes count.
pub fn packet_lower_bound(q: &SqlQuery) -> usize {
    let values: usize = q
        .params
        .iter()
        .map(|v| match v {
            Value::String(s) => s.len(),
            Value::Bytes(b) => b.len(),
            _ => 0,
        })
        .sum();
    q.sql.len().max(values)
}

/// Bytes of bound values per statement for a server `max_allowed_packet`: three quarters of it,
/// leaving room for the SQL text, the protocol framing and the estimate's error.
pub fn packet_budget(max_allowed_packet: usize) -> usize {
    (max_allowed_packet / 4 * 3).saturating_sub(16 * 1024).max(64 * 1024)
}

fn returning_clause(cols: &[Cow<'static, str>]) -> String {
    let list: Vec<String> = cols.iter().map(|c| quote_ident(c)).collect();
    format!(" RETURNING {}", list.join(", "))
}

fn core(caps: &Capabilities, stmt: &Statement) -> Result<SqlQuery> {
    let d = SqlDialect { name: DIALECT, caps, builder: || sea_query::MysqlQueryBuilder };
    match sql::compile(&d, stmt)? {
        Compiled::Sql(q) => Ok(q),
        other => Err(athanor_core::Error::InvalidQuery(format!("unexpected compiled form {other}"))),
    }
}

fn one(ddl: &MySqlDdl, caps: &Capabilities, stmt: &Statement) -> Result<Vec<SqlQuery>> {
    Ok(match stmt {
        Statement::Insert(i) if !i.returning.is_empty() && caps.insert_returning => {
            let plain = Insert { returning: Vec::new(), ..i.clone() };
            let mut q = core(caps, &Statement::Insert(plain))?;
            q.sql.push_str(&returning_clause(&i.returning));
            vec![q]
        }
        Statement::Delete(d) if !d.returning.is_empty() && caps.delete_returning => {
            let mut plain = d.clone();
            plain.returning.clear();
            let mut q = core(caps, &Statement::Delete(plain))?;
            q.sql.push_str(&returning_clause(&d.returning));
            vec![q]
        }
        Statement::CreateTable(t) => create_table_sql(ddl, t)?
            .into_iter()
            .map(|sql| SqlQuery { sql: prefix_long_index_columns(t, sql), params: Vec::new() })
            .collect(),
        Statement::DropTable(name) => vec![SqlQuery { sql: drop_table_sql(ddl, name), params: Vec::new() }],
        other => vec![core(caps, other)?],
    })
}

/// MySQL cannot index a whole TEXT/BLOB/JSON column: plain indexes on one get a 255-character
/// prefix (`INDEX ix (col(255))`). Unique keys are left whole (MariaDB hashes long unique keys).
fn prefix_long_index_columns(t: &Table, sql: String) -> String {
    let long = |c: &str| t.get_column(c).is_some_and(|c| matches!(c.ty, ColumnType::Text | ColumnType::Bytes));
    let mut sql = sql;
    for ix in t.all_indexes().iter().filter(|ix| !ix.unique && ix.columns.iter().any(|c| long(c))) {
        let name = quote_ident(&ix.name.chars().take(64).collect::<String>());
        let plain: Vec<String> = ix.columns.iter().map(|c| quote_ident(c)).collect();
        let prefixed: Vec<String> =
            ix.columns.iter().map(|c| if long(c) { format!("{}(255)", quote_ident(c)) } else { quote_ident(c) }).collect();
        sql = sql.replace(&format!("INDEX {name} ({})", plain.join(", ")), &format!("INDEX {name} ({})", prefixed.join(", ")));
    }
    sql
}

/// The statements to run for `stmt`, in order: one, except for DDL with separate statements and
/// bulk inserts over the placeholder or packet limit.
pub fn plan(caps: &Capabilities, stmt: &Statement, max_packet: usize) -> Result<Vec<SqlQuery>> {
    plan_with(&MySqlDdl::default(), caps, stmt, max_packet)
}

/// [`plan`] with the DDL settings of the engine (the URL's `collation=`).
pub fn plan_with(ddl: &MySqlDdl, caps: &Capabilities, stmt: &Statement, max_packet: usize) -> Result<Vec<SqlQuery>> {
    if let Statement::Insert(i) = stmt {
        if !i.columns.is_empty() {
            let chunks = insert_chunks(i, caps.max_params, packet_budget(max_packet));
            return chunks.into_iter().map(|r| crate::insert::render(caps, i, r)).collect();
        }
    }
    one(ddl, caps, stmt)
}

/// `Backend::compile`: one statement as `Compiled::Sql`, several as `Compiled::Script`.
pub fn compile(caps: &Capabilities, stmt: &Statement, max_packet: usize) -> Result<Compiled> {
    compile_with(&MySqlDdl::default(), caps, stmt, max_packet)
}

/// [`compile`] with the DDL settings of the engine (the URL's `collation=`).
pub fn compile_with(ddl: &MySqlDdl, caps: &Capabilities, stmt: &Statement, max_packet: usize) -> Result<Compiled> {
    let mut qs = plan_with(ddl, caps, stmt, max_packet)?;
    Ok(if qs.len() == 1 { Compiled::Sql(qs.remove(0)) } else { Compiled::Script(qs) })
}
