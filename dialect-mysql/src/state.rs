//! The state of one checked-out MySQL session, as one enum with its transitions.
//!
//! ```text
//!            sent                answered / failed(kept)
//!   Ready ─────────► Busy ──────────────────────────► Ready
//!     ▲               │  failed(lost, timed out)
//!     │               ├────────────────────────► Broken(reason)
//!     │               │  next use finds it Busy
//!     │               └────────────────────────► Broken(Cancelled)
//!     │   replaced (no open transaction)            │
//!     ├───────────────────────────────────────────◄─┤
//!     │   replaced with n open levels               ▼
//!     └──── Orphaned(0) ◄── rolled back ─── Orphaned(n)
//! ```
//!
//! - `Busy` still set when the next operation starts (or at drop) means the future of the one
//!   before was dropped before its answer arrived: sqlx cannot always resume such a session.
//! - `Broken` sessions are never reused: the next use swaps a new session into the same pool slot
//!   (`replaced`), a drop closes it.
//! - The open transaction depth is the driver's (sqlx counts it and queues a ROLLBACK from
//!   `Drop`); `Orphaned(n)` counts the levels that died with a replaced session. Until the caller
//!   rolls them back, statements and COMMITs fail with `ConnectionLost`.

/// Why a session can no longer be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokenReason {
    /// A statement's future was dropped before its answer was read.
    Cancelled,
    /// The server closed the connection, or the network failed.
    Lost,
    /// An answer did not arrive within the client-side time limit.
    TimedOut,
    /// COMMIT or ROLLBACK failed and the session could not be brought back to a clean state.
    EndFailed,
}

/// One session's state. See the module documentation for the transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// Usable: nothing in flight.
    Ready,
    /// An operation was sent and its answer has not been read yet.
    Busy,
    /// Unusable: replaced at the next use, closed at drop.
    Broken(BrokenReason),
    /// A replacement session, with this many transaction levels lost with the old one.
    Orphaned(usize),
}

/// What a connection must do before its next operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Go ahead.
    Run,
    /// Swap in a new session first (then call [`ConnState::replaced`]).
    Replace,
    /// Refuse: a transaction died with an earlier session and awaits the caller's rollback.
    Refuse,
}

impl ConnState {
    /// Before an operation. A session still `Busy` was abandoned mid-statement and becomes
    /// `Broken(Cancelled)`.
    pub fn gate(&mut self) -> Gate {
        if *self == ConnState::Busy {
            *self = ConnState::Broken(BrokenReason::Cancelled);
        }
        match self {
            ConnState::Ready | ConnState::Orphaned(0) => Gate::Run,
            ConnState::Busy | ConnState::Broken(_) => Gate::Replace,
            ConnState::Orphaned(_) => Gate::Refuse,
        }
    }

    /// `Broken` → a new session took its place; `lost_depth` transaction levels died with the
    /// old one (plus any already orphaned).
    pub fn replaced(&mut self, lost_depth: usize) {
        let before = match *self {
            ConnState::Orphaned(n) => n,
            _ => 0,
        };
        *self = ConnState::Orphaned(before + lost_depth).normal();
    }

    /// `Ready` → `Busy`: an operation is about to be sent.
    pub fn sent(&mut self) {
        debug_assert!(self.gate_is_run(), "sent from {self:?}");
        *self = ConnState::Busy;
    }

    /// `Busy` → `Ready`: the answer arrived (for a result set: its first row or its end; the
    /// driver drains unread rows before the next command).
    pub fn answered(&mut self) {
        if *self == ConnState::Busy {
            *self = ConnState::Ready;
        }
    }

    /// The operation failed: with `Some(reason)` the session is `Broken`, otherwise it stays
    /// usable (a server error such as a duplicate key).
    pub fn failed(&mut self, broken: Option<BrokenReason>) {
        match broken {
            Some(r) => *self = ConnState::Broken(r),
            None => self.answered(),
        }
    }

    /// The caller rolled back (or abandoned) one orphaned level; true if there was one.
    pub fn release_orphan(&mut self) -> bool {
        match *self {
            ConnState::Orphaned(n) if n > 0 => {
                *self = ConnState::Orphaned(n - 1).normal();
                true
            }
            _ => false,
        }
    }

    /// Transaction levels orphaned by a replaced session.
    pub fn orphaned(&self) -> usize {
        match *self {
            ConnState::Orphaned(n) => n,
            _ => 0,
        }
    }

    /// True when the session may go back to the pool (after any queued ROLLBACK is flushed).
    pub fn reusable(&self) -> bool {
        matches!(self, ConnState::Ready | ConnState::Orphaned(_))
    }

    fn gate_is_run(&self) -> bool {
        matches!(self, ConnState::Ready | ConnState::Orphaned(0))
    }

    fn normal(self) -> ConnState {
        match self {
            ConnState::Orphaned(0) => ConnState::Ready,
            s => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BrokenReason::*, ConnState::*, Gate};

    #[test]
    fn ready_runs_and_busy_answered_is_ready() {
        let mut s = Ready;
        assert_eq!(s.gate(), Gate::Run);
        s.sent();
        assert_eq!(s, Busy);
        s.answered();
        assert_eq!(s, Ready);
        assert!(s.reusable());
    }

    #[test]
    fn answered_leaves_other_states_alone() {
        for start in [Ready, Broken(Lost), Orphaned(2)] {
            let mut s = start;
            s.answered();
            assert_eq!(s, start);
        }
    }

    #[test]
    fn a_server_error_keeps_the_session() {
        let mut s = Busy;
        s.failed(None);
        assert_eq!(s, Ready);
    }

    #[test]
    fn a_lost_or_timed_out_session_breaks() {
        for r in [Lost, TimedOut, EndFailed, Cancelled] {
            let mut s = Busy;
            s.failed(Some(r));
            assert_eq!(s, Broken(r));
            assert!(!s.reusable());
            assert_eq!(s.gate(), Gate::Replace);
        }
        // Mid-stream, after the first row made it Ready.
        let mut s = Ready;
        s.failed(Some(Lost));
        assert_eq!(s, Broken(Lost));
    }

    #[test]
    fn busy_at_the_next_use_was_cancelled() {
        let mut s = Busy;
        assert!(!s.reusable(), "dropped while busy: closed, not pooled");
        assert_eq!(s.gate(), Gate::Replace);
        assert_eq!(s, Broken(Cancelled));
    }

    #[test]
    fn replaced_without_a_transaction_is_ready() {
        let mut s = Broken(Lost);
        s.replaced(0);
        assert_eq!(s, Ready);
    }

    #[test]
    fn replaced_inside_a_transaction_orphans_its_levels() {
        let mut s = Broken(Cancelled);
        s.replaced(2);
        assert_eq!(s, Orphaned(2));
        assert_eq!(s.gate(), Gate::Refuse);
        assert!(s.reusable(), "the replacement session itself is clean");
        assert!(s.release_orphan());
        assert_eq!((s, s.orphaned()), (Orphaned(1), 1));
        assert!(s.release_orphan());
        assert_eq!(s, Ready);
        assert!(!s.release_orphan());
        assert_eq!(s.gate(), Gate::Run);
    }

    #[test]
    fn orphans_add_up_over_replacements() {
        let mut s = Orphaned(1);
        s.replaced(1);
        assert_eq!(s, Orphaned(2));
    }
}
