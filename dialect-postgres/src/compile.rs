//! Capabilities and compilation: core's sea-query compiler with `PostgresQueryBuilder` (`$n`
//! placeholders, native `ILIKE`, `NULLS FIRST/LAST`, `ON CONFLICT (…) DO UPDATE SET c =
//! "excluded"."c"`, `RETURNING` on INSERT/UPDATE/DELETE), DDL through [`PgDdl`].
//!
//! - Raw SQL's `:name` binds become `$1, $2, …` (a `?` in raw SQL, e.g. the JSONB operator, is
//!   left alone).
//! - `ON CONFLICT DO UPDATE` needs a conflict target on PostgreSQL. A statement without one gets
//!   the table's only unique key that the insert covers (see `crate::conflict`); compiled without
//!   it, the statement is refused with [`athanor_core::Error::Unsupported`].
//! - Inserts of several rows go as one array per column through `unnest` (see `crate::bulk`),
//!   split only above [`MAX_STATEMENT_BYTES`] of values; a column mixing value kinds keeps
//!   multi-row `VALUES`, split under 65,535 parameters per statement.

use crate::ddl::PgDdl;
use crate::error::DIALECT;
use athanor_core::ast::{Insert, OnConflictAction, Statement};
use athanor_core::sql::{self, compile_named_binds_pg, create_table_sql, drop_table_sql, insert_chunks, SqlDialect};
use athanor_core::{Capabilities, Compiled, Error, Result, RowLockCaps, SqlQuery};

/// Most parameters in one PostgreSQL statement (the protocol counts them in 16 bits).
pub const MAX_PARAMS: usize = 65_535;
/// Bytes of bound values per statement before a bulk insert is split (well under the 1 GiB
/// message limit; keeps one statement's memory bounded).
pub const MAX_STATEMENT_BYTES: usize = 32 * 1024 * 1024;

/// What PostgreSQL can express.
pub fn capabilities() -> Capabilities {
    Capabilities {
        raw_sql: true,
        transactions: true,
        savepoints: true,
        insert_returning: true,
        update_returning: true,
        delete_returning: true,
        on_conflict_target: true,
        ilike: true,
        group_by: true,
        ddl: true,
        max_params: MAX_PARAMS,
        one_fetches_two: false,
        // NULLs sort as the largest value on PostgreSQL.
        nulls_sort_low: false,
        // Standard-conforming strings: a backslash is an ordinary character.
        backslash_escapes: false,
        // FOR UPDATE/FOR SHARE [NOWAIT | SKIP LOCKED] (9.5+); refused with DISTINCT, GROUP BY,
        // HAVING, aggregates, and on the nullable side of an outer join.
        locks: RowLockCaps {
            supported: true,
            share_mode_syntax: false,
            nowait: true,
            skip_locked: true,
            with_grouping: false,
            with_outer_join: false,
        },
        // IN lists as `= ANY($1)`: one statement shape whatever the list's length.
        array_params: true,
    }
}

fn core(stmt: &Statement) -> Result<SqlQuery> {
    let caps = capabilities();
    let d = SqlDialect { name: DIALECT, caps: &caps, builder: || sea_query::PostgresQueryBuilder };
    match sql::compile(&d, stmt)? {
        Compiled::Sql(q) => Ok(q),
        other => Err(Error::InvalidQuery(format!("unexpected compiled form {other}"))),
    }
}

/// Rewrites the `?` placeholders that core's named-bind scanner put where `:name` stood in `raw`
/// into `$1, $2, …`. `scanned` is `raw` with each bind replaced by `?`, so walking both side by
/// side tells a bind from a `?` the user wrote.
fn dollar_placeholders(raw: &str, scanned: &str) -> String {
    let (r, s) = (raw.as_bytes(), scanned.as_bytes());
    let mut out = String::with_capacity(scanned.len() + 8);
    let (mut i, mut j, mut n) = (0, 0, 0);
    let mut start = 0;
    while j < s.len() {
        if s[j] == b'?' && r.get(i) == Some(&b':') {
            out.push_str(&scanned[start..j]);
            n += 1;
            out.push_str(&format!("${n}"));
            i += 1;
            while i < r.len() && (r[i].is_ascii_alphanumeric() || r[i] == b'_') {
                i += 1;
            }
            j += 1;
            start = j;
        } else {
            i += 1;
            j += 1;
        }
    }
    out.push_str(&scanned[start..]);
    out
}

