//! [`PgConn`]: one pooled connection, with transactions and savepoints through sqlx's
//! `PgTransactionManager` (a rollback queued from `Drop` is flushed before the connection's next
//! use or its return to the pool). Cancellation is handled by the state machine in
//! [`crate::state`].

use crate::backend::Inner;
use crate::bind::{self, Ready};
use crate::error::DIALECT;
use crate::row::PgRowRef;
use crate::session::PgConnector;
use crate::state::{Before, ConnState};
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::row::column_names;
use athanor_core::{BackendConnection, DatabaseError, DbErrorKind, Error, ExecResult, Result, Row, RowSink, SqlQuery, TxOptions};
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use sqlx::postgres::{PgRow, PgTransactionManager};
use sqlx_core::transaction::TransactionManager;
use std::fmt;
use std::sync::Arc;

/// A checked-out connection of the shared pool.
pub type Pooled = athanor_pool::Pooled<PgConnector>;

/// A checked-out PostgreSQL connection; returned to the pool when dropped (rolling back any open
/// transaction first).
pub struct PgConn {
    conn: Pooled,
    inner: Arc<Inner>,
    state: ConnState,
}

impl fmt::Debug for PgConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgConn").field("host", &self.inner.host).field("state", &self.state).finish()
    }
}

fn to_row(row: PgRow, names: &mut Option<Arc<[String]>>) -> Result<Row> {
    let access = PgRowRef::new(&row);
    let names = names.get_or_insert_with(|| column_names(&access));
    Row::from_access(&access, names)
}

fn lost() -> Error {
    Error::Database(DatabaseError::new(
        DIALECT,
        DbErrorKind::ConnectionLost,
        None,
        "an earlier statement on this connection was cancelled mid-flight; the connection was replaced and its open transaction rolled back",
    ))
}

impl PgConn {
    pub(crate) fn new(conn: Pooled, inner: Arc<Inner>) -> Self {
        PgConn { conn, inner, state: ConnState::Ready }
    }

    fn depth_now(&self) -> usize {
        PgTransactionManager::get_transaction_depth(&self.conn.0)
    }

    /// Replaces the session if a cancelled operation left it mid-flight.
    async fn replace_if_abandoned(&mut self) -> Result<()> {
        if self.state.before() != Before::Replace {
            return Ok(());
        }
        let open = self.depth_now();
        Box::pin(self.conn.replace()).await.map_err(|e| self.inner.acquire_error(e))?;
        self.state = self.state.replaced(open);
        Ok(())
    }

    /// Before a statement: a usable session, and no lost transaction pending.
    async fn ready(&mut self) -> Result<()> {
        self.replace_if_abandoned().await?;
        match self.state.before() {
            Before::Refuse => Err(lost()),
            _ => {
                self.state = self.state.start();
                Ok(())
            }
        }
    }

    /// After an operation: a session that reported itself lost is closed, not pooled.
    fn after<T>(&mut self, r: Result<T>) -> Result<T> {
        self.state = self.state.finish();
        if let Err(e) = &r {
            if e.db_kind() == Some(DbErrorKind::ConnectionLost) {
                self.conn.close_on_drop();
                self.conn.server_gone();
            }
        }
        r
    }

    fn named(&self) -> bool {
        !self.inner.pooler
    }

    async fn run_all(&mut self, plan: Vec<SqlQuery>, text_ok: bool) -> Result<ExecResult> {
        let mut total = ExecResult::default();
        let named = self.named();
        for q in plan {
            let r = bind::ready(q.sql, &q.params, text_ok, named)?.execute(&mut self.conn.0).await.map_err(|e| self.inner.err(e))?;
            total.rows_affected += r.rows_affected();
        }
        Ok(total)
    }

