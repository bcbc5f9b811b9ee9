//! The connection's state as one explicit state machine.
//!
//! sqlx may not be able to resume a session whose statement future was dropped mid-flight
//! (half a message written, or an answer half read). So every operation moves the connection
//! `Ready → Busy` and back; one found still `Busy` at its next use (or at drop) was abandoned and
//! its session is replaced (or closed). Transaction levels that died with a replaced session
//! become `Lost`: until the caller rolls them back, statements and COMMIT fail with
//! `ConnectionLost` (the server already rolled them back).
//!
//! An operation that fails because the session broke (lost, or a client-side time limit passed
//! mid-answer) leaves it `Broken`: replaced at the next use, closed (never pooled) at drop.
//!
//! ```text
//!   Ready ──start──► Busy ──finish / failed(kept)──► Ready
//!                     │ failed(broken)                 ▲
//!                     ├──────────────► Broken ──replaced(0)─┤
//!                     │ next use finds it Busy      │       │
//!                     └──────────────► (Replace) ───┘ replaced(n) ──► Lost{n} ──rolled back──► Ready
//! ```

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// Idle and usable.
    Ready,
    /// An operation is in flight; still set at the next use means it was abandoned.
    Busy,
    /// The session broke (lost, or timed out mid-answer): replaced at the next use.
    Broken,
    /// The session was replaced while `depth` transaction levels were open.
    Lost {
        /// Levels the caller has not rolled back yet.
        depth: usize,
    },
}

/// What to do before an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// Go ahead.
    Proceed,
    /// The last operation was abandoned: replace the session first.
    Replace,
    /// Refuse: a transaction died with an earlier session.
    Refuse,
}

impl ConnState {
    /// Before a statement.
    pub fn before(self) -> Before {
        match self {
            ConnState::Ready => Before::Proceed,
            ConnState::Busy | ConnState::Broken => Before::Replace,
            ConnState::Lost { .. } => Before::Refuse,
        }
    }

    /// The session was replaced while `open` transaction levels were open on it.
    pub fn replaced(self, open: usize) -> ConnState {
        let already = self.lost_depth();
        match already + open {
            0 => ConnState::Ready,
            depth => ConnState::Lost { depth },
        }
    }

    /// An operation starts.
    pub fn start(self) -> ConnState {
        debug_assert_eq!(self, ConnState::Ready);
        ConnState::Busy
    }

    /// The operation finished (with or without an error from the server).
    pub fn finish(self) -> ConnState {
        match self {
            ConnState::Busy => ConnState::Ready,
            other => other,
        }
    }

    /// The operation failed: a broken session (`breaks`) is never reused; otherwise (a server
    /// error such as a duplicate key) the session stays usable.
    pub fn failed(self, breaks: bool) -> ConnState {
        match (self, breaks) {
            (ConnState::Ready | ConnState::Busy, true) => ConnState::Broken,
            (s, _) => s.finish(),
        }
    }

    /// True when the session may go back to the pool (after any queued ROLLBACK is flushed).
    pub fn reusable(self) -> bool {
        matches!(self, ConnState::Ready | ConnState::Lost { .. })
    }

    /// The caller ended one lost level (ROLLBACK, or a COMMIT that fails).
    pub fn end_lost_level(self) -> ConnState {
        match self {
            ConnState::Lost { depth } if depth > 1 => ConnState::Lost { depth: depth - 1 },
            ConnState::Lost { .. } => ConnState::Ready,
            other => other,
        }
    }

    /// Transaction levels lost with a replaced session.
    pub fn lost_depth(self) -> usize {
        match self {
            ConnState::Lost { depth } => depth,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_operation_leaves_the_connection_ready() {
        let s = ConnState::Ready.start();
        assert_eq!(s, ConnState::Busy);
        assert_eq!(s.finish(), ConnState::Ready);
        assert_eq!(ConnState::Ready.before(), Before::Proceed);
    }

    #[test]
    fn an_abandoned_operation_replaces_the_session() {
        let s = ConnState::Ready.start();
        assert_eq!(s.before(), Before::Replace);
        assert_eq!(s.replaced(0), ConnState::Ready);
        assert_eq!(s.replaced(2), ConnState::Lost { depth: 2 });
    }

    #[test]
    fn a_broken_session_is_replaced_and_never_pooled() {
        let s = ConnState::Ready.start().failed(true);
        assert_eq!(s, ConnState::Broken);
        assert!(!s.reusable());
        assert_eq!(s.before(), Before::Replace);
        assert_eq!(s.replaced(0), ConnState::Ready);
        assert_eq!(s.replaced(1), ConnState::Lost { depth: 1 });
        // Mid-stream, after the first row made it Ready again.
        assert_eq!(ConnState::Ready.failed(true), ConnState::Broken);
    }

    #[test]
    fn a_server_error_keeps_the_session() {
        let s = ConnState::Ready.start().failed(false);
        assert_eq!(s, ConnState::Ready);
        assert!(s.reusable() && ConnState::Lost { depth: 1 }.reusable());
        assert!(!ConnState::Busy.reusable());
        assert_eq!(ConnState::Lost { depth: 1 }.failed(true), ConnState::Lost { depth: 1 });
    }

    #[test]
    fn lost_levels_refuse_until_rolled_back() {
        let s = ConnState::Busy.replaced(2);
        assert_eq!(s.before(), Before::Refuse);
        let s = s.end_lost_level();
        assert_eq!(s, ConnState::Lost { depth: 1 });
        assert_eq!(s.before(), Before::Refuse);
        let s = s.end_lost_level();
        assert_eq!(s, ConnState::Ready);
        assert_eq!(s.before(), Before::Proceed);
        assert_eq!(ConnState::Ready.end_lost_level(), ConnState::Ready);
    }
}
