//! sqlx errors → Athanor's typed errors. Messages are built here from the parts we trust (the
//! server's error number and text, an I/O error kind), so connect options — which hold the
//! password — can never leak through a sqlx `Display`/`Debug`.

use crate::state::BrokenReason;
use athanor_core::{DatabaseError, DbErrorKind, Error};
use athanor_pool::sqlx_error::{convert_common, io_kind, scrub};
use sqlx::mysql::MySqlDatabaseError;

/// The dialect name used in every error.
pub const DIALECT: &str = "mysql";

/// Classifies a MySQL/MariaDB server error number.
pub fn kind_of(number: u16) -> DbErrorKind {
    match number {
        1062 | 1586 => DbErrorKind::UniqueViolation,
        1216 | 1217 | 1451 | 1452 => DbErrorKind::ForeignKeyViolation,
        1048 | 1364 => DbErrorKind::NotNullViolation,
        3819 | 4025 => DbErrorKind::CheckViolation,
        1213 => DbErrorKind::Deadlock,
        // 1205 lock wait timeout (also MariaDB's NOWAIT), 3572 MySQL 8's NOWAIT lock not available.
        1205 | 3572 => DbErrorKind::LockTimeout,
        1146 | 1051 => DbErrorKind::TableNotFound,
        1044 | 1045 | 1142 | 1143 | 1227 | 1698 => DbErrorKind::AccessDenied,
        // 2006 gone away, 2013 lost during query, 4031 idle disconnect (MySQL 8),
        // 1927 connection killed (MariaDB), 1053 server shutdown, 1317 query interrupted by KILL.
        2006 | 2013 | 4031 | 1927 | 1053 | 1317 | 1152 | 1184 => DbErrorKind::ConnectionLost,
        1040 | 1129 | 1130 | 1203 => DbErrorKind::ConnectFailed,
        1064 | 1149 => DbErrorKind::Syntax,
        1969 | 3024 => DbErrorKind::Timeout,
        _ => DbErrorKind::Other,
    }
}

fn db(kind: DbErrorKind, code: Option<String>, message: impl Into<String>) -> Error {
    Error::Database(DatabaseError::new(DIALECT, kind, code, message))
}

/// Converts a sqlx error. `host` (`host:port`, never credentials) is used for pool timeouts.
pub fn convert(e: sqlx::Error, host: &str) -> Error {
    match e {
        sqlx::Error::Database(d) => match d.try_downcast_ref::<MySqlDatabaseError>() {
            Some(m) => db(kind_of(m.number()), Some(m.number().to_string()), m.message().to_owned()),
            None => db(DbErrorKind::Other, None, d.message().to_owned()),
        },
        other => convert_common(other, DIALECT, host, scrub),
    }
}

/// What a failed connect was, for a pool timeout's "last connect error" (no host, no
/// credentials: the parts we trust, as in [`convert`]).
pub fn describe(e: &sqlx::Error) -> String {
    let (kind, text) = match e {
        sqlx::Error::Database(d) => match d.try_downcast_ref::<MySqlDatabaseError>() {
            Some(m) => (kind_of(m.number()), format!("server error {}: {}", m.number(), m.message())),
            None => (DbErrorKind::Other, format!("server error: {}", d.message())),
        },
        sqlx::Error::Io(io) => (io_kind(io), format!("I/O error: {}", io.kind())),
        sqlx::Error::Tls(_) => (DbErrorKind::ConnectFailed, "TLS handshake failed".into()),
        sqlx::Error::Protocol(p) => (DbErrorKind::ConnectionLost, format!("protocol error: {}", scrub(p))),
        other => (DbErrorKind::Other, format!("driver error: {}", scrub(&other.to_string()))),
    };
    format!("{kind:?}: {text}")
}

