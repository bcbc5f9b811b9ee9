//! URL query → sqlx connect and pool options.
//!
//! Pool keys (`minsize`, `maxsize`, `pool_size`, `max_overflow`, `pool_timeout`, `pool_recycle`,
//! `pool_pre_ping`, …) are read by [`EngineOptions::merge_url`]; this module handles the MySQL
//! keys in [`MYSQL_KEYS`] and refuses anything else with the full accepted list.
//!
//! `connect_timeout` (seconds) bounds each acquire, which includes opening a connection: the
//! effective acquire timeout is the smaller of it and `pool_timeout` (default 30 s).
//!
//! Time limits on answers (seconds, `0` = none, otherwise 0.001 to 31536000):
//! `statement_timeout` sets the server's own limit on every new connection (MariaDB
//! `max_statement_time`, MySQL `max_execution_time`, which covers SELECTs only) and a client-side
//! backstop of 1.5× (at most 5 s more); `read_timeout` bounds each wait for the server's answer
//! on the client. A connection whose answer did not arrive in time is discarded. The liveness
//! ping of an idle connection is bounded by `read_timeout`, else `connect_timeout`, else 5 s.

use athanor_core::options::{check_limit, parse_secs_in, unknown_option, SecsRange, MAX_SECONDS};
use athanor_core::{DbUrl, EngineOptions, Error, Result};
use sqlx::mysql::{MySqlConnectOptions, MySqlSslMode};
use std::time::Duration;

/// The MySQL-specific URL keys this dialect accepts.
pub const MYSQL_KEYS: &[&str] = &[
    "charset",
    "collation",
    "connect_timeout",
    "unix_socket",
    "ssl_mode",
    "ssl_ca",
    "ssl_cert",
    "ssl_key",
    "init_command",
    "sql_mode",
    "statement_timeout",
    "read_timeout",
];

/// Default acquire timeout.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connection lifetime: well below MySQL's default `wait_timeout` of 8 hours and below
/// the short timeouts some hosted servers use.
pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Default pool size when the URL and code leave it unset.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
/// Default limit on the liveness ping when neither `read_timeout` nor `connect_timeout` is set.
pub const DEFAULT_PING_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest accepted `statement_timeout` / `read_timeout` (a year, MariaDB's own maximum).
pub const MAX_LIMIT_SECS: f64 = MAX_SECONDS;

pub use athanor_core::limits::Limits;
pub use athanor_core::options::{backstop, parse_limit};

/// Checks a limit set in code against the same range; zero means none.
fn code_limit(key: &str, d: Option<Duration>) -> Result<Option<Option<Duration>>> {
    d.map(|d| check_limit(key, d)).transpose()
}

/// Everything the backend needs, parsed from the URL and code options.
#[derive(Clone)]
pub struct Settings {
    /// Driver options (hold the password: never `Debug`-print this).
    pub connect: MySqlConnectOptions,
    /// Pool and engine options after merging the URL.
    pub engine: EngineOptions,
    /// Effective acquire timeout.
    pub acquire_timeout: Duration,
    /// Statements run on each new connection (`init_command`, `sql_mode`).
    pub init: Vec<InitStatement>,
    /// `host:port` (or the socket path) for error messages.
    pub host: String,
    /// Time limits on the server's answers.
    pub limits: Limits,
}

/// A statement run right after connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitStatement {
    /// `init_command=…`, run verbatim.
    Command(String),
    /// `sql_mode=…`, bound as a parameter of `SET SESSION sql_mode = ?`.
    SqlMode(String),
}

