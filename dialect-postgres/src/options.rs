//! URL query → sqlx connect options and pool settings.
//!
//! Pool keys (`minsize`, `maxsize`, `pool_size`, `max_overflow`, `pool_timeout`, `pool_recycle`,
//! `pool_pre_ping`, `statement_cache_size`, `prepared_statement_cache_size`, …) are read by
//! [`EngineOptions::merge_url`] in the same spellings as the MySQL dialect; this module handles
//! the PostgreSQL keys in [`POSTGRES_KEYS`] and refuses anything else with the accepted list.
//!
//! - `sslmode` (libpq, psycopg) and `ssl` (asyncpg: `true`/`false` or a mode name) mean the same.
//! - `options` takes libpq's `-c key=value` form; `search_path` and `statement_timeout` (seconds)
//!   are shortcuts for one of them. These are startup parameters, which a transaction pooler
//!   does not pass on: behind one they are an `InvalidOption` error at `create_engine`.
//! - A transaction pooler (`pgbouncer=true`, port 6543, a `*.pooler.supabase.com` host, or a
//!   statement cache size of 0) switches to unnamed statements, each run in a transaction when
//!   none is open: see [`Settings::pooler`].
//! - No `extra_float_digits` startup parameter is sent (PgBouncer refuses unknown ones).
//! - `host` (repeatable), `port` and `target_session_attrs`: several hosts tried in order, as
//!   libpq does; see [`crate::hosts`].

use crate::hosts::{self, Host, Target};
use crate::limits::{self, Limits};
use athanor_core::options::{check_limit, parse_bool, parse_limit, unknown_option};
use athanor_core::{DbUrl, EngineOptions, Error, Result};
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use std::time::Duration;

/// The PostgreSQL-specific URL keys this dialect accepts.
pub const POSTGRES_KEYS: &[&str] = &[
    "sslmode",
    "ssl",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "application_name",
    "connect_timeout",
    "options",
    "search_path",
    "statement_timeout",
    "read_timeout",
    "pgbouncer",
    "host",
    "port",
    "target_session_attrs",
];

/// Default acquire timeout.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time limit for one connect attempt on one host when the URL sets no `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default pool size when the URL and code leave it unset.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;

/// Everything the backend needs, parsed from the URL and code options.
#[derive(Clone)]
pub struct Settings {
    /// Driver options (hold the password: never `Debug`-print this), pointed at the first host.
    pub connect: PgConnectOptions,
    /// The hosts to try, in order (one for a single-host URL).
    pub hosts: Vec<Host>,
    /// libpq's `target_session_attrs`: which of the hosts fits.
    pub target: Target,
    /// Pool and engine options after merging the URL.
    pub engine: EngineOptions,
    /// Effective acquire timeout.
    pub acquire_timeout: Duration,
    /// Time limit for one connect attempt on one host (`connect_timeout`).
    pub connect_timeout: Duration,
    /// Behind a transaction pooler (PgBouncer, Supavisor): unnamed statements only, and outside
    /// a transaction each runs in one of its own so that its parse and bind reach the same
    /// server session.
    pub pooler: bool,
    /// `host:port` (or the socket path; several comma-separated) for error messages; never
    /// credentials.
    pub host: String,
    /// Time limits on the server's answers (`statement_timeout`, `read_timeout`; see
    /// [`crate::limits`]).
    pub limits: Limits,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings").field("host", &self.host).field("pooler", &self.pooler).finish_non_exhaustive()
    }
}

/// Reads `sslmode`/`ssl`: libpq's mode names, and asyncpg's booleans.
pub fn ssl_mode(key: &str, v: &str) -> Result<PgSslMode> {
    let norm = v.trim().to_ascii_lowercase().replace('_', "-");
    Ok(match norm.as_str() {
        "disable" | "disabled" | "false" | "0" | "no" | "off" => PgSslMode::Disable,
        "allow" => PgSslMode::Allow,
        "prefer" | "preferred" => PgSslMode::Prefer,
        "require" | "required" | "true" | "1" | "yes" | "on" => PgSslMode::Require,
        "verify-ca" => PgSslMode::VerifyCa,
        "verify-full" => PgSslMode::VerifyFull,
        _ => {
            return Err(Error::InvalidOption {
                key: key.into(),
                reason: "expected one of disable, allow, prefer, require, verify-ca, verify-full (or true/false)".into(),
            })
        }
    })
}

fn non_empty(key: &str, v: &str) -> Result<String> {
    if v.trim().is_empty() {
        return Err(Error::InvalidOption { key: key.into(), reason: "must not be empty".into() });
    }
    Ok(v.to_owned())
}

