//! sqlx errors → Athanor's typed errors.

use athanor_core::{DatabaseError, DbErrorKind, Error};

/// Classifies a sqlx error from SQLite.
pub fn map(e: sqlx::Error) -> Error {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned());
            let msg = db.message().to_owned();
            let kind = match code.as_deref() {
                Some("2067" | "1555") => DbErrorKind::UniqueViolation,
                Some("787") => DbErrorKind::ForeignKeyViolation,
                Some("1299") => DbErrorKind::NotNullViolation,
                Some("275") => DbErrorKind::CheckViolation,
                Some("5" | "517" | "6" | "262") => DbErrorKind::LockTimeout,
                Some("8" | "1032") => DbErrorKind::AccessDenied,
                _ if msg.starts_with("no such table") => DbErrorKind::TableNotFound,
                _ if msg.contains("syntax error") => DbErrorKind::Syntax,
                _ => DbErrorKind::Other,
            };
            Error::Database(DatabaseError::new("sqlite", kind, code, msg))
        }
        sqlx::Error::PoolTimedOut => Error::PoolTimeout { host: "sqlite".into(), waited: std::time::Duration::ZERO, last_error: None },
        sqlx::Error::Io(io) => Error::Database(DatabaseError::new("sqlite", DbErrorKind::ConnectFailed, None, io.to_string())),
        sqlx::Error::PoolClosed => Error::State("the engine was disposed".into()),
        other => Error::Database(DatabaseError::new("sqlite", DbErrorKind::Other, None, other.to_string())),
    }
}