fn check_conflict(i: &Insert) -> Result<()> {
    if let Some(oc) = &i.on_conflict {
        if oc.target.is_empty() && matches!(oc.action, OnConflictAction::Update(_) | OnConflictAction::Set(_)) {
            return Err(Error::unsupported(
                DIALECT,
                format!(
                    "ON CONFLICT DO UPDATE without a conflict target on {:?}: PostgreSQL needs one; name it with on_conflict([...]) \
                     (the dialect fills it in when the table has exactly one unique key the insert covers)",
                    i.table
                ),
            ));
        }
    }
    Ok(())
}

fn one(stmt: &Statement) -> Result<Vec<SqlQuery>> {
    Ok(match stmt {
        Statement::Raw(raw) => {
            let nb = compile_named_binds_pg(&raw.sql, &raw.binds)?;
            let sql = if nb.params.is_empty() { nb.sql } else { dollar_placeholders(&raw.sql, &nb.sql) };
            vec![SqlQuery { sql, params: nb.params }]
        }
        Statement::CreateTable(t) => create_table_sql(&PgDdl, t)?.into_iter().map(|sql| SqlQuery { sql, params: Vec::new() }).collect(),
        Statement::DropTable(name) => vec![SqlQuery { sql: drop_table_sql(&PgDdl, name), params: Vec::new() }],
        Statement::Insert(i) => {
            check_conflict(i)?;
            vec![core(stmt)?]
        }
        other => vec![core(other)?],
    })
}

/// The statements to run for `stmt`, in order: one, except for DDL with separate statements and
/// bulk inserts over the parameter limit (the connection runs those in one transaction).
pub fn plan(stmt: &Statement) -> Result<Vec<SqlQuery>> {
    if let Statement::Insert(i) = stmt {
        if !i.columns.is_empty() && i.rows.len() > 1 {
            check_conflict(i)?;
            if let Some(plan) = unnest_plan(i)? {
                return Ok(plan);
            }
            let chunks = insert_chunks(i, MAX_PARAMS, MAX_STATEMENT_BYTES);
            if chunks.len() > 1 {
                return chunks.into_iter().map(|r| core(&Statement::Insert(Insert { rows: i.rows[r].to_vec(), ..i.clone() }))).collect();
            }
        }
    }
    one(stmt)
}

/// The `unnest` statements of a bulk insert, or `None` when a column has no array type.
fn unnest_plan(i: &Insert) -> Result<Option<Vec<SqlQuery>>> {
    let mut plan = Vec::new();
    for rows in insert_chunks(i, usize::MAX, MAX_STATEMENT_BYTES) {
        match crate::bulk::unnest_insert(i, rows)? {
            Some(q) => plan.push(q),
            None => return Ok(None),
        }
    }
    Ok(Some(plan))
}

/// The multi-row `VALUES` statements of a bulk insert (the form before `unnest`, and the
/// fallback for columns mixing value kinds), split under the parameter limit. Public for tests
/// that compare both forms on the server.
pub fn values_plan(stmt: &Statement) -> Result<Vec<SqlQuery>> {
    if let Statement::Insert(i) = stmt {
        check_conflict(i)?;
        if !i.columns.is_empty() {
            let chunks = insert_chunks(i, MAX_PARAMS, MAX_STATEMENT_BYTES);
            return chunks.into_iter().map(|r| core(&Statement::Insert(Insert { rows: i.rows[r].to_vec(), ..i.clone() }))).collect();
        }
    }
    one(stmt)
}

/// `Backend::compile`: one statement as `Compiled::Sql`, several as `Compiled::Script`.
pub fn compile(stmt: &Statement) -> Result<Compiled> {
    let mut qs = plan(stmt)?;
    Ok(if qs.len() == 1 { Compiled::Sql(qs.remove(0)) } else { Compiled::Script(qs) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_placeholders_keep_user_question_marks() {
        let raw = "SELECT data ? 'k', :a::int, ':b', :a FROM t WHERE x = :c";
        let scanned = "SELECT data ? 'k', ?::int, ':b', ? FROM t WHERE x = ?";
        assert_eq!(dollar_placeholders(raw, scanned), "SELECT data ? 'k', $1::int, ':b', $2 FROM t WHERE x = $3");
    }
}