fn ssl_mode(v: &str) -> Result<MySqlSslMode> {
    let norm = v.trim().to_ascii_lowercase().replace('-', "_");
    Ok(match norm.as_str() {
        "disabled" | "disable" | "false" | "0" => MySqlSslMode::Disabled,
        "preferred" | "prefer" => MySqlSslMode::Preferred,
        "required" | "require" | "true" | "1" => MySqlSslMode::Required,
        "verify_ca" => MySqlSslMode::VerifyCa,
        "verify_identity" | "verify_full" => MySqlSslMode::VerifyIdentity,
        _ => {
            return Err(Error::InvalidOption {
                key: "ssl_mode".into(),
                reason: "expected one of disabled, preferred, required, verify_ca, verify_identity".into(),
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

/// Parses the URL and code options.
pub fn settings(url: &DbUrl, options: &EngineOptions) -> Result<Settings> {
    let (engine, rest) = options.clone().merge_url(url)?;
    // sqlx turns on PIPES_AS_CONCAT by default; aiomysql/asyncmy keep the server's sql_mode, where
    // `||` is OR. Keep the server's meaning so raw SQL ported from Python behaves the same.
    let mut c = MySqlConnectOptions::new().charset("utf8mb4").pipes_as_concat(false);
    if let Some(h) = url.host() {
        c = c.host(h);
    } else {
        c = c.host("localhost");
    }
    if let Some(p) = url.port() {
        c = c.port(p);
    }
    if let Some(u) = url.username() {
        c = c.username(u);
    }
    if let Some(p) = url.password() {
        c = c.password(p);
    }
    if let Some(d) = url.database().filter(|d| !d.is_empty()) {
        c = c.database(d);
    }
    if let Some(n) = engine.statement_cache_capacity {
        c = c.statement_cache_capacity(n);
    }
    let mut host = url.host_port();
    if host.is_empty() {
        host = "localhost:3306".into();
    }
    let mut connect_timeout = None;
    let (mut statement, mut read) = (None, None);
    let mut init = Vec::new();
    for (k, v) in rest {
        match k.as_str() {
            "charset" => c = c.charset(&non_empty(&k, &v)?),
            "collation" => c = c.collation(&non_empty(&k, &v)?),
            "connect_timeout" => connect_timeout = Some(parse_secs_in(&k, &v, SecsRange::POSITIVE)?),
            "unix_socket" => {
                host = format!("unix socket {v}");
                c = c.socket(non_empty(&k, &v)?);
            }
            "ssl_mode" => c = c.ssl_mode(ssl_mode(&v)?),
            "ssl_ca" => c = c.ssl_ca(non_empty(&k, &v)?),
            "ssl_cert" => c = c.ssl_client_cert(non_empty(&k, &v)?),
            "ssl_key" => c = c.ssl_client_key(non_empty(&k, &v)?),
            "init_command" => init.push(InitStatement::Command(non_empty(&k, &v)?)),
            "sql_mode" => init.push(InitStatement::SqlMode(v)),
            "statement_timeout" => statement = parse_limit(&k, &v)?,
            "read_timeout" => read = parse_limit(&k, &v)?,
            _ => return Err(unknown_option("mysql", &k, MYSQL_KEYS)),
        }
    }
    let mut acquire_timeout = engine.acquire_timeout.unwrap_or(DEFAULT_ACQUIRE_TIMEOUT);
    if let Some(ct) = connect_timeout {
        acquire_timeout = acquire_timeout.min(ct);
    }
    // Code wins over the URL.
    let statement = code_limit("statement_timeout", engine.statement_timeout)?.unwrap_or(statement);
    let read = code_limit("read_timeout", engine.read_timeout)?.unwrap_or(read);
    let limits = Limits::new(statement, read, read.or(connect_timeout).unwrap_or(DEFAULT_PING_TIMEOUT));
    Ok(Settings { connect: c, engine, acquire_timeout, init, host, limits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(u: &str) -> Result<Settings> {
        settings(&DbUrl::parse(u).unwrap(), &EngineOptions::default())
    }

    #[test]
    fn mysql_keys_map_to_driver_options() {
        let s = parse("mysql+aiomysql://bot:pw@db.example:3307/app?charset=latin1&collation=latin1_swedish_ci&ssl_mode=DISABLED&connect_timeout=5&init_command=SET+@a%3D1&sql_mode=ANSI").unwrap();
        assert_eq!(s.connect.get_host(), "db.example");
        assert_eq!(s.connect.get_port(), 3307);
        assert_eq!(s.connect.get_username(), "bot");
        assert_eq!(s.connect.get_database(), Some("app"));
        assert_eq!(s.connect.get_charset(), "latin1");
        assert_eq!(s.connect.get_collation(), Some("latin1_swedish_ci"));
        assert!(matches!(s.connect.get_ssl_mode(), MySqlSslMode::Disabled));
        assert_eq!(s.acquire_timeout, Duration::from_secs(5));
        assert_eq!(s.init, vec![InitStatement::Command("SET @a=1".into()), InitStatement::SqlMode("ANSI".into())]);
        assert_eq!(s.host, "db.example:3307");
    }

    #[test]
    fn pool_keys_in_both_spellings() {
        let s = parse("mysql://root@h/db?minsize=5&maxsize=10&pool_timeout=7").unwrap();
        assert_eq!((s.engine.min_connections, s.engine.max_connections), (Some(5), Some(10)));
        assert_eq!(s.acquire_timeout, Duration::from_secs(7));
        let s = parse("mysql://root@h/db?pool_size=4&max_overflow=2&pool_recycle=600&pool_pre_ping=false").unwrap();
        assert_eq!(s.engine.max_connections, Some(6));
        assert_eq!(s.engine.max_lifetime, Some(Duration::from_secs(600)));
        assert_eq!(s.engine.pre_ping, Some(false));
    }

    #[test]
    fn socket_and_tls_files() {
        let s =
            parse("mysql://root@/db?unix_socket=/run/mysqld/mysqld.sock&ssl_mode=verify_ca&ssl_ca=/ca.pem&ssl_cert=/c.pem&ssl_key=/k.pem")
                .unwrap();
        assert_eq!(s.connect.get_socket().map(|p| p.to_str().unwrap()), Some("/run/mysqld/mysqld.sock"));
        assert!(matches!(s.connect.get_ssl_mode(), MySqlSslMode::VerifyCa));
        assert_eq!(s.host, "unix socket /run/mysqld/mysqld.sock");
    }

    #[test]
    fn unknown_and_invalid_options_are_refused() {
        let e = parse("mysql://root@h/db?autocommitt=1").err().unwrap().to_string();
        assert!(e.contains("autocommitt") && e.contains("charset") && e.contains("maxsize") && e.contains("ssl_mode"), "{e}");
        let e = parse("mysql://root@h/db?ssl_mode=sometimes").err().unwrap();
        assert!(matches!(e, Error::InvalidOption { ref key, .. } if key == "ssl_mode"), "{e}");
        let e = parse("mysql://root@h/db?connect_timeout=soon").err().unwrap();
        assert!(matches!(e, Error::InvalidOption { ref key, .. } if key == "connect_timeout"), "{e}");
    }

    #[test]
    fn time_limits_from_the_url() {
        let s = parse("mysql://root@h/db?statement_timeout=2&read_timeout=0.5&connect_timeout=3").unwrap();
        assert_eq!(s.limits.server_statement, Some(Duration::from_secs(2)));
        assert_eq!(s.limits.operation, Some(Duration::from_secs(3)));
        assert_eq!(s.limits.read, Some(Duration::from_millis(500)));
        assert_eq!(s.limits.ping, Duration::from_millis(500));
        let s = parse("mysql://root@h/db?statement_timeout=0&connect_timeout=3").unwrap();
        assert_eq!((s.limits.server_statement, s.limits.operation, s.limits.read), (None, None, None));
        assert_eq!(s.limits.ping, Duration::from_secs(3));
        assert_eq!(parse("mysql://root@h/db").unwrap().limits.ping, DEFAULT_PING_TIMEOUT);
        assert_eq!(backstop(Duration::from_secs(60)), Duration::from_secs(65));
    }

    #[test]
    fn time_limits_out_of_range_name_the_key_and_range() {
        for (q, key) in [
            ("statement_timeout=-1", "statement_timeout"),
            ("statement_timeout=1e20", "statement_timeout"),
            ("read_timeout=NaN", "read_timeout"),
            ("read_timeout=0.0001", "read_timeout"),
            ("read_timeout=soon", "read_timeout"),
        ] {
            match parse(&format!("mysql://root@h/db?{q}")) {
                Err(Error::InvalidOption { key: k, reason }) => {
                    assert_eq!(k, key);
                    assert!(reason.contains("0.001") && reason.contains("31536000"), "{reason}");
                }
                other => panic!("{q}: {:?}", other.map(|s| s.limits)),
            }
        }
    }

    #[test]
    fn time_limits_in_code_win_and_are_checked() {
        let url = DbUrl::parse("mysql://root@h/db?statement_timeout=9").unwrap();
        let s = settings(&url, &EngineOptions::new().statement_timeout(Duration::from_secs(1))).unwrap();
        assert_eq!(s.limits.server_statement, Some(Duration::from_secs(1)));
        let s = settings(&url, &EngineOptions::new().statement_timeout(Duration::ZERO)).unwrap();
        assert_eq!(s.limits.server_statement, None);
        let e = settings(&url, &EngineOptions::new().read_timeout(Duration::from_secs(u64::MAX))).err().unwrap();
        assert!(matches!(e, Error::InvalidOption { ref key, .. } if key == "read_timeout"), "{e}");
    }
}
