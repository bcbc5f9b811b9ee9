//! AST → SQL through sea-query, shared by the SQL dialects. Capabilities are checked first, so
//! nothing sea-query would drop or rewrite silently (RETURNING, conflict targets) gets through.

mod cache;
mod chunk;
mod ddl;
mod expr;
mod grouping;
mod insert_values;
mod lock;
mod named_binds;
mod scalar;
mod value;

pub use chunk::{insert_chunks, InsertChunk};
pub use ddl::{create_table_sql, drop_table_sql, DdlDialect};
pub use insert_values::{insert_values, quoted_list};
pub use named_binds::{compile_named_binds, compile_named_binds_pg, NamedBinds};
pub use value::{from_sea_value, to_sea_value};

use crate::ast::{Delete, Insert, JoinKind, OnConflictAction, Select, SelectKind, Statement, Update};
use crate::compiled::{Compiled, SqlQuery};
use crate::dialect::Capabilities;
use crate::error::{Error, Result};
use expr::ExprCompiler;
use sea_query::{Asterisk, DynIden, JoinType, OnConflict, Query, QueryBuilder};
use std::borrow::Cow;

/// The binary, no-pad collation of the text columns Athanor creates on MySQL/MariaDB, per server
/// (executable comments: `utf8mb4_0900_bin` on MySQL ≥ 8.0, `utf8mb4_nopad_bin` on MariaDB ≥
/// 10.2, nothing on older servers). Text that expressions make gets it too.
pub const MYSQL_BINARY_TEXT_COLLATION: &str = "/*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */";

/// A sea-query identifier for a name: borrowed names (model columns) need no allocation.
#[allow(clippy::ptr_arg)] // the Cow tells a borrowed 'static name from an owned one
pub(crate) fn iden(name: &Cow<'static, str>) -> DynIden {
    match name {
        Cow::Borrowed(s) => DynIden::from(*s),
        Cow::Owned(s) => DynIden::from(s.clone()),
    }
}

/// One SQL dialect's settings for [`compile`].
pub struct SqlDialect<'a, B> {
    /// Dialect name for errors.
    pub name: &'static str,
    /// What it can express.
    pub caps: &'a Capabilities,
    /// Makes the sea-query backend (e.g. `|| MysqlQueryBuilder`).
    pub builder: fn() -> B,
}

/// Compiles a DML statement or raw SQL (not DDL) for a `?`-placeholder SQL dialect. SELECT,
/// UPDATE and DELETE are cached by shape: a statement repeated with other values skips sea-query.
pub fn compile<B: QueryBuilder>(d: &SqlDialect<'_, B>, stmt: &Statement) -> Result<Compiled> {
    let caps = d.caps;
    let flags = caps.ilike as u8
        | (caps.group_by as u8) << 1
        | (caps.update_returning as u8) << 2
        | (caps.delete_returning as u8) << 3
        | (caps.array_params as u8) << cache::ARRAYS_BIT;
    let Some((key, values)) = cache::shape(d.name, flags, stmt) else {
        return compile_uncached(d, stmt);
    };
    if let Some(q) = cache::lookup(&key, &values) {
        return Ok(Compiled::Sql(q));
    }
    match compile_uncached(d, &cache::with_sentinels(stmt, caps.array_params)) {
        Ok(Compiled::Sql(q)) => Ok(Compiled::Sql(cache::store(key, &q, &values))),
        // Errors do not depend on values; report the caller's statement anyway.
        _ => compile_uncached(d, stmt),
    }
}

