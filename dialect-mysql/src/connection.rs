//! [`MyConnection`]: one pooled connection, with transactions and savepoints through sqlx's
//! `MySqlTransactionManager` (so a rollback queued from `Drop` is flushed before the connection's
//! next use or its return to the pool).
//!
//! Cancellation: sqlx cannot always resume a MySQL connection whose statement future was dropped
//! mid-flight (e.g. between sending a prepare and reading its answer), and its release ping may
//! then hang. So each operation marks the connection busy; one found still busy (its future was
//! dropped) is closed, never returned to the pool, and a borrowed connection gets a new session in
//! the same pool slot at its next use. A transaction open on the discarded one is gone (the server
//! rolled it back): until the caller rolls back, its statements and its commit fail with
//! `ConnectionLost`.

use crate::backend::Inner;
use crate::bind::{self, Ready};
use crate::error::DIALECT;
use crate::pool::Pooled;
use crate::row::{MyRow, Wires};
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::row::column_names;
use athanor_core::{BackendConnection, DatabaseError, DbErrorKind, Error, ExecResult, Result, Row, RowSink, SqlQuery, TxOptions};
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use sqlx::mysql::{MySqlQueryResult, MySqlRow, MySqlTransactionManager};
use sqlx::Executor;
use sqlx_core::transaction::TransactionManager;
use std::fmt;
use std::sync::Arc;

/// A checked-out MySQL connection; returned to the pool when dropped (rolling back any open
/// transaction first).
pub struct MyConnection {
    conn: Pooled,
    inner: Arc<Inner>,
    /// An operation started on `conn` and has not finished: still set at the next use (or at
    /// drop) means its future was dropped mid-flight.
    in_flight: bool,
    /// Transaction levels that died with a discarded connection, not yet rolled back by the caller.
    lost_depth: usize,
}

impl fmt::Debug for MyConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MyConnection").field("host", &self.inner.host).field("depth", &self.transaction_depth()).finish()
    }
}

/// Rows affected and the first generated key.
fn exec_result(r: &MySqlQueryResult) -> ExecResult {
    ExecResult { rows_affected: r.rows_affected(), last_insert_id: Some(r.last_insert_id()).filter(|&id| id != 0) }
}

/// The single statement `stmt` compiles to, bound and ready (streams run one statement).
fn single(inner: &Inner, stmt: &Statement) -> Result<Ready> {
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
/// Per-result-set state of a stream: shared column names and the read plan.
#[derive(Default)]
struct RowState {
    names: Option<Arc<[String]>>,
    wires: Wires,
}

fn to_row(row: MySqlRow, st: &mut RowState) -> Result<Row> {
    let access = MyRow::new(&row, st.wires.of(&row));
    let names = st.names.get_or_insert_with(|| column_names(&access));
    Row::from_access(&access, names)
}

impl MyConnection {
    pub(crate) fn new(conn: Pooled, inner: Arc<Inner>) -> Self {
        MyConnection { conn, inner, in_flight: false, lost_depth: 0 }
    }

    fn lost(&self) -> Error {
        Error::Database(DatabaseError::new(
            DIALECT,
            DbErrorKind::ConnectionLost,
            None,
            "an earlier statement on this connection was cancelled mid-flight; the connection was replaced and its open transaction rolled back",
        ))
    }

    /// Replaces the connection if a cancelled operation left it mid-flight; the transaction
    /// levels it had become `lost_depth`.
    async fn replace_if_abandoned(&mut self) -> Result<()> {
        if !self.in_flight {
            return Ok(());
        }
        let depth = MySqlTransactionManager::get_transaction_depth(&self.conn);
        // Swap a new raw connection into the same pool slot (taking another slot could wait on
        // ourselves with a pool of one); the old socket is dropped, which ends its session.
        // Boxed: the connect future is kilobytes, and it would otherwise be part of every
        // statement's future.
        Box::pin(self.conn.replace()).await.map_err(|e| self.inner.err_now(e))?;
        self.in_flight = false;
        self.lost_depth += depth;
        Ok(())
    }

    /// After an operation: a connection that reported itself lost is closed, not pooled (the pool
    /// does not ping recently used connections).
    fn after<T>(&mut self, r: Result<T>) -> Result<T> {
        self.in_flight = false;
        if let Err(e) = &r {
            if e.db_kind() == Some(DbErrorKind::ConnectionLost) {
                self.conn.close_on_drop();
            }
        }
        r
    }

    /// Before a statement: a usable connection, and no lost transaction pending.
    async fn ready(&mut self) -> Result<()> {
        self.replace_if_abandoned().await?;
        if self.lost_depth > 0 {
            return Err(self.lost());
        }
        Ok(())
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
            let mut wires = Wires::default();
            while let Some(row) = rows.try_next().await.map_err(|e| self.inner.err_now(e))? {
                sink(&MyRow::new(&row, wires.of(&row)))?;
            }
        }
        Ok(())
    }

    /// True when `stmt` compiled to several INSERTs at depth 0: they run in a transaction of their
    /// own so the bulk insert is all or nothing.
    fn needs_own_tx(&self, stmt: &Statement, plan: &[athanor_core::SqlQuery]) -> bool {
        plan.len() > 1 && matches!(stmt, Statement::Insert(_)) && self.transaction_depth() == 0
    }

    /// The plan the backend compiled before checkout, or `stmt` compiled now.
    fn plan_or_compile(&self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<Vec<SqlQuery>> {
        plan.map_or_else(|| self.inner.plan(stmt), Ok)
    }

    async fn execute_now(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<ExecResult> {
        let plan = self.plan_or_compile(stmt, plan)?;
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
        let plan = self.plan_or_compile(stmt, plan)?;
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

    async fn commit_now(&mut self) -> Result<()> {
        MySqlTransactionManager::commit(&mut self.conn).await.map_err(|e| self.inner.err_now(e))
    }

    async fn rollback_now(&mut self) -> Result<()> {
        MySqlTransactionManager::rollback(&mut self.conn).await.map_err(|e| self.inner.err_now(e))
    }
}

/// Holds the transaction a multi-statement insert opened; if the future is dropped before
/// [`OwnTx::finish`] completes, the drop queues a ROLLBACK (and the busy mark makes the next use
/// replace the connection anyway).
struct OwnTx<'a>(Option<&'a mut MyConnection>);

impl OwnTx<'_> {
    fn conn(&mut self) -> &mut MyConnection {
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
            MySqlTransactionManager::start_rollback(&mut c.conn);
        }
    }
}