/// Parses libpq's `options` value (`-c key=value -c other=value`, also `-ckey=value` and
/// `--key=value`) into pairs.
pub fn parse_pg_options(v: &str) -> Result<Vec<(String, String)>> {
    let bad = |why: &str| Error::InvalidOption { key: "options".into(), reason: format!("{why}; expected `-c name=value` pairs") };
    let mut out = Vec::new();
    let mut words = v.split_whitespace();
    while let Some(w) = words.next() {
        let pair = if w == "-c" {
            words.next().ok_or_else(|| bad("`-c` without a setting"))?
        } else if let Some(rest) = w.strip_prefix("--").or_else(|| w.strip_prefix("-c")) {
            rest
        } else {
            return Err(bad("unexpected word"));
        };
        let (k, val) = pair.split_once('=').ok_or_else(|| bad("a setting without `=`"))?;
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            return Err(bad("a setting name must be letters, digits, `_` or `.`"));
        }
        out.push((k.replace('-', "_"), val.to_owned()));
    }
    Ok(out)
}

/// Longest accepted `connect_timeout`: one day.
pub const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// A number of seconds in `(0, MAX_TIMEOUT_SECS]`, checked before it becomes a `Duration`.
fn bounded_secs(key: &str, v: &str) -> Result<Duration> {
    let range = || Error::InvalidOption { key: key.into(), reason: format!("expected a number of seconds in (0, {MAX_TIMEOUT_SECS}]") };
    let secs: f64 = v.trim().parse().map_err(|_| range())?;
    if !(secs > 0.0 && secs <= MAX_TIMEOUT_SECS) {
        return Err(range());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// True for the hosts and ports of a transaction pooler: Supavisor's `*.pooler.supabase.com`
/// and its transaction-mode port 6543.
pub fn looks_like_pooler(host: Option<&str>, port: Option<u16>) -> bool {
    port == Some(6543) || host.is_some_and(|h| h.to_ascii_lowercase().ends_with(".pooler.supabase.com"))
}

/// `options`, `search_path` and `statement_timeout` travel as the `options` startup parameter,
/// which a transaction pooler does not pass on (PgBouncer refuses the connection; a pooler
/// that accepted them could not apply them to every server session a client's transactions
/// run on): refused before any I/O rather than running with different session settings.
fn pooler_refuses(key: String) -> Error {
    Error::InvalidOption {
        key,
        reason: "a transaction pooler (PgBouncer, Supavisor) does not pass session settings given at connect time; \
                 set it on the role or database instead (ALTER ROLE … SET / ALTER DATABASE … SET), \
                 or connect to the server directly"
            .into(),
    }
}

/// Parses the URL and code options.
pub fn settings(url: &DbUrl, options: &EngineOptions) -> Result<Settings> {
    let (engine, rest) = options.clone().merge_url(url)?;
    // No `extra_float_digits` startup parameter (sqlx sends 2 by default): PgBouncer refuses
    // startup parameters it does not know unless its operator lists them in
    // `ignore_startup_parameters`. Results are binary; text floats are exact from PostgreSQL 12 on.
    let mut c = PgConnectOptions::new_without_pgpass().extra_float_digits(None);
    if let Some(u) = url.username() {
        c = c.username(u);
    }
    if let Some(p) = url.password() {
        c = c.password(p);
    }
    if let Some(d) = url.database().filter(|d| !d.is_empty()) {
        c = c.database(d);
    }
    let (host_keys, port_keys): (Vec<String>, Vec<String>) = (
        url.query_values("host").into_iter().map(str::to_owned).collect(),
        url.query_values("port").into_iter().map(str::to_owned).collect(),
    );
    let hosts = hosts::list(url, &host_keys, &port_keys)?;
    c = hosts[0].apply(c);
    let mut pooler = hosts.iter().any(|h| looks_like_pooler(Some(&h.name), Some(h.port)));
    match engine.statement_cache_capacity {
        Some(0) => pooler = true,
        Some(n) => c = c.statement_cache_capacity(n),
        None => {}
    }
    let host = hosts.iter().map(Host::to_string).collect::<Vec<_>>().join(",");
    let mut target = Target::Any;
    let mut connect_timeout = None;
    let mut startup_key: Option<String> = None;
    let mut ssl_key_seen: Option<String> = None;
    let (mut statement, mut read) = (None, None);
    for (k, v) in rest {
        match k.as_str() {
            "sslmode" | "ssl" => {
                if let Some(prev) = ssl_key_seen.replace(k.clone()) {
                    if prev != k {
                        return Err(Error::InvalidOption {
                            key: k,
                            reason: format!("give either sslmode or ssl, not both (also got {prev})"),
                        });
                    }
                }
                c = c.ssl_mode(ssl_mode(&k, &v)?)
            }
            "sslrootcert" => c = c.ssl_root_cert(non_empty(&k, &v)?),
            "sslcert" => c = c.ssl_client_cert(non_empty(&k, &v)?),
            "sslkey" => c = c.ssl_client_key(non_empty(&k, &v)?),
            "application_name" => c = c.application_name(&v),
            "connect_timeout" => {
                connect_timeout = Some(bounded_secs(&k, &v)?);
            }
            "options" => {
                c = c.options(parse_pg_options(&v)?);
                startup_key.get_or_insert(k);
            }
            "search_path" => {
                c = c.options([("search_path", non_empty(&k, &v)?)]);
                startup_key.get_or_insert(k);
            }
            // Seconds (0 = none), as for MySQL; see `crate::limits`.
            "statement_timeout" => statement = parse_limit(&k, &v)?,
            "read_timeout" => read = parse_limit(&k, &v)?,
            "pgbouncer" => pooler |= parse_bool(&k, &v)?,
            "host" | "port" => {} // read above
            "target_session_attrs" => target = Target::parse(&k, &v)?,
            _ => return Err(unknown_option("postgresql", &k, POSTGRES_KEYS)),
        }
    }
    // As on MySQL: a `connect_timeout` given in the URL also bounds the wait for a pool slot, so a
    // dead server is reported after it, not after the whole `pool_timeout`. With several hosts each
    // gets `connect_timeout`.
    let mut acquire_timeout = engine.acquire_timeout.unwrap_or(DEFAULT_ACQUIRE_TIMEOUT);
    if let Some(ct) = connect_timeout {
        acquire_timeout = acquire_timeout.min(ct.saturating_mul(hosts.len() as u32));
    }
    let connect_timeout = connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    // Code wins over the URL; the same range checks as the URL's.
    if let Some(d) = engine.statement_timeout {
        statement = check_limit("statement_timeout", d)?;
    }
    if let Some(d) = engine.read_timeout {
        read = check_limit("read_timeout", d)?;
    }
    if statement.is_some() {
        // Its server half is a startup parameter too.
        startup_key.get_or_insert_with(|| "statement_timeout".to_owned());
    }
    if let (true, Some(key)) = (pooler, startup_key) {
        return Err(pooler_refuses(key));
    }
    if let Some(d) = statement {
        // The server cancels a longer statement (SQLSTATE 57014, a typed `Timeout`).
        c = c.options([("statement_timeout", format!("{}ms", d.as_millis().max(1)))]);
    }
    let limits = limits::limits(statement, read, connect_timeout);
    Ok(Settings { connect: c, hosts, target, engine, acquire_timeout, connect_timeout, pooler, host, limits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(u: &str) -> Result<Settings> {
        settings(&DbUrl::parse(u).unwrap(), &EngineOptions::default())
    }

    #[test]
    fn postgres_keys_map_to_driver_options() {
        let s = parse("postgresql+asyncpg://bot:pw@db.example:5433/app?sslmode=disable&application_name=jobs&connect_timeout=5&options=-c%20statement_timeout%3D5000&search_path=app").unwrap();
        assert_eq!(s.connect.get_host(), "db.example");
        assert_eq!(s.connect.get_port(), 5433);
        assert_eq!(s.connect.get_username(), "bot");
        assert_eq!(s.connect.get_database(), Some("app"));
        assert!(matches!(s.connect.get_ssl_mode(), PgSslMode::Disable));
        assert_eq!(s.connect.get_application_name(), Some("jobs"));
        assert_eq!(s.connect_timeout, Duration::from_secs(5));
        assert_eq!(s.connect.get_options(), Some("-c statement_timeout=5000 -c search_path=app"));
        assert_eq!(s.host, "db.example:5433");
        assert!(!s.pooler);
        let s = parse("postgresql://u@h/db?statement_timeout=2.5").unwrap();
        assert_eq!(s.connect.get_options(), Some("-c statement_timeout=2500ms"));
        assert!(matches!(parse("postgresql://u@h/db?statement_timeout=1e30"), Err(Error::InvalidOption { .. })));
    }

    #[test]
    fn asyncpg_ssl_spelling_is_translated() {
        for (v, want) in
            [("true", "Require"), ("false", "Disable"), ("require", "Require"), ("verify-full", "VerifyFull"), ("prefer", "Prefer")]
        {
            let s = parse(&format!("postgresql+asyncpg://u@h/db?ssl={v}")).unwrap();
            assert_eq!(format!("{:?}", s.connect.get_ssl_mode()), want, "{v}");
        }
        let e = parse("postgresql://u@h/db?ssl=true&sslmode=disable").unwrap_err();
        assert!(matches!(e, Error::InvalidOption { .. }), "{e}");
        let e = parse("postgresql://u@h/db?sslmode=sometimes").unwrap_err();
        assert!(matches!(e, Error::InvalidOption { ref key, .. } if key == "sslmode"), "{e}");
    }

    #[test]
    fn pool_keys_in_mysql_spellings() {
        let s = parse("postgresql://u@h/db?minsize=2&maxsize=7&pool_timeout=3").unwrap();
        assert_eq!((s.engine.min_connections, s.engine.max_connections), (Some(2), Some(7)));
        assert_eq!(s.acquire_timeout, Duration::from_secs(3));
        // A URL's connect_timeout also bounds the wait for a slot, as on MySQL.
        assert_eq!(parse("postgresql://u@h/db?pool_timeout=30&connect_timeout=2").unwrap().acquire_timeout, Duration::from_secs(2));
        assert_eq!(parse("postgresql://u@h/db?pool_timeout=1&connect_timeout=2").unwrap().acquire_timeout, Duration::from_secs(1));
        let s = parse("postgres://u@h/db?pool_size=4&max_overflow=2&pool_recycle=600&pool_pre_ping=false&statement_cache_size=50").unwrap();
        assert_eq!(s.engine.max_connections, Some(6));
        assert_eq!(s.engine.max_lifetime, Some(Duration::from_secs(600)));
        assert_eq!(s.engine.statement_cache_capacity, Some(50));
        assert!(!s.pooler);
    }

    #[test]
    fn pooler_detection() {
        assert!(parse("postgresql://u@h/db?pgbouncer=true").unwrap().pooler);
        assert!(parse("postgresql://u@h:6543/db").unwrap().pooler);
        assert!(parse("postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?pgbouncer=false").unwrap().pooler);
        assert!(parse("postgresql+asyncpg://u@h/db?prepared_statement_cache_size=0").unwrap().pooler);
        assert!(parse("postgresql+psycopg://u@h/db?statement_cache_size=0").unwrap().pooler);
        assert!(!parse("postgresql://u@db.ref.supabase.co:5432/postgres").unwrap().pooler);
    }

    #[test]
    fn session_settings_at_connect_are_refused_behind_a_pooler() {
        for (url, key) in [
            ("postgresql://u@h/db?pgbouncer=true&search_path=app", "search_path"),
            ("postgresql://u@h:6543/db?statement_timeout=5", "statement_timeout"),
            ("postgresql://u@x.pooler.supabase.com/db?options=-c%20work_mem%3D64MB", "options"),
            ("postgresql://u@h/db?search_path=app&statement_cache_size=0", "search_path"),
        ] {
            match parse(url) {
                Err(Error::InvalidOption { key: k, reason }) => {
                    assert_eq!(k, key, "{url}");
                    assert!(reason.contains("ALTER ROLE"), "{reason}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        let s = parse("postgresql://u@h/db?pgbouncer=true&application_name=jobs").unwrap();
        assert_eq!(s.connect.get_application_name(), Some("jobs"));
        assert_eq!(parse("postgresql://u@h/db?search_path=app").unwrap().connect.get_options(), Some("-c search_path=app"));
    }

    #[test]
    fn unknown_and_invalid_options_are_refused() {
        let e = parse("postgresql://u:S3cretPw@h/db?sslmod=require").unwrap_err().to_string();
        assert!(e.contains("sslmod") && e.contains("sslmode") && e.contains("maxsize") && e.contains("search_path"), "{e}");
        assert!(!e.contains("S3cretPw"), "{e}");
        for (url, key) in [
            ("postgresql://u@h/db?connect_timeout=soon", "connect_timeout"),
            ("postgresql://u@h/db?connect_timeout=1e20", "connect_timeout"),
            ("postgresql://u@h/db?connect_timeout=0", "connect_timeout"),
            ("postgresql://u@h/db?pgbouncer=maybe", "pgbouncer"),
            ("postgresql://u@h/db?options=statement_timeout", "options"),
            ("postgresql://u@h/db?options=-c%20a%3Db%3B%20DROP", "options"),
            ("postgresql://u@h/db?maxsize=ten", "maxsize"),
        ] {
            match parse(url) {
                Err(Error::InvalidOption { key: k, .. }) => assert_eq!(k, key, "{url}"),
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn debug_never_shows_the_password() {
        let s = parse("postgresql://u:S3cretPw@h/db").unwrap();
        assert!(!format!("{s:?}").contains("S3cretPw"));
    }
}