fn compile_uncached<B: QueryBuilder>(d: &SqlDialect<'_, B>, stmt: &Statement) -> Result<Compiled> {
    // Typed columns name their table; alone on it, a statement says the same unqualified.
    let stmt = &*stmt.without_own_qualifiers();
    let ec = ExprCompiler { dialect: d.name, caps: d.caps, conflict_table: None };
    let (sql, values) = match stmt {
        Statement::Select(s) => {
            let lock = s.lock.map(|l| lock::lock_clause(&ec, s, l)).transpose()?;
            let (mut sql, values) = select(&ec, s)?.build((d.builder)());
            // Last in the statement on every dialect that has it (after LIMIT/OFFSET).
            sql.push_str(lock.unwrap_or(""));
            (sql, values)
        }
        Statement::Insert(i) => insert(&ec, i)?.build((d.builder)()),
        Statement::Update(u) => update(&ec, u)?.build((d.builder)()),
        Statement::Delete(del) => delete(&ec, del)?.build((d.builder)()),
        Statement::Raw(raw) => {
            let nb = compile_named_binds(&raw.sql, &raw.binds, d.caps.backslash_escapes)?;
            return Ok(Compiled::Sql(SqlQuery { sql: nb.sql, params: nb.params }));
        }
        Statement::CreateTable(_) | Statement::DropTable(_) => {
            return Err(Error::InvalidQuery("DDL is compiled by the dialect's DdlDialect".into()));
        }
    };
    let params = values.into_iter().map(from_sea_value).collect();
    Ok(Compiled::Sql(SqlQuery { sql, params }))
}

/// `o` with NULLs placed as the smallest value when it sorts by a column of a LEFT JOINed table
/// and names no placement: that side is NULL where nothing matched, even for a NOT NULL column
/// (whose typed `asc()` leaves the placement out), and PostgreSQL would put those NULLs last
/// where MySQL and SQLite put them first.
fn left_joined_nulls<'o>(s: &Select, o: &'o crate::ast::OrderBy) -> Cow<'o, crate::ast::OrderBy> {
    if o.nulls.is_some() {
        return Cow::Borrowed(o);
    }
    let left: Vec<&Cow<'static, str>> =
        s.joins.iter().filter(|j| j.kind == JoinKind::Left).map(|j| j.alias.as_ref().unwrap_or(&j.table)).collect();
    let mut joined = false;
    o.expr.walk(&mut |e| joined |= matches!(e, crate::ast::Expr::QualifiedColumn { table, .. } if left.contains(&table)));
    if !joined {
        return Cow::Borrowed(o);
    }
    let nulls = if o.desc { crate::ast::Nulls::Last } else { crate::ast::Nulls::First };
    Cow::Owned(crate::ast::OrderBy { nulls: Some(nulls), ..o.clone() })
}

/// SELECT DISTINCT sorted by something it does not select: PostgreSQL refuses it (42P10), MySQL
/// and SQLite sort by the value of some row of each group; refused before I/O everywhere.
fn check_distinct_order(s: &Select) -> Result<()> {
    if !s.distinct || s.columns.is_empty() {
        return Ok(());
    }
    for o in &s.order_by {
        let selected =
            s.columns.iter().any(|c| c.expr == o.expr || matches!((&o.expr, &c.alias), (crate::ast::Expr::Column(n), Some(a)) if n == a));
        if !selected {
            return Err(Error::InvalidQuery(
                "SELECT DISTINCT ordered by an expression it does not select: PostgreSQL refuses it and MySQL/SQLite \
                 sort by an arbitrary row's value; order by selected columns"
                    .into(),
            ));
        }
    }
    Ok(())
}

