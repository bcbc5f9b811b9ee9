//! Opening one session on the first suitable host, as libpq does with several hosts and
//! `target_session_attrs`.
//!
//! - Hosts are tried in order; each attempt (connect and role check) is bounded by
//!   `connect_timeout`.
//! - A host that does not answer, refuses, or answers with the wrong role is skipped. A failed
//!   password or other authentication error (SQLSTATE class 28) ends the search at once, as in
//!   libpq.
//! - The role is read with `pg_is_in_recovery()` (primary, standby, prefer-standby) and
//!   `transaction_read_only` (read-write, read-only), in one simple-protocol query.
//! - `prefer-standby` keeps the first session that is not a standby and uses it when no host is
//!   one (libpq's second pass, without connecting again).
//! - When no host fits, the error ([`NoHostFits`]) names every host tried and why, never
//!   credentials.

use super::{Host, Target};
use crate::error::describe;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection, Row};
use std::fmt;
use std::time::Duration;

/// How long a session that is not used may take to say goodbye.
const CLOSE_LIMIT: Duration = Duration::from_secs(1);

/// No host could be used: each host tried, with why it was not.
#[derive(Debug)]
pub struct NoHostFits {
    /// libpq's name of what was asked for.
    pub target: Target,
    /// `(host, why)` for each host, in order.
    pub tried: Vec<(String, String)>,
    /// True when every host answered (refused, or has the wrong role): trying again at once
    /// would give the same answer. False when some host did not answer (down, timed out).
    pub all_answered: bool,
}

impl fmt::Display for NoHostFits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.target {
            Target::Any => write!(f, "no host could be connected to: ")?,
            t => write!(f, "no host fits target_session_attrs={}: ", t.name())?,
        }
        for (i, (host, why)) in self.tried.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            write!(f, "{sep}{host} {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for NoHostFits {}

impl NoHostFits {
    /// The `NoHostFits` inside a sqlx error made by [`open`], if it is one.
    pub fn find(e: &sqlx::Error) -> Option<&NoHostFits> {
        match e {
            sqlx::Error::Io(io) => io.get_ref().and_then(|inner| inner.downcast_ref::<NoHostFits>()),
            _ => None,
        }
    }

    fn into_sqlx(self) -> sqlx::Error {
        let kind = if self.all_answered { std::io::ErrorKind::ConnectionRefused } else { std::io::ErrorKind::TimedOut };
        sqlx::Error::Io(std::io::Error::new(kind, self))
    }
}

/// What a server said about its session.
#[derive(Debug, Clone, Copy)]
struct Role {
    in_recovery: bool,
    read_only: bool,
}

impl Role {
    /// Whether `target` accepts this session; `None` for `prefer-standby` on a non-standby
    /// (usable only when no host is a standby).
    fn fits(self, target: Target) -> Option<bool> {
        match target {
            Target::Any => Some(true),
            Target::ReadWrite => Some(!self.read_only),
            Target::ReadOnly => Some(self.read_only),
            Target::Primary => Some(!self.in_recovery),
            Target::Standby => Some(self.in_recovery),
            Target::PreferStandby => self.in_recovery.then_some(true),
        }
    }

    /// Why this session does not fit `target`.
    fn mismatch(self, target: Target) -> &'static str {
        match target {
            Target::ReadWrite => "accepts no writes (transaction_read_only is on)",
            Target::ReadOnly => "accepts writes (transaction_read_only is off)",
            Target::Primary => "is a standby (in recovery)",
            _ => "is not a standby (not in recovery)",
        }
    }
}

/// Connects with `options`, then turns TCP_NODELAY on for the new socket
/// (`athanor_pool::nodelay`).
async fn connect_one(options: PgConnectOptions) -> Result<PgConnection, sqlx::Error> {
    let port = options.get_socket().is_none().then(|| options.get_port());
    athanor_pool::nodelay::connect(port, options.connect()).await
}

/// Opens a session on the first of `hosts` that answers within `per_host` and fits `target`.
///
/// One host with `any` connects exactly as a single-host URL always did.
pub async fn open(base: &PgConnectOptions, hosts: &[Host], target: Target, per_host: Duration) -> Result<PgConnection, sqlx::Error> {
    if let ([host], Target::Any) = (hosts, target) {
        return match tokio::time::timeout(per_host, connect_one(host.apply(base.clone()))).await {
            Ok(r) => r,
            Err(_) => Err(sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"))),
        };
    }
    let mut tried = Vec::with_capacity(hosts.len());
    let mut all_answered = true;
    let mut fallback: Option<PgConnection> = None;
    for host in hosts {
        let attempt = async {
            let mut conn = connect_one(host.apply(base.clone())).await?;
            let role = if target == Target::Any { None } else { Some(role(&mut conn).await?) };
            Ok::<_, sqlx::Error>((conn, role))
        };
        let why = match tokio::time::timeout(per_host, attempt).await {
            Err(_) => {
                all_answered = false;
                format!("did not answer within {per_host:?} (connect_timeout)")
            }
            Ok(Err(e)) if is_auth_failure(&e) => {
                close(fallback).await;
                return Err(e);
            }
            Ok(Err(e)) => {
                all_answered &= matches!(e, sqlx::Error::Database(_));
                format!("failed: {}", describe(&e))
            }
            Ok(Ok((conn, None))) => {
                close(fallback).await;
                return Ok(conn);
            }
            Ok(Ok((conn, Some(role)))) => match role.fits(target) {
                Some(true) => {
                    close(fallback).await;
                    return Ok(conn);
                }
                Some(false) => {
                    close(Some(conn)).await;
                    role.mismatch(target).to_owned()
                }
                None if fallback.is_none() => {
                    fallback = Some(conn);
                    role.mismatch(target).to_owned()
                }
                None => {
                    close(Some(conn)).await;
                    role.mismatch(target).to_owned()
                }
            },
        };
        tried.push((host.to_string(), why));
    }
    match fallback {
        Some(conn) => Ok(conn),
        None => Err(NoHostFits { target, tried, all_answered }.into_sqlx()),
    }
}

/// The session's role, in one simple-protocol query (no prepared statement, so it also works
/// behind a transaction pooler).
async fn role(conn: &mut PgConnection) -> Result<Role, sqlx::Error> {
    let row = sqlx::raw_sql("SELECT pg_catalog.pg_is_in_recovery()::text, pg_catalog.current_setting('transaction_read_only')")
        .fetch_one(&mut *conn)
        .await?;
    let in_recovery: String = row.try_get(0)?;
    let read_only: String = row.try_get(1)?;
    Ok(Role { in_recovery: in_recovery == "true", read_only: read_only == "on" })
}

/// libpq stops at a failed authentication instead of trying the next host.
fn is_auth_failure(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().is_some_and(|c| c.starts_with("28")))
}

/// Closes a session that will not be used, politely and briefly.
async fn close(conn: Option<PgConnection>) {
    if let Some(conn) = conn {
        let _ = tokio::time::timeout(CLOSE_LIMIT, conn.close()).await;
    }
}
