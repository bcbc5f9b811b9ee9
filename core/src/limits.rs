//! Client-side time limits on a SQL server's answers, and the errors a passed limit or a lost
//! session turns into; one copy for the dialects that talk to a server (MySQL, PostgreSQL).
//!
//! A client-side limit that passes breaks the session (a `Timeout` with no server code). A
//! COMMIT, or a write outside a transaction, whose session broke may or may not have committed:
//! [`outcome_unknown`] turns its error into `CommitOutcomeUnknown`.

use crate::ast::Statement;
use crate::error::{DatabaseError, DbErrorKind, Error};
use std::time::Duration;

/// Client-side time limits, from `statement_timeout` and `read_timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// The statement limit given to the server (`statement_timeout`).
    pub server_statement: Option<Duration>,
    /// The whole operation on the client: `statement_timeout`'s backstop.
    pub operation: Option<Duration>,
    /// Each wait for an answer (`read_timeout`).
    pub read: Option<Duration>,
    /// The liveness ping of an idle connection (each dialect chooses it).
    pub ping: Duration,
}

impl Limits {
    /// The limits for a server statement limit and a read limit; the operation limit is the
    /// statement limit's [`crate::options::backstop`].
    pub fn new(statement: Option<Duration>, read: Option<Duration>, ping: Duration) -> Limits {
        Limits { server_statement: statement, operation: statement.map(crate::options::backstop), read, ping }
    }

    /// One round trip that is not a statement (BEGIN, COMMIT, ROLLBACK) or a stream's first
    /// answer: the smaller of the read limit and the statement backstop.
    pub fn round_trip(&self) -> Option<Duration> {
        match (self.read, self.operation) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A client-side time limit passed before the server answered (no server code: a server's own
/// statement limit carries one).
pub fn client_timeout(dialect: &'static str, host: &str, what: &str, limit: Duration) -> Error {
    Error::Database(DatabaseError::new(
        dialect,
        DbErrorKind::Timeout,
        None,
        format!("no answer from {host} to {what} within {limit:?}; the connection was discarded"),
    ))
}

/// Rewrites a lost connection or a client-side timeout during a COMMIT or an autocommit write:
/// whether the server committed is unknown. A refusal from the server (any error with a server
/// code but a client timeout's) is known not to have committed and is returned as it is.
pub fn outcome_unknown(dialect: &'static str, e: Error) -> Error {
    let unknown = |d: &DatabaseError| match d.kind {
        DbErrorKind::ConnectionLost => true,
        DbErrorKind::Timeout => d.code.is_none(),
        _ => false,
    };
    match e {
        Error::Database(d) if unknown(&d) => Error::Database(DatabaseError::new(
            dialect,
            DbErrorKind::CommitOutcomeUnknown,
            d.code,
            format!("the server may or may not have committed: {}", d.message),
        )),
        other => other,
    }
}

/// True when a failure of `stmt` run outside a transaction may have left a committed write. Raw
/// SQL is judged by its first word (lower case): only the dialect's `reads` never write data.
pub fn autocommit_write(stmt: &Statement, reads: &[&str]) -> bool {
    match stmt {
        Statement::Select(_) => false,
        Statement::Raw(r) => {
            let first = r.sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
            let word = first.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_lowercase();
            !reads.contains(&word.as_str())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Raw;

    fn db(kind: DbErrorKind, code: Option<&str>) -> Error {
        Error::Database(DatabaseError::new("d", kind, code.map(str::to_owned), "m"))
    }

    #[test]
    fn round_trip_is_the_smaller_limit() {
        let s = Duration::from_secs;
        let l = Limits::new(Some(s(2)), Some(Duration::from_millis(500)), s(5));
        assert_eq!((l.operation, l.round_trip()), (Some(s(3)), Some(Duration::from_millis(500))));
        assert_eq!(Limits::new(Some(s(1)), None, s(5)).round_trip(), Some(Duration::from_millis(1500)));
        assert_eq!(Limits::new(None, None, s(5)).round_trip(), None);
    }

    #[test]
    fn only_lost_sessions_and_client_timeouts_have_unknown_outcomes() {
        let t = outcome_unknown("d", client_timeout("d", "h:1", "COMMIT", Duration::from_secs(1)));
        assert_eq!(t.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown));
        assert_eq!(outcome_unknown("d", db(DbErrorKind::ConnectionLost, None)).db_kind(), Some(DbErrorKind::CommitOutcomeUnknown));
        for (kind, code) in
            [(DbErrorKind::Timeout, Some("57014")), (DbErrorKind::UniqueViolation, Some("1062")), (DbErrorKind::Other, None)]
        {
            assert_eq!(outcome_unknown("d", db(kind, code)).db_kind(), Some(kind));
        }
    }

    #[test]
    fn reads_are_not_autocommit_writes() {
        let raw = |sql: &str| Statement::Raw(Raw { sql: sql.into(), binds: vec![] });
        let reads = &["select", "show"];
        assert!(!autocommit_write(&raw(" (SELECT 1)"), reads));
        assert!(!autocommit_write(&raw("show tables"), reads));
        assert!(autocommit_write(&raw("INSERT INTO t VALUES (1)"), reads));
    }
}