fn select(ec: &ExprCompiler<'_>, s: &Select) -> Result<sea_query::SelectStatement> {
    if (!s.group_by.is_empty() || s.having.is_some()) && !ec.caps.group_by {
        return Err(Error::unsupported(ec.dialect, "GROUP BY"));
    }
    check_distinct_order(s)?;
    grouping::check(s, ec.dialect)?;
    let mut q = Query::select();
    q.from(iden(&s.table));
    for j in &s.joins {
        let kind = match j.kind {
            JoinKind::Inner => JoinType::InnerJoin,
            JoinKind::Left => JoinType::LeftJoin,
        };
        let on = ec.expr(&j.on)?;
        match &j.alias {
            Some(a) => q.join_as(kind, iden(&j.table), iden(a), on),
            None => q.join(kind, iden(&j.table), on),
        };
    }
    if s.columns.is_empty() {
        q.column(Asterisk);
    }
    // Counted in a subquery, a join's columns get names of their own: MySQL refuses a derived
    // table with two columns of one name (`orders.id`, `fills.id`).
    let rename = !s.joins.is_empty() && s.kind != SelectKind::Rows;
    for (i, item) in s.columns.iter().enumerate() {
        let e = ec.expr(&item.expr)?;
        match &item.alias {
            Some(a) if !rename => q.expr_as(e, iden(a)),
            _ if rename => q.expr_as(e, DynIden::from(format!("athanor_c{i}"))),
            _ => q.expr(e),
        };
    }
    if let Some(f) = &s.filter {
        q.and_where(ec.expr(f)?);
    }
    for g in &s.group_by {
        q.add_group_by([ec.expr(g)?]);
    }
    if let Some(h) = &s.having {
        q.and_having(ec.expr(h)?);
    }
    if s.distinct {
        q.distinct();
    }
    for o in &s.order_by {
        ec.order(&mut q, &left_joined_nulls(s, o))?;
    }
    if let Some(l) = s.limit {
        q.limit(l);
    }
    if let Some(o) = s.offset {
        if s.limit.is_none() {
            // MySQL and SQLite need a LIMIT before OFFSET.
            q.limit(i64::MAX as u64);
        }
        q.offset(o);
    }
    Ok(match s.kind {
        SelectKind::Rows => q,
        // "Of the rows this query returns": only a plain filtered select may skip the subquery.
        SelectKind::Count if returns_filtered_rows(s) => {
            let mut c = Query::select();
            c.from(iden(&s.table)).expr_as(sea_query::Func::count(sea_query::Expr::col(Asterisk)), "count");
            if let Some(f) = &s.filter {
                c.and_where(ec.expr(f)?);
            }
            c
        }
        SelectKind::Count => {
            let mut c = Query::select();
            c.expr_as(sea_query::Func::count(sea_query::Expr::col(Asterisk)), "count").from_subquery(q, "athanor_count");
            c
        }
        SelectKind::Exists => {
            let mut inner = Query::select();
            inner.expr(sea_query::Expr::val(1));
            if returns_filtered_rows(s) {
                inner.from(iden(&s.table));
                if let Some(f) = &s.filter {
                    inner.and_where(ec.expr(f)?);
                }
            } else {
                inner.from_subquery(q, "athanor_exists");
            }
            let mut c = Query::select();
            c.expr_as(sea_query::Expr::exists(inner), "exists");
            c
        }
    })
}

/// True when the select returns exactly the table's rows that pass its filter: no join, GROUP
/// BY, HAVING, aggregate, DISTINCT, LIMIT or OFFSET changes which or how many rows come back.
fn returns_filtered_rows(s: &Select) -> bool {
    let mut aggregate = false;
    for item in &s.columns {
        item.expr.walk(&mut |e| aggregate |= matches!(e, crate::ast::Expr::Agg { .. }));
    }
    !aggregate
        && s.joins.is_empty()
        && s.group_by.is_empty()
        && s.having.is_none()
        && !s.distinct
        && s.limit.is_none()
        && s.offset.is_none()
}

fn insert(ec: &ExprCompiler<'_>, i: &Insert) -> Result<sea_query::InsertStatement> {
    if !i.returning.is_empty() && !ec.caps.insert_returning {
        return Err(Error::unsupported(ec.dialect, "INSERT … RETURNING"));
    }
    if i.rows.iter().flatten().any(|v| matches!(v, crate::value::Value::Array(_))) {
        return Err(Error::unsupported(ec.dialect, "an array value in an INSERT row"));
    }
    let mut q = Query::insert();
    q.into_table(iden(&i.table)).columns(i.columns.iter().map(iden));
    for row in &i.rows {
        q.values(row.iter().map(|v| sea_query::Expr::val(to_sea_value(v)))).map_err(|e| Error::InvalidQuery(e.to_string()))?;
    }
    if let Some(oc) = &i.on_conflict {
        if !oc.target.is_empty() && !ec.caps.on_conflict_target {
            return Err(Error::unsupported(
                ec.dialect,
                "an ON CONFLICT target (ON DUPLICATE KEY UPDATE applies to every unique key; leave the target empty)",
            ));
        }
        let mut c = if oc.target.is_empty() { OnConflict::new() } else { OnConflict::columns(oc.target.iter().map(iden)) };
        match &oc.action {
            OnConflictAction::DoNothing if ec.caps.on_conflict_target => {
                c.do_nothing();
            }
            OnConflictAction::DoNothing => {
                // MySQL: `ON DUPLICATE KEY UPDATE first = first` keeps the row without INSERT IGNORE's
                // side effect of turning other errors into warnings.
                let first = i.columns.first().ok_or_else(|| Error::InvalidQuery("INSERT with no columns".into()))?;
                c.do_nothing_on([iden(first)]);
            }
            OnConflictAction::Update(cols) if cols.is_empty() => {
                return Err(Error::InvalidQuery("on_conflict_update with no columns".into()));
            }
            OnConflictAction::Update(cols) => {
                c.update_columns(cols.iter().map(iden));
            }
            OnConflictAction::Set(sets) if sets.is_empty() => {
                return Err(Error::InvalidQuery("on_conflict_set with no assignments".into()));
            }
            OnConflictAction::Set(sets) => {
                let cc = ExprCompiler { dialect: ec.dialect, caps: ec.caps, conflict_table: Some(&i.table) };
                for (col, e) in sets {
                    c.value(iden(col), cc.assigned(e)?);
                }
            }
        }
        q.on_conflict(c);
    }
    if !i.returning.is_empty() {
        q.returning(Query::returning().columns(i.returning.iter().map(iden)));
    }
    Ok(q)
}

