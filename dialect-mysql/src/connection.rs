//! [`MyConnection`]: one pooled connection. Its session state is one [`ConnState`] (see
//! `state.rs` for the transitions); transactions and savepoints go through sqlx's
//! `MySqlTransactionManager` (so a rollback queued from `Drop` is flushed before the
//! connection's next use or its return to the pool), see `txn.rs`.
//!
//! Cancellation: sqlx cannot always resume a MySQL connection whose statement future was dropped
//! before its answer arrived, so such a session is never reused: a borrowed connection gets a new
//! session in the same pool slot at its next use, a dropped one is closed. A transaction open on
//! the discarded session is gone (the server rolled it back): until the caller rolls back, its
//! statements and its commit fail with `ConnectionLost`.
//!
//! Time limits: each wait for an answer is bounded by `read_timeout`, a whole statement by
//! `statement_timeout`'s backstop; passing either breaks the session (typed `Timeout`).

use crate::backend::Inner;
use crate::bind::{self, Ready};
use crate::error::{breaks_session, outcome_unknown, DIALECT};
use crate::pool::Pooled;
use crate::row::{MyRow, Wires};
use crate::state::{BrokenReason, ConnState, Gate};
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::row::column_names;
use athanor_core::{BackendConnection, DatabaseError, DbErrorKind, Error, ExecResult, Result, Row, RowSink, SqlQuery, TxOptions};
use futures_core::stream::BoxStream;
use futures_util::TryStreamExt;
use sqlx::mysql::{MySqlQueryResult, MySqlRow, MySqlTransactionManager};
use sqlx::Either;
use sqlx_core::transaction::TransactionManager;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// A checked-out MySQL connection; returned to the pool when dropped (rolling back any open
/// transaction first), or closed when its session is not clean.
pub struct MyConnection {
    pub(crate) conn: Pooled,
    pub(crate) inner: Arc<Inner>,
    pub(crate) state: ConnState,
}

impl fmt::Debug for MyConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MyConnection")
            .field("host", &self.inner.host)
            .field("state", &self.state)
            .field("depth", &self.transaction_depth())
            .finish()
    }
}

/// Rows affected and the first generated key.
fn exec_result(r: &MySqlQueryResult) -> ExecResult {
    ExecResult { rows_affected: r.rows_affected(), last_insert_id: Some(r.last_insert_id()).filter(|&id| id != 0) }
}

/// Runs `fut` under `limit` (none: unbounded); passing it is a client-side `Timeout`.
pub(crate) async fn within<T>(host: &str, what: &str, limit: Option<Duration>, fut: impl Future<Output = Result<T>>) -> Result<T> {
    athanor_pool::sqlx_error::within(DIALECT, host, what, limit, fut).await
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
    inner.fits_packet(&q)?;
    bind::ready(q.sql, &q.params, bind::text_ok(stmt))
}

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

/// True when a failure of `stmt` run at transaction depth 0 may have left a committed write.
/// Raw SQL is judged by its first word: only statements that never write data are reads.
fn autocommit_write(stmt: &Statement) -> bool {
    const READS: &[&str] = &["select", "show", "describe", "desc", "explain", "set", "use", "kill", "do", "help"];
    athanor_core::limits::autocommit_write(stmt, READS)
}

impl MyConnection {
    pub(crate) fn new(conn: Pooled, inner: Arc<Inner>) -> Self {
        MyConnection { conn, inner, state: ConnState::Ready }
    }

    pub(crate) fn lost(&self) -> Error {
        Error::Database(DatabaseError::new(
            DIALECT,
            DbErrorKind::ConnectionLost,
            None,
            "an earlier statement on this connection failed or was cancelled mid-flight; the connection was replaced and its open transaction rolled back",
        ))
    }

    /// A broken session is replaced by a new one in the same pool slot (taking another slot
    /// could wait on ourselves with a pool of one); its open levels become orphaned.
    pub(crate) async fn settle(&mut self) -> Result<Gate> {
        let gate = self.state.gate();
        if gate != Gate::Replace {
            return Ok(gate);
        }
        let depth = MySqlTransactionManager::get_transaction_depth(&self.conn);
        // Boxed: the connect future is kilobytes, and would otherwise be part of every
        // statement's future.
        Box::pin(self.conn.replace()).await.map_err(|e| self.inner.acquire_error(e))?;
        self.state.replaced(depth);
        Ok(self.state.gate())
    }

