//! `ON CONFLICT DO UPDATE` without a target.
//!
//! MySQL's `ON DUPLICATE KEY UPDATE` and SQLite's target-less upsert apply to any unique key, and
//! the portable API lets a caller leave the target out. PostgreSQL needs one. The dialect fills
//! it in with the table's only unique key (primary key included) whose columns the insert covers
//! — a key on a column the insert leaves out (a generated id) cannot conflict. Keys come from
//! `create_all` or, for tables created elsewhere, from `pg_index`. No such key, or more than one,
//! is refused (name the target with `on_conflict([...])`).

use crate::ddl::quote_ident;
use athanor_core::ast::{Insert, OnConflictAction, Statement};
use athanor_core::Table;
use sqlx::postgres::PgConnection;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

/// Unique keys per table name.
#[derive(Debug, Default)]
pub struct UniqueKeys(Mutex<HashMap<String, Vec<Vec<String>>>>);

fn target_needed(stmt: &Statement) -> Option<&Insert> {
    match stmt {
        Statement::Insert(i) => match &i.on_conflict {
            Some(oc) if oc.target.is_empty() && matches!(oc.action, OnConflictAction::Update(_) | OnConflictAction::Set(_)) => Some(i),
            _ => None,
        },
        _ => None,
    }
}

/// The only key whose columns all appear in `columns`.
pub fn pick<'k>(keys: &'k [Vec<String>], columns: &[Cow<'static, str>]) -> Option<&'k Vec<String>> {
    let mut covered = keys.iter().filter(|k| !k.is_empty() && k.iter().all(|c| columns.iter().any(|ic| ic == c)));
    match (covered.next(), covered.next()) {
        (Some(k), None) => Some(k),
        _ => None,
    }
}

impl UniqueKeys {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Vec<String>>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the keys of a table being created (and forgets a dropped one).
    pub fn learn(&self, t: &Table) {
        let mut keys = vec![t.primary_key.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
        keys.extend(t.all_indexes().into_iter().filter(|ix| ix.unique).map(|ix| ix.columns.iter().map(|c| c.to_string()).collect()));
        keys.retain(|k| !k.is_empty());
        self.lock().insert(t.name.to_string(), keys);
    }

    /// Forgets a table's keys.
    pub fn forget(&self, table: &str) {
        self.lock().remove(table);
    }

    /// True when `stmt` needs a target and the table's keys are not known yet.
    pub fn needs_lookup(&self, stmt: &Statement) -> bool {
        if let Statement::DropTable(name) = stmt {
            self.forget(name);
        }
        target_needed(stmt).is_some_and(|i| !self.lock().contains_key(i.table.as_ref()))
    }

    /// `stmt` with its target filled in from known keys; `None` when nothing changes (then
    /// compiling refuses a target-less `DO UPDATE`).
    pub fn resolve_cached(&self, stmt: &Statement) -> Option<Statement> {
        let i = target_needed(stmt)?;
        let map = self.lock();
        let key = pick(map.get(i.table.as_ref())?, &i.columns)?;
        let mut i = i.clone();
        if let Some(oc) = i.on_conflict.as_mut() {
            oc.target = key.iter().map(|c| Cow::Owned(c.clone())).collect();
        }
        Some(Statement::Insert(i))
    }

    /// Reads the table's unique keys from the catalog.
    pub async fn lookup(&self, conn: &mut PgConnection, stmt: &Statement) -> Result<(), sqlx::Error> {
        let Some(i) = target_needed(stmt) else { return Ok(()) };
        let rows: Vec<(Vec<String>,)> = sqlx::query_as(
            "SELECT array_agg(a.attname::text ORDER BY k.n) \
             FROM pg_index x \
             CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) \
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum \
             WHERE x.indrelid = to_regclass($1) AND x.indisunique AND x.indpred IS NULL \
             GROUP BY x.indexrelid",
        )
        .bind(quote_ident(&i.table))
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
        self.lock().insert(i.table.to_string(), rows.into_iter().map(|(k,)| k).collect());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_only_covered_key() {
        let keys = vec![vec!["id".to_string()], vec!["symbol".to_string(), "ts".to_string()]];
        let cols: Vec<Cow<'static, str>> = vec!["symbol".into(), "ts".into(), "close".into()];
        assert_eq!(pick(&keys, &cols), Some(&keys[1]));
        let all: Vec<Cow<'static, str>> = vec!["id".into(), "symbol".into(), "ts".into()];
        assert_eq!(pick(&keys, &all), None, "two keys covered is ambiguous");
        assert_eq!(pick(&keys, &["close".into()]), None);
    }
}
