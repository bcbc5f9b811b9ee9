//! The life of one transaction level (a BEGIN or a SAVEPOINT) as one explicit state machine,
//! shared by [`super::Transaction`] and [`super::Atomic`].
//!
//! ```text
//! Beginning --ok--> Open --commit--> Committing --ok--> Closed
//!     |              |                   |--failed, level still open--> RollingBack
//!     |              |                   '--failed, level already ended by the dialect--> Closed
//!     |              '--rollback--> RollingBack --ok, level ended--> Closed
//!     |                                  '--failed--> Discarded (connection taken out of service)
//! dropped while Open: queue a rollback; dropped while Beginning / Committing / RollingBack
//! (cancelled mid-flight, outcome unknown): discard the connection.
//! ```

use crate::dialect::BackendConnection;
use crate::engine::TxOptions;
use crate::error::{Error, Result};

/// Where a transaction level is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxState {
    /// BEGIN / SAVEPOINT sent, answer not read yet.
    Beginning,
    /// Begun: statements run inside it.
    Open,
    /// COMMIT / RELEASE sent, answer not read yet.
    Committing,
    /// ROLLBACK (TO SAVEPOINT) sent, answer not read yet (also after a failed commit).
    RollingBack,
    /// Committed or rolled back: the connection is back at the depth below this level.
    Closed,
    /// Could not be brought back to a known state; the connection was discarded.
    Discarded,
}

/// What dropping a level in a given state must do to its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropAction {
    /// Nothing: the level has ended.
    Nothing,
    /// Queue a rollback of this level ([`BackendConnection::start_rollback`]).
    QueueRollback,
    /// The outcome of a statement in flight is unknown: [`BackendConnection::discard`].
    Discard,
}

impl TxState {
    /// Statements may run only in an open level.
    pub(crate) fn check_open(self) -> Result<()> {
        match self {
            TxState::Open => Ok(()),
            TxState::Discarded => Err(Error::State("the transaction failed and its connection was discarded".into())),
            _ => Err(Error::State("the transaction has already ended".into())),
        }
    }

    /// BEGIN answered.
    pub(crate) fn begun(self) -> TxState {
        debug_assert_eq!(self, TxState::Beginning);
        TxState::Open
    }

    /// COMMIT is about to be sent.
    pub(crate) fn start_commit(self) -> Result<TxState> {
        self.check_open().map(|_| TxState::Committing)
    }

    /// ROLLBACK is about to be sent.
    pub(crate) fn start_rollback(self) -> Result<TxState> {
        self.check_open().map(|_| TxState::RollingBack)
    }

    /// COMMIT answered: `ok`, or failed with the level `still_open` (then it must be rolled back).
    pub(crate) fn after_commit(self, ok: bool, still_open: bool) -> TxState {
        debug_assert_eq!(self, TxState::Committing);
        match (ok, still_open) {
            (true, _) | (false, false) => TxState::Closed,
            (false, true) => TxState::RollingBack,
        }
    }

    /// ROLLBACK answered: `ended` when it succeeded and the level is gone.
    pub(crate) fn after_rollback(self, ended: bool) -> TxState {
        debug_assert_eq!(self, TxState::RollingBack);
        if ended {
            TxState::Closed
        } else {
            TxState::Discarded
        }
    }

    /// What a drop in this state must do.
    pub(crate) fn on_drop(self) -> DropAction {
        match self {
            TxState::Open => DropAction::QueueRollback,
            TxState::Beginning | TxState::Committing | TxState::RollingBack => DropAction::Discard,
            TxState::Closed | TxState::Discarded => DropAction::Nothing,
        }
    }
}

/// One transaction level on one connection: its state and the depth it opened at.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    state: TxState,
    /// The connection's transaction depth while this level is open (1 = outermost).
    depth: usize,
}

impl Lifecycle {
    /// A level about to begin: dropped before [`Lifecycle::begin`] answers, it discards the
    /// connection (BEGIN may or may not have run).
    pub(crate) fn new() -> Lifecycle {
        Lifecycle { state: TxState::Beginning, depth: 0 }
    }

    pub(crate) fn state(&self) -> TxState {
        self.state
    }