/// `"table"."c" = <expr>, …` for an ON CONFLICT update's assignments (for dialects that render
/// INSERT themselves), with its `?` parameters in order. Plain columns are the existing row's,
/// qualified by `table`; [`crate::ast::Expr::Excluded`] is the proposed value.
#[allow(clippy::ptr_arg)] // `iden` tells a borrowed 'static name from an owned one
pub fn conflict_set_sql<B: QueryBuilder>(
    d: &SqlDialect<'_, B>,
    table: &Cow<'static, str>,
    sets: &[(Cow<'static, str>, crate::ast::Expr)],
) -> Result<SqlQuery> {
    if sets.is_empty() {
        return Err(Error::InvalidQuery("on_conflict_set with no assignments".into()));
    }
    let cc = ExprCompiler { dialect: d.name, caps: d.caps, conflict_table: Some(table) };
    // Rendered as `UPDATE "t" SET …` and cut after `SET `: sea-query's own assignment syntax.
    let mut q = Query::update();
    q.table("t");
    for (c, e) in sets {
        q.value(iden(c), cc.assigned(e)?);
    }
    let (sql, values) = q.build((d.builder)());
    let prefix_len = "UPDATE \"t\" SET ".len();
    if !sql.starts_with("UPDATE ") || sql.get(prefix_len - 4..prefix_len) != Some("SET ") {
        return Err(Error::InvalidQuery(format!("unexpected UPDATE text from sea-query: {sql}")));
    }
    Ok(SqlQuery { sql: sql[prefix_len..].to_owned(), params: values.into_iter().map(from_sea_value).collect() })
}

fn update(ec: &ExprCompiler<'_>, u: &Update) -> Result<sea_query::UpdateStatement> {
    if !u.returning.is_empty() && !ec.caps.update_returning {
        return Err(Error::unsupported(ec.dialect, "UPDATE … RETURNING"));
    }
    if u.set.is_empty() {
        return Err(Error::InvalidQuery("UPDATE with no SET".into()));
    }
    let mut q = Query::update();
    q.table(iden(&u.table));
    for (c, e) in &u.set {
        q.value(iden(c), ec.assigned(e)?);
    }
    if let Some(f) = &u.filter {
        q.and_where(ec.expr(f)?);
    }
    if !u.returning.is_empty() {
        q.returning(Query::returning().columns(u.returning.iter().map(iden)));
    }
    Ok(q)
}

fn delete(ec: &ExprCompiler<'_>, d: &Delete) -> Result<sea_query::DeleteStatement> {
    if !d.returning.is_empty() && !ec.caps.delete_returning {
        return Err(Error::unsupported(ec.dialect, "DELETE … RETURNING"));
    }
    let mut q = Query::delete();
    q.from_table(iden(&d.table));
    if let Some(f) = &d.filter {
        q.and_where(ec.expr(f)?);
    }
    if !d.returning.is_empty() {
        q.returning(Query::returning().columns(d.returning.iter().map(iden)));
    }
    Ok(q)
}
