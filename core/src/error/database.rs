//! Errors reported by a database server (or a REST backend), classified into kinds.

use std::fmt;

/// What went wrong on the server side, independent of the dialect's own codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DbErrorKind {
    /// A unique or primary key constraint was violated (MySQL 1062, SQLite 2067/1555, PG 23505).
    UniqueViolation,
    /// A foreign key constraint was violated (MySQL 1451/1452, SQLite 787, PG 23503).
    ForeignKeyViolation,
    /// NULL into a NOT NULL column (MySQL 1048, SQLite 1299, PG 23502).
    NotNullViolation,
    /// A CHECK constraint failed.
    CheckViolation,
    /// Deadlock detected; retry the transaction.
    Deadlock,
    /// Lock wait timeout, a `NOWAIT` lock another transaction holds (MySQL 1205/3572, PG
    /// 55P03), or database busy; retry.
    LockTimeout,
    /// Serialization failure; retry the transaction.
    SerializationFailure,
    /// The table or relation does not exist.
    TableNotFound,
    /// Credentials were refused or the operation is not permitted (also HTTP 401/403).
    AccessDenied,
    /// The connection was lost; the pool discards it and the next query gets a fresh one.
    ConnectionLost,
    /// Could not connect at all (refused, DNS, TLS).
    ConnectFailed,
    /// The statement timed out (server-side, or the client's statement or read time limit; the
    /// client then discards the connection).
    Timeout,
    /// The connection was lost (or timed out) during a COMMIT or an autocommit write: the server
    /// may or may not have committed. Never retryable: retrying could apply the write twice.
    CommitOutcomeUnknown,
    /// The server could not parse the statement or request.
    Syntax,
    /// The server is temporarily unavailable (HTTP 503/520).
    Unavailable,
    /// Anything else.
    Other,
}

impl DbErrorKind {
    /// Whether retrying the operation (or its transaction) may succeed. False for
    /// [`DbErrorKind::CommitOutcomeUnknown`]: the first attempt may have committed.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            DbErrorKind::Deadlock
                | DbErrorKind::LockTimeout
                | DbErrorKind::SerializationFailure
                | DbErrorKind::ConnectionLost
                | DbErrorKind::Unavailable
        )
    }
}

/// A classified server error with the server's own code and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseError {
    /// The dialect that produced it (`"mysql"`, `"sqlite"`, `"supabase"`).
    pub dialect: &'static str,
    /// Classified kind.
    pub kind: DbErrorKind,
    /// The server's code: MySQL error number, SQLite extended code, SQLSTATE or PostgREST code.
    pub code: Option<String>,
    /// The server's message.
    pub message: String,
    /// Extra details (PostgREST `details`).
    pub details: Option<String>,
    /// A hint (PostgREST `hint`).
    pub hint: Option<String>,
    /// HTTP status, for REST dialects.
    pub status: Option<u16>,
}

impl DatabaseError {
    /// A new error with no details, hint or status.
    pub fn new(dialect: &'static str, kind: DbErrorKind, code: Option<String>, message: impl Into<String>) -> Self {
        DatabaseError { dialect, kind, code, message: message.into(), details: None, hint: None, status: None }
    }

    /// See [`DbErrorKind::is_retryable`].
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error ({:?}", self.dialect, self.kind)?;
        if let Some(status) = self.status {
            write!(f, ", HTTP {status}")?;
        }
        if let Some(code) = &self.code {
            write!(f, ", code {code}")?;
        }
        write!(f, "): {}", self.message)?;
        if let Some(d) = &self.details {
            write!(f, "; details: {d}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DatabaseError {}

#[cfg(test)]
mod tests {
    use super::DbErrorKind;

    #[test]
    fn an_unknown_commit_outcome_is_never_retryable() {
        assert!(!DbErrorKind::CommitOutcomeUnknown.is_retryable());
        assert!(DbErrorKind::ConnectionLost.is_retryable());
    }
}
