//! [`MyConnection`]: one pooled connection, with transactions and savepoints through sqlx's
//! `MySqlTransactionManager` (so a rollback queued from `Drop` is flushed before the connection's
//! next use or its return to the pool).

use crate::backend::Inner;
use crate::bind::{self, Ready};
use crate::row::MyRow;
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::row::column_names;
use athanor_core::{BackendConnection, Error, ExecResult, Result, Row, RowSink, TxOptions};
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use sqlx::mysql::{MySql, MySqlQueryResult, MySqlRow, MySqlTransactionManager};
use sqlx::pool::PoolConnection;
use sqlx::Executor;
use sqlx_core::transaction::TransactionManager;
use std::fmt;
use std::sync::Arc;

/// A checked-out MySQL connection; returned to the pool when dropped (rolling back any open
/// transaction first).
pub struct MyConnection {
    conn: PoolConnection<MySql>,
    inner: Arc<Inner>,
}

impl fmt::Debug for MyConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MyConnection").field("host", &self.inner.host).field("depth", &self.transaction_depth()).finish()
    }
}

/// Rows affected and the first generated key.
pub(crate) fn exec_result(r: &MySqlQueryResult) -> ExecResult {
    ExecResult { rows_affected: r.rows_affected(), last_insert_id: Some(r.last_insert_id()).filter(|&id| id != 0) }
}

/// The single statement `stmt` compiles to, bound and ready (streams run one statement).
pub(crate) fn single(inner: &Inner, stmt: &Statement) -> Result<Ready> {
    let mut plan = inner.plan(stmt)?;
    if plan.len() != 1 {
        return Err(Error::InvalidQuery(format!(
            "this {} compiles to {} statements and cannot be streamed; use fetch",
            stmt.kind(),
            plan.len()
        )));
    }
    let q = plan.remove(0);
    bind::ready(q.sql, &q.params, bind::text_ok(stmt))
}

/// An owned [`Row`], sharing the column names of the result set.
pub(crate) fn to_row(row: MySqlRow, names: &mut Option<Arc<[String]>>) -> Result<Row> {
    let access = MyRow(&row);
    let names = names.get_or_insert_with(|| column_names(&access));
    Row::from_access(&access, names)
}

impl MyConnection {
    pub(crate) fn new(conn: PoolConnection<MySql>, inner: Arc<Inner>) -> Self {
        MyConnection { conn, inner }
    }

    async fn run_all(&mut self, plan: Vec<athanor_core::SqlQuery>, text_ok: bool) -> Result<ExecResult> {
        let mut total = ExecResult::default();
        for q in plan {
            let r = bind::ready(q.sql, &q.params, text_ok)?.execute(&mut *self.conn).await.map_err(|e| self.inner.err_now(e))?;
            let r = exec_result(&r);
            total.rows_affected += r.rows_affected;
            total.last_insert_id = total.last_insert_id.or(r.last_insert_id);
        }
        Ok(total)
    }

    async fn fetch_all(&mut self, plan: Vec<athanor_core::SqlQuery>, text_ok: bool, sink: &mut RowSink<'_>) -> Result<()> {
        for q in plan {
            let mut rows = bind::ready(q.sql, &q.params, text_ok)?.fetch(&mut *self.conn);
            while let Some(row) = rows.try_next().await.map_err(|e| self.inner.err_now(e))? {
                sink(&MyRow(&row))?;
            }
        }
        Ok(())
    }

    /// Opens a transaction for a multi-statement insert at depth 0 (so it is all or nothing);
    /// returns whether it did.
    async fn begin_if(&mut self, stmt: &Statement, plan: &[athanor_core::SqlQuery]) -> Result<bool> {
        let own = plan.len() > 1 && matches!(stmt, Statement::Insert(_)) && self.transaction_depth() == 0;
        if own {
            self.begin(&TxOptions::default()).await?;
        }
        Ok(own)
    }

    /// Commits (on success) or rolls back what `begin_if` opened.
    async fn end_if<T>(&mut self, own: bool, r: Result<T>) -> Result<T> {
        if own {
            match &r {
                Ok(_) => self.commit().await?,
                Err(_) => {
                    let _ = self.rollback().await;
                }
            }
        }
        r
    }
}

#[async_trait]
impl BackendConnection for MyConnection {
    async fn execute(&mut self, stmt: &Statement) -> Result<ExecResult> {
        let plan = self.inner.plan(stmt)?;
        let own = self.begin_if(stmt, &plan).await?;
        let r = self.run_all(plan, bind::text_ok(stmt)).await;
        self.end_if(own, r).await
    }

    async fn fetch(&mut self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        let plan = self.inner.plan(stmt)?;
        let own = self.begin_if(stmt, &plan).await?;
        let r = self.fetch_all(plan, bind::text_ok(stmt), sink).await;
        self.end_if(own, r).await
    }

    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        let query = match single(&self.inner, &stmt) {
            Ok(q) => q,
            Err(e) => return Box::pin(futures_util::stream::once(async move { Err(e) })),
        };
        let inner = self.inner.clone();
        let mut names = None;
        Box::pin(query.fetch(&mut *self.conn).map(move |r| to_row(r.map_err(|e| inner.err_now(e))?, &mut names)))
    }

    async fn begin(&mut self, options: &TxOptions) -> Result<()> {
        let depth = self.transaction_depth();
        if depth > 0 && (options.isolation.is_some() || options.read_only) {
            return Err(Error::State("an isolation level or read-only mode applies only to the outermost transaction".into()));
        }
        if let Some(level) = options.isolation {
            // Applies to the next transaction only.
            let sql = match level.as_sql() {
                "READ UNCOMMITTED" => "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
                "READ COMMITTED" => "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "REPEATABLE READ" => "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                _ => "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            };
            self.conn.execute(sql).await.map_err(|e| self.inner.err_now(e))?;
        }
        let stmt = options.read_only.then(|| sqlx::SqlSafeStr::into_sql_str("START TRANSACTION READ ONLY"));
        MySqlTransactionManager::begin(&mut self.conn, stmt).await.map_err(|e| self.inner.err_now(e))
    }

    async fn commit(&mut self) -> Result<()> {
        MySqlTransactionManager::commit(&mut self.conn).await.map_err(|e| self.inner.err_now(e))
    }

    async fn rollback(&mut self) -> Result<()> {
        MySqlTransactionManager::rollback(&mut self.conn).await.map_err(|e| self.inner.err_now(e))
    }

    fn start_rollback(&mut self) {
        MySqlTransactionManager::start_rollback(&mut self.conn)
    }

    fn transaction_depth(&self) -> usize {
        MySqlTransactionManager::get_transaction_depth(&self.conn)
    }
}

impl Drop for MyConnection {
    fn drop(&mut self) {
        // Queue ROLLBACKs for anything still open; the pool's release ping flushes them.
        while self.transaction_depth() > 0 {
            self.start_rollback();
        }
    }
}