    /// Sends BEGIN (SAVEPOINT when `conn` is already in a transaction). On error the level never
    /// opened and nothing needs undoing.
    pub(crate) async fn begin(&mut self, conn: &mut dyn BackendConnection, options: &TxOptions) -> Result<()> {
        let below = conn.transaction_depth();
        match conn.begin(options).await {
            Ok(()) => {
                self.depth = below + 1;
                self.state = self.state.begun();
                Ok(())
            }
            Err(e) => {
                self.state = TxState::Closed;
                Err(e)
            }
        }
    }

    /// Commits this level. If COMMIT fails and the level is still open, it is rolled back (or
    /// the connection discarded when that fails too); the COMMIT error is returned either way.
    pub(crate) async fn commit(&mut self, conn: &mut dyn BackendConnection) -> Result<()> {
        self.state = self.state.start_commit()?;
        let r = conn.commit().await;
        self.state = self.state.after_commit(r.is_ok(), conn.transaction_depth() >= self.depth);
        if r.is_err() && self.state == TxState::RollingBack {
            let rb = conn.rollback().await;
            self.finish_rollback(conn, rb.is_ok());
        }
        r
    }

    /// Rolls this level back; if that fails the connection is discarded.
    pub(crate) async fn rollback(&mut self, conn: &mut dyn BackendConnection) -> Result<()> {
        self.state = self.state.start_rollback()?;
        let r = conn.rollback().await;
        self.finish_rollback(conn, r.is_ok());
        r
    }

    fn finish_rollback(&mut self, conn: &mut dyn BackendConnection, ok: bool) {
        self.state = self.state.after_rollback(ok && conn.transaction_depth() < self.depth);
        if self.state == TxState::Discarded {
            tracing::warn!(target: "athanor::engine", "a transaction could not be rolled back; its connection is discarded");
            conn.discard();
        }
    }

    /// Called from the owner's `Drop`.
    pub(crate) fn on_drop(&mut self, conn: &mut dyn BackendConnection) {
        match self.state.on_drop() {
            DropAction::Nothing => {}
            DropAction::QueueRollback => {
                conn.start_rollback();
                self.state = TxState::Closed;
            }
            DropAction::Discard => {
                conn.discard();
                self.state = TxState::Discarded;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_path() {
        let s = TxState::Beginning.begun();
        assert_eq!(s, TxState::Open);
        assert!(s.check_open().is_ok());
        let s = s.start_commit().unwrap();
        assert_eq!(s, TxState::Committing);
        assert!(s.check_open().is_err());
        assert_eq!(s.after_commit(true, false), TxState::Closed);
        assert_eq!(s.after_commit(true, true), TxState::Closed);
    }

    #[test]
    fn failed_commit_rolls_back_when_the_level_is_still_open() {
        let s = TxState::Committing;
        assert_eq!(s.after_commit(false, true), TxState::RollingBack);
        assert_eq!(s.after_commit(false, false), TxState::Closed);
        assert_eq!(TxState::RollingBack.after_rollback(true), TxState::Closed);
        assert_eq!(TxState::RollingBack.after_rollback(false), TxState::Discarded);
    }

    #[test]
    fn ended_levels_refuse_everything() {
        for s in [TxState::Closed, TxState::Discarded, TxState::Committing, TxState::RollingBack, TxState::Beginning] {
            assert!(matches!(s.check_open(), Err(Error::State(_))), "{s:?}");
            assert!(s.start_commit().is_err(), "{s:?}");
            assert!(s.start_rollback().is_err(), "{s:?}");
        }
        assert_eq!(TxState::Open.start_rollback().unwrap(), TxState::RollingBack);
    }

    #[test]
    fn drop_actions() {
        assert_eq!(TxState::Open.on_drop(), DropAction::QueueRollback);
        for s in [TxState::Beginning, TxState::Committing, TxState::RollingBack] {
            assert_eq!(s.on_drop(), DropAction::Discard, "{s:?}");
        }
        for s in [TxState::Closed, TxState::Discarded] {
            assert_eq!(s.on_drop(), DropAction::Nothing, "{s:?}");
        }
    }
}
