//! [`PgConn`]: one pooled connection, with transactions and savepoints through sqlx's
//! `PgTransactionManager` (a rollback queued from `Drop` is flushed before the connection's next
//! use or its return to the pool), see `txn.rs`. Cancellation and broken sessions are handled by
//! the state machine in [`crate::state`]; time limits are [`crate::limits`]'s.

use crate::backend::Inner;
use crate::bind::{self, Ready};
use crate::error::DIALECT;
use crate::limits::{autocommit_write, breaks_session, outcome_unknown, server_gone, within};
use crate::row::{PgRowRef, Wires};
use crate::session::PgConnector;
use crate::state::{Before, ConnState};
use crate::txn::OwnTx;
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::row::column_names;
use athanor_core::{BackendConnection, DatabaseError, DbErrorKind, Error, ExecResult, Result, Row, RowSink, SqlQuery, TxOptions};
use futures_core::stream::BoxStream;
use futures_util::TryStreamExt;
use sqlx::postgres::{PgRow, PgTransactionManager};
use sqlx::Either;
use sqlx_core::transaction::TransactionManager;
use std::fmt;
use std::sync::Arc;

/// A checked-out connection of the shared pool.
pub type Pooled = athanor_pool::Pooled<PgConnector>;

/// A checked-out PostgreSQL connection; returned to the pool when dropped (rolling back any open
/// transaction first).
pub struct PgConn {
    pub(crate) conn: Pooled,
    pub(crate) inner: Arc<Inner>,
    pub(crate) state: ConnState,
}

impl fmt::Debug for PgConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgConn").field("host", &self.inner.host).field("state", &self.state).finish()
    }
}

fn to_row(row: PgRow, names: &mut Option<Arc<[String]>>, wires: &mut Wires) -> Result<Row> {
    let access = PgRowRef::new(&row, wires.of(&row), 0);
    let names = names.get_or_insert_with(|| column_names(&access));
    Row::from_access(&access, names)
}