/// True when `e` means the session is gone or in an unknown state and must be discarded: a lost
/// connection, a client-side time limit (a timeout without a server error code), or error 1153
/// (a packet over `max_allowed_packet`, after which the server closes the connection).
pub fn breaks_session(e: &Error) -> Option<BrokenReason> {
    let Error::Database(d) = e else { return None };
    match d.kind {
        DbErrorKind::ConnectionLost | DbErrorKind::CommitOutcomeUnknown => Some(BrokenReason::Lost),
        DbErrorKind::Timeout if d.code.is_none() => Some(BrokenReason::TimedOut),
        _ if d.code.as_deref() == Some("1153") => Some(BrokenReason::Lost),
        _ => None,
    }
}

/// A statement of at least `size` bytes that the server's `max_allowed_packet` (`max`) would
/// refuse with error 1153 (closing the connection): refused before it is sent.
pub fn packet_too_big(size: usize, max: usize) -> Error {
    db(
        DbErrorKind::Other,
        Some("1153".into()),
        format!(
            "a statement of at least {size} bytes is over the server's max_allowed_packet of {max} bytes (error 1153); it was not sent"
        ),
    )
}

/// Rewrites a lost connection or a client-side timeout during a COMMIT or an autocommit write:
/// whether the server committed is unknown. (A server's refusal, even one that closes the
/// session like 1153, is known not to have committed.)
pub fn outcome_unknown(e: Error) -> Error {
    athanor_core::limits::outcome_unknown(DIALECT, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind_of(1062), DbErrorKind::UniqueViolation);
        assert_eq!(kind_of(1451), DbErrorKind::ForeignKeyViolation);
        assert_eq!(kind_of(1452), DbErrorKind::ForeignKeyViolation);
        assert_eq!(kind_of(1048), DbErrorKind::NotNullViolation);
        assert_eq!(kind_of(1213), DbErrorKind::Deadlock);
        assert_eq!(kind_of(1205), DbErrorKind::LockTimeout);
        assert_eq!(kind_of(3572), DbErrorKind::LockTimeout);
        assert_eq!(kind_of(1146), DbErrorKind::TableNotFound);
        assert_eq!(kind_of(1045), DbErrorKind::AccessDenied);
        for n in [2006, 2013, 4031, 1927] {
            assert_eq!(kind_of(n), DbErrorKind::ConnectionLost, "{n}");
        }
        assert!(kind_of(1213).is_retryable() && kind_of(1205).is_retryable());
        assert_eq!(kind_of(9999), DbErrorKind::Other);
    }

    #[test]
    fn which_errors_break_the_session() {
        let lost = db(DbErrorKind::ConnectionLost, None, "x");
        assert_eq!(breaks_session(&lost), Some(BrokenReason::Lost));
        assert_eq!(
            breaks_session(&athanor_core::limits::client_timeout(DIALECT, "h", "a query", std::time::Duration::from_secs(1))),
            Some(BrokenReason::TimedOut)
        );
        // The server's own statement timeout keeps the session.
        assert_eq!(breaks_session(&db(DbErrorKind::Timeout, Some("1969".into()), "x")), None);
        assert_eq!(breaks_session(&db(DbErrorKind::Other, Some("1153".into()), "x")), Some(BrokenReason::Lost));
        assert_eq!(breaks_session(&db(DbErrorKind::UniqueViolation, Some("1062".into()), "x")), None);
        let u = outcome_unknown(lost);
        assert_eq!(u.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown));
        assert!(!u.is_retryable());
        let dup = outcome_unknown(db(DbErrorKind::UniqueViolation, Some("1062".into()), "x"));
        assert_eq!(dup.db_kind(), Some(DbErrorKind::UniqueViolation));
        let big = outcome_unknown(db(DbErrorKind::Other, Some("1153".into()), "x"));
        assert_eq!(big.db_kind(), Some(DbErrorKind::Other));
        let server_timeout = outcome_unknown(db(DbErrorKind::Timeout, Some("1969".into()), "x"));
        assert_eq!(server_timeout.db_kind(), Some(DbErrorKind::Timeout));
        let client = outcome_unknown(athanor_core::limits::client_timeout(DIALECT, "h", "a statement", std::time::Duration::from_secs(1)));
        assert_eq!(client.db_kind(), Some(DbErrorKind::CommitOutcomeUnknown));
    }
}
