//! Transactions on a [`PgConn`]: BEGIN/SAVEPOINT, COMMIT/RELEASE and ROLLBACK through sqlx's
//! `PgTransactionManager`, each through the connection's state machine and under the round-trip
//! limit of [`crate::limits`].
//!
//! A failed COMMIT never leaves a session in an unknown state: when the session broke (lost, or
//! timed out) it is discarded and the error of an outermost COMMIT is `CommitOutcomeUnknown`
//! (the level is over); when the server refused the COMMIT, the level stays open for the caller's
//! ROLLBACK, as before.

use crate::connection::{lost, PgConn};
use crate::limits::{breaks_session, outcome_unknown, server_gone, within};
use crate::state::ConnState;
use athanor_core::{BackendConnection, Error, IsolationLevel, Result, TxOptions};
use sqlx::postgres::PgTransactionManager;
use sqlx_core::transaction::TransactionManager;

/// The BEGIN statement for `options` at the outermost level; `None` for a plain BEGIN.
pub(crate) fn begin_sql(options: &TxOptions) -> Option<String> {
    if options.isolation.is_none() && !options.read_only && !options.deferrable {
        return None;
    }
    let mut sql = String::from("BEGIN");
    if let Some(level) = options.isolation {
        sql.push_str(match level {
            IsolationLevel::ReadUncommitted => " ISOLATION LEVEL READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => " ISOLATION LEVEL READ COMMITTED",
            IsolationLevel::RepeatableRead => " ISOLATION LEVEL REPEATABLE READ",
            IsolationLevel::Serializable => " ISOLATION LEVEL SERIALIZABLE",
        });
    }
    if options.read_only {
        sql.push_str(" READ ONLY");
    }
    if options.deferrable {
        sql.push_str(" DEFERRABLE");
    }
    Some(sql)
}

impl PgConn {
    /// BEGIN (or SAVEPOINT), under the round-trip limit.
    pub(crate) async fn begin_now(&mut self, options: &TxOptions) -> Result<()> {
        if self.transaction_depth() > 0 && begin_sql(options).is_some() {
            return Err(Error::State("an isolation level, read-only or deferrable mode applies only to the outermost transaction".into()));
        }
        let custom = begin_sql(options).map(|sql| sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(sql)));
        let inner = self.inner.clone();
        let begin = async { PgTransactionManager::begin(&mut self.conn.0, custom).await.map_err(|e| inner.err(e)) };
        within(&inner.host, "BEGIN", inner.limits.round_trip(), begin).await
    }

    /// COMMIT (or RELEASE SAVEPOINT), under the round-trip limit.
    pub(crate) async fn commit_now(&mut self) -> Result<()> {
        let inner = self.inner.clone();
        let commit = async { PgTransactionManager::commit(&mut self.conn.0).await.map_err(|e| inner.err(e)) };
        within(&inner.host, "COMMIT", inner.limits.round_trip(), commit).await
    }

    /// ROLLBACK (or ROLLBACK TO SAVEPOINT), under the round-trip limit.
    pub(crate) async fn rollback_now(&mut self) -> Result<()> {
        let inner = self.inner.clone();
        let rollback = async { PgTransactionManager::rollback(&mut self.conn.0).await.map_err(|e| inner.err(e)) };
        within(&inner.host, "ROLLBACK", inner.limits.round_trip(), rollback).await
    }

    /// The level being ended is over although its COMMIT/ROLLBACK broke the session: lower the
    /// driver's depth (the ROLLBACK this queues dies with the discarded session).
    fn end_level_on_broken(&mut self) {
        PgTransactionManager::start_rollback(&mut self.conn.0);
    }

    pub(crate) async fn begin_tx(&mut self, options: &TxOptions) -> Result<()> {
        self.ready().await?;
        let r = self.begin_now(options).await;
        self.after(r)
    }

    pub(crate) async fn commit_tx(&mut self) -> Result<()> {
        if self.state.lost_depth() > 0 {
            self.state = self.state.end_lost_level();
            return Err(lost());
        }
        self.ready().await?;
        let outermost = self.depth_now() == 1;
        let Err(e) = self.commit_now().await else {
            self.state = self.state.finish();
            return Ok(());
        };
        if breaks_session(&e) {
            let e = self.after(Err(e));
            self.end_level_on_broken();
            return if outermost { e.map_err(outcome_unknown) } else { e };
        }
        self.after(Err(e))
    }

    pub(crate) async fn rollback_tx(&mut self) -> Result<()> {
        self.replace_if_abandoned().await?;
        if self.state.lost_depth() > 0 {
            // The server already rolled it back when the session was replaced.
            self.state = self.state.end_lost_level();
            return Ok(());
        }
        self.state = self.state.start();
        let r = self.rollback_now().await;
        if let Err(e) = &r {
            // Never reuse a session whose ROLLBACK failed; the server rolls back when it goes.
            if server_gone(e) {
                self.conn.server_gone();
            }
            self.state = ConnState::Broken;
            self.end_level_on_broken();
            return r;
        }
        self.state = self.state.finish();
        r
    }
}

/// A transaction the connection opened for one statement (`open`), or none: a multi-statement
/// insert, or any extended-protocol statement behind a transaction pooler. Dropped before
/// [`OwnTx::finish`] completes (a cancelled future), or after its COMMIT/ROLLBACK failed, it
/// queues a ROLLBACK, which ends the level (and the busy or broken state makes the session be
/// replaced anyway), so it never outlives its statement.
pub(crate) struct OwnTx<'a> {
    conn: &'a mut PgConn,
    open: bool,
}

impl<'a> OwnTx<'a> {
    pub(crate) fn new(conn: &'a mut PgConn, open: bool) -> Self {
        OwnTx { conn, open }
    }

    pub(crate) fn conn(&mut self) -> &mut PgConn {
        self.conn
    }

    /// Gives up the guard without ending the transaction; true when one is open (the caller
    /// makes a new guard for it without an await in between).
    pub(crate) fn hand_over(mut self) -> bool {
        std::mem::take(&mut self.open)
    }

    /// Commits on success, rolls back on error; returns `r` (or the COMMIT's error).
    pub(crate) async fn finish<T>(&mut self, r: Result<T>) -> Result<T> {
        if !self.open {
            return r;
        }
        let end = match &r {
            Ok(_) => self.conn.commit_now().await,
            Err(_) => self.conn.rollback_now().await,
        };
        if end.is_ok() {
            self.open = false;
        }
        match (r, end) {
            (Ok(_), Err(e)) => Err(e),
            (r, _) => r,
        }
    }
}

impl Drop for OwnTx<'_> {
    fn drop(&mut self) {
        if self.open {
            PgTransactionManager::start_rollback(&mut self.conn.conn.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn begin_statements() {
        assert_eq!(begin_sql(&TxOptions::default()), None);
        let o = TxOptions::default().isolation(IsolationLevel::Serializable).read_only().deferrable();
        assert_eq!(begin_sql(&o).as_deref(), Some("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE"));
        let o = TxOptions::default().isolation(IsolationLevel::RepeatableRead);
        assert_eq!(begin_sql(&o).as_deref(), Some("BEGIN ISOLATION LEVEL REPEATABLE READ"));
        assert_eq!(begin_sql(&TxOptions::default().read_only()).as_deref(), Some("BEGIN READ ONLY"));
    }
}