pub(crate) fn lost() -> Error {
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

    pub(crate) fn depth_now(&self) -> usize {
        PgTransactionManager::get_transaction_depth(&self.conn.0)
    }

    /// Replaces the session if a cancelled operation left it mid-flight.
    pub(crate) async fn replace_if_abandoned(&mut self) -> Result<()> {
        if self.state.before() != Before::Replace {
            return Ok(());
        }
        let open = self.depth_now();
        Box::pin(self.conn.replace()).await.map_err(|e| self.inner.acquire_error(e))?;
        self.state = self.state.replaced(open);
        Ok(())
    }

    /// Before a statement: a usable session, and no lost transaction pending.
    pub(crate) async fn ready(&mut self) -> Result<()> {
        self.replace_if_abandoned().await?;
        match self.state.before() {
            Before::Refuse => Err(lost()),
            _ => {
                self.state = self.state.start();
                Ok(())
            }
        }
    }

    /// After an operation: a session that broke (lost, or timed out mid-answer) is never reused.
    pub(crate) fn after<T>(&mut self, r: Result<T>) -> Result<T> {
        let broken = r.as_ref().err().is_some_and(breaks_session);
        self.state = self.state.failed(broken);
        if r.as_ref().err().is_some_and(server_gone) {
            self.conn.server_gone();
        }
        r
    }

    /// [`PgConn::after`]; a session broken during a write outside a transaction reports
    /// `CommitOutcomeUnknown`.
    fn finish_write<T>(&mut self, write: bool, r: Result<T>) -> Result<T> {
        let r = self.after(r);
        if write {
            r.map_err(outcome_unknown)
        } else {
            r
        }
    }

    fn named(&self) -> bool {
        !self.inner.pooler
    }

    async fn run_all(&mut self, plan: Vec<SqlQuery>, text_ok: bool) -> Result<ExecResult> {
        let mut total = ExecResult::default();
        let (named, inner) = (self.named(), self.inner.clone());
        for q in plan {
            let ready = bind::ready(q.sql, &q.params, text_ok, named)?;
            let sent = async { ready.execute(&mut self.conn.0).await.map_err(|e| inner.err(e)) };
            let r = within(&inner.host, "a statement", inner.limits.read, sent).await?;
            total.rows_affected += r.rows_affected();
        }
        Ok(total)
    }

    async fn fetch_all(&mut self, plan: Vec<SqlQuery>, text_ok: bool, sink: &mut RowSink<'_>) -> Result<()> {
        let (named, inner) = (self.named(), self.inner.clone());
        let mut set = 0;
        for q in plan {
            let mut answer = bind::ready(q.sql, &q.params, text_ok, named)?.fetch_many(&mut self.conn.0);
            let mut wires = Wires::default();
            loop {
                let next = async { answer.try_next().await.map_err(|e| inner.err(e)) };
                match within(&inner.host, "a query", inner.limits.read, next).await? {
                    Some(Either::Right(row)) => sink(&PgRowRef::new(&row, wires.of(&row), set))?,
                    Some(Either::Left(_)) => (set, wires) = (set + 1, Wires::default()),
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// Outside a transaction, a statement runs in one of its own when it is several INSERTs (all
    /// or nothing) or, behind a transaction pooler, when anything goes over the extended protocol:
    /// sqlx parses an unnamed statement and binds it in two round trips (two Syncs), and a pooler
    /// may hand the server session to another client in between, whose statement then runs with
    /// these parameters. In a transaction the pooler keeps the session. Simple-protocol
    /// statements are one message each and need no transaction.
    fn needs_own_tx(&self, stmt: &Statement, plan: &[SqlQuery], text: bool) -> bool {
        if self.transaction_depth() > 0 {
            return false;
        }
        (plan.len() > 1 && matches!(stmt, Statement::Insert(_)))
            || (self.inner.pooler && plan.iter().any(|q| !(text && q.params.is_empty())))
    }

    /// The plan when it is known without I/O, or `None` when a catalog lookup (for a conflict
    /// target) must run first: done here unless it has to run in a pooler's transaction.
    async fn plan_ahead(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<Option<Vec<SqlQuery>>> {
        if plan.is_some() {
            return Ok(plan);
        }
        if !self.inner.keys.needs_lookup(stmt) {
            return self.inner.plan(stmt).map(Some);
        }
        if self.inner.pooler && self.transaction_depth() == 0 {
            return Ok(None);
        }
        self.plan_for(stmt, None).await.map(Some)
    }

    async fn plan_for(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<Vec<SqlQuery>> {
        if let Some(p) = plan {
            return Ok(p);
        }
        let inner = self.inner.clone();
        let lookup = inner.resolve_conflict_target(&mut self.conn.0, stmt);
        let resolved = within(&inner.host, "a catalog lookup", inner.limits.read, lookup).await?;
        self.inner.plan(resolved.as_ref().unwrap_or(stmt))
    }

    /// The plan, in a transaction of its own when [`Self::needs_own_tx`] says so.
    async fn own_tx_for(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<(OwnTx<'_>, Option<Vec<SqlQuery>>)> {
        let text = bind::text_ok(stmt);
        let plan = self.plan_ahead(stmt, plan).await?;
        let own = plan.as_ref().is_none_or(|p| self.needs_own_tx(stmt, p, text));
        if own {
            self.begin_now(&TxOptions::default()).await?;
        }
        Ok((OwnTx::new(self, own), plan))
    }

    async fn execute_now(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<ExecResult> {
        let (mut tx, plan) = self.own_tx_for(stmt, plan).await?;
        let r = match tx.conn().plan_for(stmt, plan).await {
            Ok(plan) => tx.conn().run_all(plan, bind::text_ok(stmt)).await,
            Err(e) => Err(e),
        };
        tx.finish(r).await
    }

    async fn fetch_now(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>, sink: &mut RowSink<'_>) -> Result<()> {
        let (mut tx, plan) = self.own_tx_for(stmt, plan).await?;
        let r = match tx.conn().plan_for(stmt, plan).await {
            Ok(plan) => tx.conn().fetch_all(plan, bind::text_ok(stmt), sink).await,
            Err(e) => Err(e),
        };
        tx.finish(r).await
    }

    /// Runs a statement returning no rows, from `plan` when the caller compiled it already.
    pub async fn run_statement(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>) -> Result<ExecResult> {
        self.ready().await?;
        let write = self.transaction_depth() == 0 && autocommit_write(stmt);
        let inner = self.inner.clone();
        let run = async {
            match crate::copy::use_copy(stmt) {
                Some(i) => self.copy_in(i).await,
                None => self.execute_now(stmt, plan).await,
            }
        };
        let r = within(&inner.host, "a statement", inner.limits.operation, run).await;
        self.finish_write(write, r)
    }

    /// Runs a query, handing each row to `sink`.
    pub async fn fetch_rows(&mut self, stmt: &Statement, plan: Option<Vec<SqlQuery>>, sink: &mut RowSink<'_>) -> Result<()> {
        self.ready().await?;
        let write = self.transaction_depth() == 0 && autocommit_write(stmt);
        let inner = self.inner.clone();
        let r = within(&inner.host, "a query", inner.limits.operation, self.fetch_now(stmt, plan, sink)).await;
        self.finish_write(write, r)
    }
}

impl PgConn {
    /// Readies the connection and binds the one statement a stream runs, in a transaction of its
    /// own behind a pooler (true: opened); the connection stays busy until the stream ends.
    async fn start_stream(&mut self, stmt: &Statement) -> Result<(bool, Ready)> {
        self.ready().await?;
        let r = self.bind_stream(stmt).await;
        match r {
            Ok(started) => Ok(started),
            Err(e) => self.after(Err(e)),
        }
    }

    async fn bind_stream(&mut self, stmt: &Statement) -> Result<(bool, Ready)> {
        let text = bind::text_ok(stmt);
        let (mut tx, plan) = self.own_tx_for(stmt, None).await?;
        let r = async {
            let mut plan = tx.conn().plan_for(stmt, plan).await?;
            if plan.len() != 1 {
                return Err(Error::InvalidQuery(format!(
                    "this {} compiles to {} statements and cannot be streamed; use fetch",
                    stmt.kind(),
                    plan.len()
                )));
            }
            let q = plan.remove(0);
            bind::ready(q.sql, &q.params, text, tx.conn().named())
        }
        .await;
        match r {
            Ok(q) => Ok((tx.hand_over(), q)),
            Err(e) => tx.finish(Err(e)).await,
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
    /// The first answer waits at most the statement backstop or `read_timeout`, each next one
    /// `read_timeout`; passing either breaks the session.
    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        Box::pin(async_stream::try_stream! {
            let (open, query) = self.start_stream(&stmt).await?;
            let mut tx = OwnTx::new(self, open);
            let inner = tx.conn().inner.clone();
            let mut names = None;
            let mut failed = None;
            {
                let mut rows = query.fetch_many(&mut tx.conn().conn.0);
                let mut wires = Wires::default();
                let mut limit = inner.limits.round_trip();
                loop {
                    let next = async { rows.try_next().await.map_err(|e| inner.err(e)) };
                    let next = within(&inner.host, "a query", limit, next).await;
                    limit = inner.limits.read;
                    match next {
                        Ok(Some(Either::Right(row))) => yield to_row(row, &mut names, &mut wires)?,
                        Ok(Some(Either::Left(_))) => (names, wires) = (None, Wires::default()),
                        Ok(None) => break,
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
            }
            let r = tx.finish(failed.map_or(Ok(()), Err)).await;
            tx.conn().after(r)?;
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
        if self.state.lost_depth() > 0 {
            self.state = self.state.end_lost_level();
        } else {
            PgTransactionManager::start_rollback(&mut self.conn.0)
        }
    }

    fn transaction_depth(&self) -> usize {
        self.depth_now() + self.state.lost_depth()
    }

    /// The session is closed, never pooled; its open levels end with it (the server rolls them
    /// back), so this handle starts clean on a new session at its next use.
    fn discard(&mut self) {
        if self.state.reusable() {
            self.state = ConnState::Broken;
        }
        for _ in 0..self.transaction_depth() {
            self.start_rollback();
        }
    }
}

impl Drop for PgConn {
    fn drop(&mut self) {
        if !self.state.reusable() {
            // Busy (its future was dropped mid-statement) or broken: close the session; the
            // server rolls back whatever was open.
            self.conn.close_on_drop();
            return;
        }
        while PgTransactionManager::get_transaction_depth(&self.conn.0) > 0 {
            PgTransactionManager::start_rollback(&mut self.conn.0);
        }
    }
}
