//! Time limits on the server's answers, and the errors they and lost sessions turn into.
//!
//! - `statement_timeout` (seconds, `0` = none): the server's own limit, sent as a startup
//!   parameter (SQLSTATE 57014, a typed `Timeout` that keeps the session), plus a client-side
//!   backstop of 1.5× (at most 5 s more) on the whole operation, for a server that cannot answer.
//! - `read_timeout` (seconds, `0` = none): each wait for an answer on the client, BEGIN, COMMIT
//!   and ROLLBACK included.
//! - The liveness ping of an idle connection: `read_timeout`, else `connect_timeout`, at most 5 s.
//!
//! A client-side limit that passes breaks the session: it is closed, never pooled. A COMMIT (or a
//! write outside a transaction) whose session broke may or may not have committed:
//! `CommitOutcomeUnknown`.

#[cfg(test)]
use crate::error::db;
use crate::error::DIALECT;
use athanor_core::ast::Statement;
use athanor_core::{DatabaseError, DbErrorKind, Error, Result};
use std::future::Future;
use std::time::Duration;

/// Longest wait for a ping (and a queued ROLLBACK) when no shorter limit is set.
pub const MAX_PING_TIMEOUT: Duration = Duration::from_secs(5);

pub use athanor_core::limits::Limits;

/// The limits for these settings: the ping waits `read_timeout`, else `connect_timeout`, at most
/// [`MAX_PING_TIMEOUT`].
pub fn limits(statement: Option<Duration>, read: Option<Duration>, connect_timeout: Duration) -> Limits {
    Limits::new(statement, read, read.unwrap_or(connect_timeout).min(MAX_PING_TIMEOUT))
}

/// Runs `fut` under `limit` (none: unbounded); passing it is a client-side `Timeout`.
pub async fn within<T>(host: &str, what: &str, limit: Option<Duration>, fut: impl Future<Output = Result<T>>) -> Result<T> {
    athanor_pool::sqlx_error::within(DIALECT, host, what, limit, fut).await
}

/// True when `e` leaves the session unusable: lost, or a client-side time limit passed.
pub fn breaks_session(e: &Error) -> bool {
    matches!(e, Error::Database(d) if breaks(d))
}

fn breaks(d: &DatabaseError) -> bool {
    match d.kind {
        DbErrorKind::ConnectionLost | DbErrorKind::CommitOutcomeUnknown => true,
        DbErrorKind::Timeout => d.code.is_none(),
        _ => false,
    }
}

/// True when `e` says the server (or the network) is gone, not just this session's time limit.
pub fn server_gone(e: &Error) -> bool {
    matches!(e, Error::Database(d) if d.kind == DbErrorKind::ConnectionLost)
}

/// A lost session or a client-side timeout during a COMMIT or an autocommit write: whether the
/// server committed is unknown. A refusal from the server is known not to have committed.
pub fn outcome_unknown(e: Error) -> Error {
    athanor_core::limits::outcome_unknown(DIALECT, e)
}

