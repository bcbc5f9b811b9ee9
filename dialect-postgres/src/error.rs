//! sqlx errors → Athanor's typed errors, classified by SQLSTATE. Messages are built from the
//! parts we trust (the server's SQLSTATE and message, an I/O error kind), so the connect options,
//! which hold the password, never leak through a sqlx `Display`/`Debug`.

use crate::hosts::connect::NoHostFits;
use athanor_core::{DatabaseError, DbErrorKind, Error};
use athanor_pool::sqlx_error::convert_common;
use sqlx::postgres::PgDatabaseError;

/// The dialect name used in every error.
pub const DIALECT: &str = "postgresql";

/// Classifies a SQLSTATE.
pub fn kind_of(sqlstate: &str) -> DbErrorKind {
    match sqlstate {
        "23505" => DbErrorKind::UniqueViolation,
        "23503" => DbErrorKind::ForeignKeyViolation,
        "23502" => DbErrorKind::NotNullViolation,
        "23514" => DbErrorKind::CheckViolation,
        "40001" => DbErrorKind::SerializationFailure,
        "40P01" => DbErrorKind::Deadlock,
        "55P03" => DbErrorKind::LockTimeout,
        "57014" => DbErrorKind::Timeout,
        "42P01" => DbErrorKind::TableNotFound,
        "28P01" | "28000" | "42501" => DbErrorKind::AccessDenied,
        "42601" => DbErrorKind::Syntax,
        // admin_shutdown, crash_shutdown, idle_session_timeout
        "57P01" | "57P02" | "57P05" => DbErrorKind::ConnectionLost,
        // cannot_connect_now, too_many_connections, invalid_catalog_name (no such database)
        "57P03" | "53300" | "3D000" => DbErrorKind::ConnectFailed,
        "08001" | "08004" => DbErrorKind::ConnectFailed,
        s if s.starts_with("08") => DbErrorKind::ConnectionLost,
        _ => DbErrorKind::Other,
    }
}

/// A database error of this dialect.
pub fn db(kind: DbErrorKind, code: Option<String>, message: impl Into<String>) -> Error {
    Error::Database(DatabaseError::new(DIALECT, kind, code, message))
}

/// Converts a sqlx error. `host` (`host:port`, never credentials) names the server.
pub fn convert(e: sqlx::Error, host: &str) -> Error {
    if let Some(n) = NoHostFits::find(&e) {
        return db(DbErrorKind::ConnectFailed, None, n.to_string());
    }
    match e {
        sqlx::Error::Database(d) => match d.try_downcast_ref::<PgDatabaseError>() {
            Some(p) => {
                let mut msg = scrub(p.message());
                if let Some(detail) = p.detail() {
                    msg = format!("{msg} ({})", scrub(detail));
                }
                db(kind_of(p.code()), Some(p.code().to_owned()), msg)
            }
            None => db(DbErrorKind::Other, None, scrub(d.message())),
        },
        other => convert_common(other, DIALECT, host, scrub),
    }
}

/// Last-resort scrub of free text from the driver: drops anything after `password`, except the
/// server's own "password authentication failed for user" wording, which names no secret.
fn scrub(s: &str) -> String {
    if s.to_ascii_lowercase().starts_with("password authentication failed for user") {
        return s.to_owned();
    }
    athanor_pool::sqlx_error::scrub(s)
}

/// A connect error described without I/O and without credentials (for pool timeouts).
pub fn describe(e: &sqlx::Error) -> String {
    if let Some(n) = NoHostFits::find(e) {
        return n.to_string();
    }
    match e {
        sqlx::Error::Database(d) => match d.try_downcast_ref::<PgDatabaseError>() {
            Some(p) => format!("{} (SQLSTATE {})", scrub(p.message()), p.code()),
            None => scrub(d.message()),
        },
        sqlx::Error::Io(io) => format!("I/O error: {}", io.kind()),
        sqlx::Error::Tls(_) => "TLS handshake failed".into(),
        sqlx::Error::Protocol(p) => format!("protocol error: {}", scrub(p)),
        other => scrub(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates() {
        assert_eq!(kind_of("23505"), DbErrorKind::UniqueViolation);
        assert_eq!(kind_of("23503"), DbErrorKind::ForeignKeyViolation);
        assert_eq!(kind_of("23502"), DbErrorKind::NotNullViolation);
        assert!(kind_of("40001").is_retryable() && kind_of("40P01").is_retryable());
        assert_eq!(kind_of("57014"), DbErrorKind::Timeout);
        assert_eq!(kind_of("08006"), DbErrorKind::ConnectionLost);
        assert_eq!(kind_of("08003"), DbErrorKind::ConnectionLost);
        assert_eq!(kind_of("42P01"), DbErrorKind::TableNotFound);
        assert_eq!(kind_of("28P01"), DbErrorKind::AccessDenied);
        assert_eq!(kind_of("XX000"), DbErrorKind::Other);
    }

    #[test]
    fn scrub_drops_password_text() {
        assert_eq!(scrub("bad options password=hunter2"), "bad options [redacted]");
        assert_eq!(scrub("password authentication failed for user \"bot\""), "password authentication failed for user \"bot\"");
    }
}