    /// Before a statement: a usable session, and no orphaned transaction pending.
    pub(crate) async fn ready(&mut self) -> Result<()> {
        match self.settle().await? {
            Gate::Run => Ok(()),
            _ => Err(self.lost()),
        }
    }

    /// After an operation: the transition its outcome implies.
    pub(crate) fn after<T>(&mut self, r: Result<T>) -> Result<T> {
        let broken = r.as_ref().err().and_then(breaks_session);
        self.state.failed(broken);
        if broken == Some(BrokenReason::Lost) {
            self.conn.server_gone();
        }
        r
    }

    async fn run_all(&mut self, plan: Vec<SqlQuery>, text_ok: bool) -> Result<ExecResult> {
        let mut total = ExecResult::default();
        let read = self.inner.limits.read;
        for q in plan {
            let ready = bind::ready(q.sql, &q.params, text_ok)?;
            let sent = async { ready.execute(&mut self.conn.0).await.map_err(|e| self.inner.err_now(e)) };
            let r = within(&self.inner.host, "a statement", read, sent).await?;
            let r = exec_result(&r);
            total.rows_affected += r.rows_affected;
            total.last_insert_id = total.last_insert_id.or(r.last_insert_id);
        }
        Ok(total)
    }

    async fn fetch_all(&mut self, plan: Vec<SqlQuery>, text_ok: bool, sink: &mut RowSink<'_>) -> Result<()> {
        let (inner, read) = (self.inner.clone(), self.inner.limits.read);
        let mut set = 0;
        for q in plan {
            let mut answer = bind::ready(q.sql, &q.params, text_ok)?.fetch_many(&mut self.conn.0);
            let mut wires = Wires::default();
            loop {
                let next = async { answer.try_next().await.map_err(|e| inner.err_now(e)) };
                match within(&inner.host, "a query", read, next).await? {
                    Some(Either::Right(row)) => sink(&MyRow::new(&row, wires.of(&row)).in_result_set(set))?,
                    Some(Either::Left(_)) => (set, wires) = (set + 1, Wires::default()),
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// True when `stmt` compiled to several INSERTs at depth 0: they run in a transaction of their
    /// own so the bulk insert is all or nothing.
    fn needs_own_tx(&self, stmt: &Statement, plan: &[SqlQuery]) -> bool {
        plan.len() > 1 && matches!(stmt, Statement::Insert(_)) && self.transaction_depth() == 0
    }

    /// The plan the backend compiled before checkout, or `stmt` compiled now; refused before
    /// anything is sent (the session untouched) when a statement surely passes the server's
    /// `max_allowed_packet`.
    fn sendable(&self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<Vec<SqlQuery>> {
        let plan = plan.map_or_else(|| self.inner.plan(stmt), Ok)?;
        for q in &plan {
            self.inner.fits_packet(q)?;
        }
        Ok(plan)
    }

    async fn execute_now(&mut self, stmt: &Statement, plan: Vec<SqlQuery>) -> Result<ExecResult> {
        let text = bind::text_ok(stmt);
        if !self.needs_own_tx(stmt, &plan) {
            return self.run_all(plan, text).await;
        }
        self.begin_now(&TxOptions::default()).await?;
        let mut tx = crate::txn::OwnTx::new(self);
        let r = tx.conn().run_all(plan, text).await;
        tx.finish(r).await
    }

    async fn fetch_now(&mut self, stmt: &Statement, plan: Vec<SqlQuery>, sink: &mut RowSink<'_>) -> Result<()> {
        let text = bind::text_ok(stmt);
        if !self.needs_own_tx(stmt, &plan) {
            return self.fetch_all(plan, text, sink).await;
        }
        self.begin_now(&TxOptions::default()).await?;
        let mut tx = crate::txn::OwnTx::new(self);
        let r = tx.conn().fetch_all(plan, text, sink).await;
        tx.finish(r).await
    }

    /// Takes the session out of service (its state is unknown, e.g. a transaction's COMMIT and
    /// ROLLBACK both failed): it is closed, never pooled, and this handle gets a new session at its
    /// next use, with the open levels orphaned until the caller rolls them back.
    pub fn discard_session(&mut self) {
        if self.state.reusable() {
            self.state.failed(Some(BrokenReason::EndFailed));
        }
    }

    /// Runs a statement returning no rows, from `plan` when the caller compiled it already (the
    /// backend compiles before checking a connection out, so the connection is held only for the
    /// round trip). Called directly, it also saves the boxed future of the trait method.
    pub async fn run_statement(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<ExecResult> {
        self.ready().await?;
        let plan = self.sendable(stmt, plan)?;
        let write = self.transaction_depth() == 0 && autocommit_write(stmt);
        self.state.sent();
        let inner = self.inner.clone();
        let r = within(&inner.host, "a statement", inner.limits.operation, self.execute_now(stmt, plan)).await;
        self.finish(write, r)
    }

    /// Runs a query, handing each row to `sink` (see [`MyConnection::run_statement`]).
    pub async fn fetch_rows(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>, sink: &mut RowSink<'_>) -> Result<()> {
        self.ready().await?;
        let plan = self.sendable(stmt, plan)?;
        let write = self.transaction_depth() == 0 && autocommit_write(stmt);
        self.state.sent();
        let inner = self.inner.clone();
        let r = within(&inner.host, "a query", inner.limits.operation, self.fetch_now(stmt, plan, sink)).await;
        self.finish(write, r)
    }

    /// The outcome's transition; a session lost during a write outside a transaction reports
    /// `CommitOutcomeUnknown`.
    fn finish<T>(&mut self, write: bool, r: Result<T>) -> Result<T> {
        let r = self.after(r);
        if write {
            r.map_err(outcome_unknown)
        } else {
            r
        }
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

    /// `Busy` until the first row or the end arrives (sqlx drains the unread rest of a result set
    /// before the next command); an error or a time limit on the way takes the usual transition.
    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        Box::pin(async_stream::try_stream! {
            self.ready().await?;
            let query = single(&self.inner, &stmt)?;
            let inner = self.inner.clone();
            let pool = self.conn.pool().clone();
            let MyConnection { conn, state, .. } = self;
            state.sent();
            let mut rows = query.fetch_many(&mut conn.0);
            let mut st = RowState::default();
            // The first answer under the statement limit, each one under the read limit.
            let mut limit = inner.limits.round_trip();
            loop {
                let next = async { rows.try_next().await.map_err(|e| inner.err_now(e)) };
                let next = within(&inner.host, "a query", limit, next).await;
                limit = inner.limits.read;
                match next {
                    Ok(Some(Either::Right(row))) => {
                        state.answered();
                        yield to_row(row, &mut st)?;
                    }
                    Ok(Some(Either::Left(_))) => {
                        state.answered();
                        st = RowState::default();
                    }
                    Ok(None) => {
                        state.answered();
                        break;
                    }
                    Err(e) => {
                        let broken = breaks_session(&e);
                        state.failed(broken);
                        if broken == Some(BrokenReason::Lost) {
                            pool.suspect_idle();
                        }
                        Err(e)?;
                    }
                }
            }
        })
    }

    async fn begin(&mut self, options: &TxOptions) -> Result<()> {
        self.begin_tx(options).await
    }

    async fn commit(&mut self) -> Result<()> {
        self.commit_tx().await
    }

    async fn rollback(&mut self) -> Result<()> {
        self.rollback_tx().await
    }

    fn start_rollback(&mut self) {
        if !self.state.release_orphan() {
            MySqlTransactionManager::start_rollback(&mut self.conn)
        }
    }

    fn transaction_depth(&self) -> usize {
        MySqlTransactionManager::get_transaction_depth(&self.conn) + self.state.orphaned()
    }

    /// The session is closed, never pooled; its open levels end with it (the server rolls them
    /// back), so this handle starts clean on a new session at its next use, as SQLAlchemy's
    /// invalidated connections do.
    fn discard(&mut self) {
        self.discard_session();
        for _ in 0..self.transaction_depth() {
            self.start_rollback();
        }
    }
}

impl Drop for MyConnection {
    fn drop(&mut self) {
        if !self.state.reusable() {
            // Busy (its future was dropped mid-statement) or broken: sqlx may not be able to
            // resume it, and the server rolls back whatever was open when the connection closes.
            if self.state == ConnState::Broken(BrokenReason::Lost) {
                self.conn.server_gone();
            }
            self.conn.close_on_drop();
            return;
        }
        // Queue ROLLBACKs for anything still open; the pool sends them before reusing the connection.
        while MySqlTransactionManager::get_transaction_depth(&self.conn) > 0 {
            MySqlTransactionManager::start_rollback(&mut self.conn);
        }
    }
}
