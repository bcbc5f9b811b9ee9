//! sqlx errors → Athanor's typed errors, for what means the same on every server; each dialect
//! classifies `sqlx::Error::Database` by its own codes and hands the rest to [`convert_common`].
//! Messages are built from the parts we trust (an I/O error kind, scrubbed driver text), so
//! connect options, which hold the password, never leak through a sqlx `Display`/`Debug`.

use athanor_core::{DatabaseError, DbErrorKind, Error};
use sqlx_core::Error as SqlxError;
use std::future::Future;
use std::time::Duration;

/// The kind of a failed socket operation: no route or refused is `ConnectFailed`, a timed-out
/// socket `Timeout`, anything else a `ConnectionLost`.
pub fn io_kind(e: &std::io::Error) -> DbErrorKind {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused | NotFound | AddrNotAvailable | HostUnreachable | NetworkUnreachable => DbErrorKind::ConnectFailed,
        TimedOut => DbErrorKind::Timeout,
        _ => DbErrorKind::ConnectionLost,
    }
}

/// Last-resort scrub of free text from the driver: drops anything after `password`.
pub fn scrub(s: &str) -> String {
    match s.to_ascii_lowercase().find("password") {
        Some(i) => format!("{}[redacted]", &s[..i]),
        None => s.to_owned(),
    }
}

/// Converts a sqlx error other than a server's (`sqlx::Error::Database`, which reaches the last
/// arm, a `driver error`, here). `host` (`host:port`, never credentials) names the server;
/// `scrub` cleans the driver's free text ([`scrub`] or a dialect's stricter variant).
pub fn convert_common(e: SqlxError, dialect: &'static str, host: &str, scrub: fn(&str) -> String) -> Error {
    let db = |kind, message: String| Error::Database(DatabaseError::new(dialect, kind, None, message));
    match e {
        SqlxError::Io(io) => db(io_kind(&io), format!("I/O error talking to {host}: {}", io.kind())),
        SqlxError::Tls(_) => db(DbErrorKind::ConnectFailed, format!("TLS handshake with {host} failed")),
        SqlxError::Protocol(p) => db(DbErrorKind::ConnectionLost, format!("protocol error from {host}: {}", scrub(&p))),
        SqlxError::PoolTimedOut => Error::PoolTimeout { host: host.to_owned(), waited: Duration::ZERO, last_error: None },
        SqlxError::PoolClosed => Error::State("the engine's pool has been closed (dispose() was called)".into()),
        SqlxError::WorkerCrashed => db(DbErrorKind::ConnectionLost, "the connection worker crashed".into()),
        SqlxError::ColumnDecode { index, source } => Error::decode(index, scrub(&source.to_string())),
        SqlxError::ColumnNotFound(c) => Error::decode(c, "no such column"),
        SqlxError::ColumnIndexOutOfBounds { index, len } => Error::decode(format!("#{index}"), format!("the row has only {len} columns")),
        SqlxError::Encode(e) => Error::InvalidQuery(format!("cannot encode a parameter: {}", scrub(&e.to_string()))),
        SqlxError::Decode(e) => Error::decode("?", scrub(&e.to_string())),
        SqlxError::BeginFailed => Error::State("the server did not start a transaction".into()),
        SqlxError::InvalidSavePointStatement => Error::State("custom BEGIN inside a transaction".into()),
        other => db(DbErrorKind::Other, format!("driver error: {}", scrub(&other.to_string()))),
    }
}

/// Runs `fut` under `limit` (none: unbounded); passing it is a client-side `Timeout` of
/// `dialect` ([`athanor_core::limits::client_timeout`]), and `fut` is dropped mid-flight.
pub async fn within<T>(
    dialect: &'static str,
    host: &str,
    what: &str,
    limit: Option<Duration>,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match limit {
        None => fut.await,
        Some(l) => tokio::time::timeout(l, fut).await.unwrap_or_else(|_| Err(athanor_core::limits::client_timeout(dialect, host, what, l))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_drops_password_text() {
        assert_eq!(scrub("bad options password: hunter2"), "bad options [redacted]");
        assert_eq!(scrub("fine"), "fine");
    }

    #[test]
    fn common_errors_name_the_host_and_dialect() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = convert_common(SqlxError::Io(io), "d", "h:1", scrub);
        assert_eq!(e.db_kind(), Some(DbErrorKind::ConnectFailed));
        assert!(e.to_string().contains("h:1"), "{e}");
        let e = convert_common(SqlxError::Protocol("bad password=x".into()), "d", "h:1", scrub);
        assert_eq!(e.db_kind(), Some(DbErrorKind::ConnectionLost));
        assert!(!e.to_string().contains("password=x"), "{e}");
    }

    #[tokio::test]
    async fn within_times_out_as_a_client_timeout() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        };
        let e = within("d", "h:1", "a query", Some(Duration::from_millis(1)), slow).await.unwrap_err();
        assert_eq!(e.db_kind(), Some(DbErrorKind::Timeout));
        assert_eq!(within("d", "h:1", "a query", None, async { Ok(1) }).await.unwrap(), 1);
    }
}