    async fn fetch_all(&mut self, plan: Vec<SqlQuery>, text_ok: bool, sink: &mut RowSink<'_>) -> Result<()> {
        let named = self.named();
        for q in plan {
            let mut rows = bind::ready(q.sql, &q.params, text_ok, named)?.fetch(&mut self.conn.0);
            while let Some(row) = rows.try_next().await.map_err(|e| self.inner.err(e))? {
                sink(&PgRowRef::new(&row))?;
            }
        }
        Ok(())
    }

    /// Several INSERTs at depth 0 run in a transaction of their own: all or nothing.
    fn needs_own_tx(&self, stmt: &Statement, plan: &[SqlQuery]) -> bool {
        plan.len() > 1 && matches!(stmt, Statement::Insert(_)) && self.transaction_depth() == 0
    }

    async fn plan_for(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<Vec<SqlQuery>> {
        if let Some(p) = plan {
            return Ok(p);
        }
        let resolved = self.inner.resolve_conflict_target(&mut self.conn.0, stmt).await?;
        self.inner.plan(resolved.as_ref().unwrap_or(stmt))
    }

    async fn execute_now(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<ExecResult> {
        let plan = self.plan_for(stmt, plan).await?;
        let text = bind::text_ok(stmt);
        if !self.needs_own_tx(stmt, &plan) {
            return self.run_all(plan, text).await;
        }
        self.begin_now(&TxOptions::default()).await?;
        let mut tx = OwnTx(Some(self));
        let r = tx.conn().run_all(plan, text).await;
        tx.finish(r).await
    }

    async fn fetch_now(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>, sink: &mut RowSink<'_>) -> Result<()> {
        let plan = self.plan_for(stmt, plan).await?;
        let text = bind::text_ok(stmt);
        if !self.needs_own_tx(stmt, &plan) {
            return self.fetch_all(plan, text, sink).await;
        }
        self.begin_now(&TxOptions::default()).await?;
        let mut tx = OwnTx(Some(self));
        let r = tx.conn().fetch_all(plan, text, sink).await;
        tx.finish(r).await
    }

    async fn begin_now(&mut self, options: &TxOptions) -> Result<()> {
        let depth = self.transaction_depth();
        if depth > 0 && (options.isolation.is_some() || options.read_only) {
            return Err(Error::State("an isolation level or read-only mode applies only to the outermost transaction".into()));
        }
        let custom = if options.isolation.is_some() || options.read_only {
            let mut sql = String::from("BEGIN");
            if let Some(level) = options.isolation {
                sql.push_str(match level.as_sql() {
                    "READ UNCOMMITTED" => " ISOLATION LEVEL READ UNCOMMITTED",
                    "READ COMMITTED" => " ISOLATION LEVEL READ COMMITTED",
                    "REPEATABLE READ" => " ISOLATION LEVEL REPEATABLE READ",
                    _ => " ISOLATION LEVEL SERIALIZABLE",
                });
            }
            if options.read_only {
                sql.push_str(" READ ONLY");
            }
            Some(sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(sql)))
        } else {
            None
        };
        PgTransactionManager::begin(&mut self.conn.0, custom).await.map_err(|e| self.inner.err(e))
    }

    async fn commit_now(&mut self) -> Result<()> {
        PgTransactionManager::commit(&mut self.conn.0).await.map_err(|e| self.inner.err(e))
    }

    async fn rollback_now(&mut self) -> Result<()> {
        PgTransactionManager::rollback(&mut self.conn.0).await.map_err(|e| self.inner.err(e))
    }

    /// Runs a statement returning no rows, from `plan` when the caller compiled it already.
    pub async fn run_statement(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<ExecResult> {
        self.ready().await?;
        let r = self.execute_now(stmt, plan).await;
        self.after(r)
    }

    /// Runs a query, handing each row to `sink`.
    pub async fn fetch_rows(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>, sink: &mut RowSink<'_>) -> Result<()> {
        self.ready().await?;
        let r = self.fetch_now(stmt, plan, sink).await;
        self.after(r)
    }
}

impl PgConn {
    /// Readies the connection and binds the one statement a stream runs; the connection stays
    /// busy until the stream ends.
    async fn start_stream(&mut self, stmt: &Statement) -> Result<Ready> {
        self.ready().await?;
        let r = async {
            let mut plan = self.plan_for(stmt, None).await?;
            if plan.len() != 1 {
                return Err(Error::InvalidQuery(format!(
                    "this {} compiles to {} statements and cannot be streamed; use fetch",
                    stmt.kind(),
                    plan.len()
                )));
            }
            let q = plan.remove(0);
            bind::ready(q.sql, &q.params, bind::text_ok(stmt), self.named())
        }
        .await;
        match r {
            Ok(q) => Ok(q),
            Err(e) => self.after(Err(e)),
        }
    }
}

/// Holds the transaction a multi-statement insert opened; if the future is dropped before
/// [`OwnTx::finish`] completes, the drop queues a ROLLBACK (and the busy state makes the next use
/// replace the session anyway).
struct OwnTx<'a>(Option<&'a mut PgConn>);

impl OwnTx<'_> {
    fn conn(&mut self) -> &mut PgConn {
        self.0.as_mut().expect("used after finish")
    }

