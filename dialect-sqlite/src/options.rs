//! URL query → sqlx connect and pool options.

use athanor_core::options::{parse_bool, parse_secs_in, unknown_option, SecsRange};
use athanor_core::{DbUrl, EngineOptions, Error, Result};
use athanor_pool::PoolConfig;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::time::Duration;

/// Keys this dialect accepts besides the pool keys.
pub const SQLITE_KEYS: &[&str] =
    &["mode", "uri", "journal_mode", "busy_timeout", "timeout", "foreign_keys", "synchronous", "check_same_thread", "immutable"];

/// `busy_timeout`/`timeout`: SQLite takes milliseconds as a C `int`, so at most 2,147,483 s.
const BUSY_TIMEOUT: SecsRange = SecsRange { min: 0.0, max: 2_147_483.0 };

/// Longest wait for a ping's answer (a local file: a busy writer, not the network).
const PING: Duration = Duration::from_secs(10);

/// Everything needed to build the pool.
#[derive(Debug, Clone)]
pub struct SqliteSettings {
    pub connect: SqliteConnectOptions,
    pub pool: PoolConfig,
    pub in_memory: bool,
    pub echo: bool,
}

impl SqliteSettings {
    pub fn from_url(url: &DbUrl, options: &EngineOptions) -> Result<Self> {
        if url.host().is_some_and(|h| !h.is_empty()) || url.username().is_some() || url.port().is_some() {
            return Err(Error::InvalidOption {
                key: "host".into(),
                reason: "a SQLite URL has no host or user: use sqlite:///relative.db, sqlite:////absolute.db or sqlite://".into(),
            });
        }
        let (opts, rest) = options.clone().merge_url(url)?;
        let database = url.database().filter(|d| !d.is_empty() && *d != ":memory:");
        let mut in_memory = database.is_none();
        let mut connect = match database {
            Some(path) => SqliteConnectOptions::new().filename(path).create_if_missing(true).journal_mode(SqliteJournalMode::Wal),
            None => SqliteConnectOptions::new().in_memory(true),
        };
        connect = crate::functions::configure(connect.foreign_keys(true).busy_timeout(Duration::from_secs(5)));
        for (k, v) in &rest {
            connect = match k.as_str() {
                "mode" => match v.as_str() {
                    "ro" => connect.read_only(true).create_if_missing(false),
                    "rw" => connect.create_if_missing(false),
                    "rwc" => connect.create_if_missing(true),
                    "memory" => {
                        in_memory = true;
                        connect.in_memory(true)
                    }
                    _ => return Err(Error::InvalidOption { key: k.clone(), reason: "expected ro, rw, rwc or memory".into() }),
                },
                "uri" | "check_same_thread" => {
                    parse_bool(k, v)?;
                    connect
                }
                "journal_mode" => connect.journal_mode(v.parse::<SqliteJournalMode>().map_err(|_| Error::InvalidOption {
                    key: k.clone(),
                    reason: "expected DELETE, TRUNCATE, PERSIST, MEMORY, WAL or OFF".into(),
                })?),
                "busy_timeout" | "timeout" => connect.busy_timeout(parse_secs_in(k, v, BUSY_TIMEOUT)?),
                "foreign_keys" => connect.foreign_keys(parse_bool(k, v)?),
                "immutable" => connect.immutable(parse_bool(k, v)?),
                "synchronous" => connect.synchronous(
                    v.parse::<SqliteSynchronous>()
                        .map_err(|_| Error::InvalidOption { key: k.clone(), reason: "expected OFF, NORMAL, FULL or EXTRA".into() })?,
                ),
                _ => return Err(unknown_option("sqlite", k, SQLITE_KEYS)),
            };
        }
        if let Some(n) = opts.statement_cache_capacity {
            connect = connect.statement_cache_capacity(n);
        }
        let acquire_timeout = opts.acquire_timeout.unwrap_or(Duration::from_secs(30));
        let pool = if in_memory {
            // One connection that is never closed: the database lives as long as the engine.
            PoolConfig {
                max: 1,
                min: 0,
                acquire_timeout,
                idle_timeout: None,
                max_lifetime: None,
                ping_after_idle: None,
                ping_timeout: PING,
            }
        } else {
            PoolConfig {
                max: opts.max_connections.unwrap_or(5),
                min: opts.min_connections.unwrap_or(0),
                acquire_timeout,
                idle_timeout: opts.idle_timeout,
                max_lifetime: opts.max_lifetime,
                ping_after_idle: opts.pre_ping.unwrap_or(false).then(|| opts.pre_ping_after.unwrap_or(Duration::ZERO)),
                ping_timeout: PING,
            }
        };
        Ok(SqliteSettings { connect, pool, in_memory, echo: opts.echo.unwrap_or(false) })
    }
}
