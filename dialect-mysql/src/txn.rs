//! Transactions on a [`MyConnection`]: BEGIN/SAVEPOINT, COMMIT/RELEASE and ROLLBACK through
//! sqlx's `MySqlTransactionManager`, each through the connection's state machine and under the
//! round-trip limit ([`athanor_core::limits::Limits::round_trip`]).
//!
//! A failed COMMIT never leaves a session in an unknown state: when the session broke (lost,
//! timed out) it is discarded and the error of an outermost COMMIT is `CommitOutcomeUnknown`;
//! when the server refused the COMMIT, the transaction is rolled back (or, if that fails too, the
//! session is discarded). Either way the level is over.

use crate::connection::{within, MyConnection};
use crate::error::{breaks_session, outcome_unknown};
use crate::state::{BrokenReason, Gate};
use athanor_core::{Error, Result, TxOptions};
use sqlx::mysql::MySqlTransactionManager;
use sqlx::Executor;
use sqlx_core::transaction::TransactionManager;

impl MyConnection {
    /// BEGIN (or SAVEPOINT), under the transaction-control limit.
    pub(crate) async fn begin_now(&mut self, options: &TxOptions) -> Result<()> {
        let (inner, limit) = (self.inner.clone(), self.inner.limits.round_trip());
        within(&inner.host, "BEGIN", limit, self.begin_unlimited(options)).await
    }

    async fn begin_unlimited(&mut self, options: &TxOptions) -> Result<()> {
        let depth = MySqlTransactionManager::get_transaction_depth(&self.conn);
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

    /// COMMIT (or RELEASE SAVEPOINT), under the transaction-control limit.
    pub(crate) async fn commit_now(&mut self) -> Result<()> {
        let (inner, limit) = (self.inner.clone(), self.inner.limits.round_trip());
        let commit = async { MySqlTransactionManager::commit(&mut self.conn).await.map_err(|e| inner.err_now(e)) };
        within(&inner.host, "COMMIT", limit, commit).await
    }

    /// ROLLBACK (or ROLLBACK TO SAVEPOINT), under the transaction-control limit.
    pub(crate) async fn rollback_now(&mut self) -> Result<()> {
        let (inner, limit) = (self.inner.clone(), self.inner.limits.round_trip());
        let rollback = async { MySqlTransactionManager::rollback(&mut self.conn).await.map_err(|e| inner.err_now(e)) };
        within(&inner.host, "ROLLBACK", limit, rollback).await
    }

    /// The level being ended is over although its COMMIT/ROLLBACK failed: lower the driver's
    /// depth (the ROLLBACK this queues dies with the discarded session).
    fn end_level_on_broken(&mut self) {
        MySqlTransactionManager::start_rollback(&mut self.conn);
    }

    pub(crate) async fn begin_tx(&mut self, options: &TxOptions) -> Result<()> {
        if options.deferrable {
            return Err(Error::unsupported("mysql", "deferrable transactions"));
        }
        self.ready().await?;
        self.state.sent();
        let r = self.begin_now(options).await;
        self.after(r)
    }

    pub(crate) async fn commit_tx(&mut self) -> Result<()> {
        if self.state.release_orphan() {
            return Err(self.lost());
        }
        self.ready().await?;
        let outermost = MySqlTransactionManager::get_transaction_depth(&self.conn) == 1;
        self.state.sent();
        let Err(e) = self.commit_now().await else {
            self.state.answered();
            return Ok(());
        };
        if breaks_session(&e).is_some() {
            let e = self.after(Err(e));
            self.end_level_on_broken();
            return if outermost { e.map_err(outcome_unknown) } else { e };
        }
        // The server refused the COMMIT (and has rolled back): make sure the session is clean.
        self.state.answered();
        if outermost {
            self.state.sent();
            if self.rollback_now().await.is_err() {
                self.state.failed(Some(BrokenReason::EndFailed));
                self.end_level_on_broken();
            } else {
                self.state.answered();
            }
        }
        Err(e)
    }

    pub(crate) async fn rollback_tx(&mut self) -> Result<()> {
        if self.settle().await? == Gate::Refuse {
            // An orphaned level: the server already rolled it back when its session was discarded.
            self.state.release_orphan();
            return Ok(());
        }
        self.state.sent();
        let r = self.rollback_now().await;
        if let Err(e) = &r {
            // Never reuse a session whose ROLLBACK failed; the server rolls back when it goes.
            let reason = breaks_session(e).unwrap_or(BrokenReason::EndFailed);
            self.state.failed(Some(reason));
            if reason == BrokenReason::Lost {
                self.conn.server_gone();
            }
            self.end_level_on_broken();
            return r;
        }
        self.state.answered();
        r
    }
}

/// Holds the transaction a multi-statement insert opened; if the future is dropped before
/// [`OwnTx::finish`] completes, the drop queues a ROLLBACK (and the `Busy` state makes the
/// session be discarded anyway).
pub(crate) struct OwnTx<'a>(Option<&'a mut MyConnection>);

impl<'a> OwnTx<'a> {
    pub(crate) fn new(c: &'a mut MyConnection) -> Self {
        OwnTx(Some(c))
    }

    pub(crate) fn conn(&mut self) -> &mut MyConnection {
        self.0.as_mut().expect("used after finish")
    }

    /// Commits on success, rolls back on error; returns `r` (or the COMMIT's error). When the
    /// COMMIT or ROLLBACK fails the guard stays, so its drop ends the level (a failed ROLLBACK
    /// left sqlx's depth at 1: a phantom transaction that refused every later statement of a
    /// held connection), and a session whose ROLLBACK failed is never reused.
    pub(crate) async fn finish<T>(mut self, r: Result<T>) -> Result<T> {
        let c = self.conn();
        match &r {
            Ok(_) => c.commit_now().await?,
            Err(_) => {
                if c.rollback_now().await.is_err() {
                    c.state.failed(Some(BrokenReason::EndFailed));
                    return r;
                }
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