    /// Commits on success, rolls back on error; returns `r`.
    async fn finish<T>(mut self, r: Result<T>) -> Result<T> {
        let c = self.conn();
        match &r {
            Ok(_) => c.commit_now().await?,
            Err(_) => {
                let _ = c.rollback_now().await;
            }
        }
        self.0 = None;
        r
    }
}

impl Drop for OwnTx<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            PgTransactionManager::start_rollback(&mut c.conn.0);
        }
    }
}

#[async_trait]
impl BackendConnection for PgConn {
    async fn execute(&mut self, stmt: &Statement) -> Result<ExecResult> {
        self.run_statement(stmt, None).await
    }

    async fn fetch(&mut self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        self.fetch_rows(stmt, None, sink).await
    }

    /// Busy until the stream ends: a stream dropped early leaves the session to be replaced.
    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        Box::pin(async_stream::try_stream! {
            let query = self.start_stream(&stmt).await?;
            let inner = self.inner.clone();
            let mut names = None;
            let mut failed = None;
            {
                let mut rows = query.fetch(&mut self.conn.0);
                while let Some(r) = rows.next().await {
                    match r {
                        Ok(row) => yield to_row(row, &mut names)?,
                        Err(e) => {
                            failed = Some(inner.err(e));
                            break;
                        }
                    }
                }
            }
            self.after(failed.map_or(Ok(()), Err))?;
        })
    }

    async fn begin(&mut self, options: &TxOptions) -> Result<()> {
        self.ready().await?;
        let r = self.begin_now(options).await;
        self.after(r)
    }

    async fn commit(&mut self) -> Result<()> {
        if self.state.lost_depth() > 0 {
            self.state = self.state.end_lost_level();
            return Err(lost());
        }
        self.ready().await?;
        let r = self.commit_now().await;
        self.after(r)
    }

    async fn rollback(&mut self) -> Result<()> {
        self.replace_if_abandoned().await?;
        if self.state.lost_depth() > 0 {
            // The server already rolled it back when the session was replaced.
            self.state = self.state.end_lost_level();
            return Ok(());
        }
        self.state = self.state.start();
        let r = self.rollback_now().await;
        self.after(r)
    }

    fn start_rollback(&mut self) {
        if self.state.lost_depth() > 0 {
            self.state = self.state.end_lost_level();
        } else {
            PgTransactionManager::start_rollback(&mut self.conn.0)
        }
    }

    fn transaction_depth(&self) -> usize {
        self.depth_now() + self.state.lost_depth()
    }
}

impl Drop for PgConn {
    fn drop(&mut self) {
        if self.state == ConnState::Busy {
            // Its future was dropped mid-statement: close the session; the server rolls back
            // whatever was open.
            self.conn.close_on_drop();
            return;
        }
        while PgTransactionManager::get_transaction_depth(&self.conn.0) > 0 {
            PgTransactionManager::start_rollback(&mut self.conn.0);
        }
    }
}