/// True when a failure of `stmt` run outside a transaction may have left a committed write. Raw
/// SQL is judged by its first word: only statements that never write data are reads.
pub fn autocommit_write(stmt: &Statement) -> bool {
    const READS: &[&str] = &["select", "show", "explain", "set", "values", "table", "fetch"];
    athanor_core::limits::autocommit_write(stmt, READS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use athanor_core::ast::Raw;

    fn raw(sql: &str) -> Statement {
        Statement::Raw(Raw { sql: sql.into(), binds: vec![] })
    }

    #[test]
    fn limits_from_settings() {
        let l = limits(Some(Duration::from_secs(2)), Some(Duration::from_millis(500)), Duration::from_secs(10));
        assert_eq!(l.operation, Some(Duration::from_secs(3)));
        assert_eq!((l.ping, l.round_trip()), (Duration::from_millis(500), Some(Duration::from_millis(500))));
        let l = limits(Some(Duration::from_secs(1)), None, Duration::from_secs(10));
        assert_eq!((l.ping, l.round_trip()), (MAX_PING_TIMEOUT, Some(Duration::from_millis(1500))));
        let l = limits(None, None, Duration::from_secs(2));
        assert_eq!((l.ping, l.round_trip(), l.operation), (Duration::from_secs(2), None, None));
    }

    #[test]
    fn client_timeouts_and_lost_sessions_break_and_make_commits_unknown() {
        let t = athanor_core::limits::client_timeout(DIALECT, "h:1", "COMMIT", Duration::from_secs(1));
        assert!(breaks_session(&t) && !server_gone(&t));
        assert_eq!(outcome_unknown(t).db_kind(), Some(DbErrorKind::CommitOutcomeUnknown));
        let lost = db(DbErrorKind::ConnectionLost, None, "reset");
        assert!(breaks_session(&lost) && server_gone(&lost));
        assert_eq!(outcome_unknown(lost).db_kind(), Some(DbErrorKind::CommitOutcomeUnknown));
        // The server's own statement_timeout and its refusals keep the session and are known.
        let server = db(DbErrorKind::Timeout, Some("57014".into()), "canceling statement");
        assert!(!breaks_session(&server));
        assert_eq!(outcome_unknown(server).db_kind(), Some(DbErrorKind::Timeout));
        let refused = db(DbErrorKind::SerializationFailure, Some("40001".into()), "could not serialize");
        assert_eq!(outcome_unknown(refused).db_kind(), Some(DbErrorKind::SerializationFailure));
    }

    fn settings(url: &str, o: athanor_core::EngineOptions) -> Result<crate::options::Settings> {
        crate::options::settings(&athanor_core::DbUrl::parse(url).unwrap(), &o)
    }

    #[test]
    fn url_and_code_limits() {
        let s = settings("postgresql://u@h/db?statement_timeout=2&read_timeout=0.5&connect_timeout=3", Default::default()).unwrap();
        assert_eq!(s.limits, limits(Some(Duration::from_secs(2)), Some(Duration::from_millis(500)), Duration::from_secs(3)));
        assert_eq!(s.connect.get_options(), Some("-c statement_timeout=2000ms"));
        let s = settings("postgresql://u@h/db?statement_timeout=0&read_timeout=0", Default::default()).unwrap();
        assert_eq!((s.limits.server_statement, s.limits.read, s.connect.get_options()), (None, None, None));
        // Code wins over the URL, zero included.
        let code = athanor_core::EngineOptions::new().statement_timeout(Duration::from_millis(250));
        let s = settings("postgresql://u@h/db?statement_timeout=9", code).unwrap();
        assert_eq!(s.connect.get_options(), Some("-c statement_timeout=250ms"));
        let s = settings("postgresql://u@h/db?read_timeout=9", athanor_core::EngineOptions::new().read_timeout(Duration::ZERO)).unwrap();
        assert_eq!(s.limits.read, None);
    }

    #[test]
    fn limits_out_of_range_name_the_key() {
        for q in ["statement_timeout=-1", "statement_timeout=1e20", "read_timeout=NaN", "read_timeout=0.0001", "read_timeout=soon"] {
            match settings(&format!("postgresql://u@h/db?{q}"), Default::default()) {
                Err(Error::InvalidOption { key, reason }) => {
                    assert_eq!(key, q.split('=').next().unwrap());
                    assert!(reason.contains("0.001"), "{reason}");
                }
                other => panic!("{q}: {:?}", other.map(|s| s.limits)),
            }
        }
        let code = athanor_core::EngineOptions::new().read_timeout(Duration::from_secs(u64::MAX));
        assert!(matches!(settings("postgresql://u@h/db", code), Err(Error::InvalidOption { key, .. }) if key == "read_timeout"));
    }

    #[test]
    fn reads_are_not_autocommit_writes() {
        assert!(!autocommit_write(&raw(" (SELECT 1)")));
        assert!(!autocommit_write(&raw("show search_path")));
        assert!(autocommit_write(&raw("INSERT INTO t VALUES (1)")));
        assert!(autocommit_write(&raw("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x")));
    }
}