impl MyConnection {
    /// Runs a statement returning no rows, from `plan` when the caller compiled it already (the
    /// backend compiles before checking a connection out, so the connection is held only for the
    /// round trip). Called directly, it also saves the boxed future of the trait method.
    pub async fn run_statement(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<ExecResult> {
        self.ready().await?;
        self.in_flight = true;
        let r = self.execute_now(stmt, plan).await;
        self.after(r)
    }

    /// Runs a query, handing each row to `sink` (see [`MyConnection::run_statement`]).
    pub async fn fetch_rows(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>, sink: &mut RowSink<'_>) -> Result<()> {
        self.ready().await?;
        self.in_flight = true;
        let r = self.fetch_now(stmt, plan, sink).await;
        self.after(r)
    }
}

#[async_trait]
impl BackendConnection for MyConnection {
    async fn execute(&mut self, stmt: &Statement) -> Result<ExecResult> {
        self.run_statement(stmt, None).await
    }

    async fn fetch(&mut self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        self.fetch_rows(stmt, None, sink).await
    }

    /// Busy until the first row (or the end) arrives: sqlx drains a result whose stream is dropped
    /// after that, but not one dropped while the statement is still being prepared or sent.
    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        let start = async move {
            self.ready().await?;
            let query = single(&self.inner, &stmt)?;
            let MyConnection { conn, inner, in_flight, .. } = self;
            let inner = inner.clone();
            *in_flight = true;
            let mut st = RowState::default();
            Ok::<_, Error>(query.fetch(&mut **conn).map(move |r| {
                *in_flight = false;
                to_row(r.map_err(|e| inner.err_now(e))?, &mut st)
            }))
        };
        Box::pin(futures_util::stream::once(start).try_flatten())
    }

    async fn begin(&mut self, options: &TxOptions) -> Result<()> {
        self.ready().await?;
        self.in_flight = true;
        let r = self.begin_now(options).await;
        self.after(r)
    }

    async fn commit(&mut self) -> Result<()> {
        if self.lost_depth > 0 {
            self.lost_depth -= 1;
            return Err(self.lost());
        }
        self.ready().await?;
        self.in_flight = true;
        let r = self.commit_now().await;
        self.after(r)
    }

    async fn rollback(&mut self) -> Result<()> {
        self.replace_if_abandoned().await?;
        if self.lost_depth > 0 {
            // The server already rolled it back when the connection was discarded.
            self.lost_depth -= 1;
            return Ok(());
        }
        self.in_flight = true;
        let r = self.rollback_now().await;
        self.after(r)
    }

    fn start_rollback(&mut self) {
        if self.lost_depth > 0 {
            self.lost_depth -= 1;
        } else {
            MySqlTransactionManager::start_rollback(&mut self.conn)
        }
    }

    fn transaction_depth(&self) -> usize {
        MySqlTransactionManager::get_transaction_depth(&self.conn) + self.lost_depth
    }
}

impl Drop for MyConnection {
    fn drop(&mut self) {
        if self.in_flight {
            // Its future was dropped mid-statement: sqlx may not be able to resume it, and the
            // server rolls back whatever was open when the connection closes.
            self.conn.close_on_drop();
            return;
        }
        // Queue ROLLBACKs for anything still open; the pool sends them before reusing the connection.
        while MySqlTransactionManager::get_transaction_depth(&self.conn) > 0 {
            MySqlTransactionManager::start_rollback(&mut self.conn);
        }
    }
}
