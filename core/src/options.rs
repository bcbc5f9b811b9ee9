//! Engine options shared by every dialect, read from the URL query or set in code.

use crate::error::{Error, Result};
use crate::url::DbUrl;
use std::time::Duration;

/// Pool and engine settings. `None` means the dialect's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineOptions {
    /// Connections kept open (`minsize`, `pool_min_size`).
    pub min_connections: Option<u32>,
    /// Most connections (`maxsize`, or `pool_size + max_overflow`).
    pub max_connections: Option<u32>,
    /// How long to wait for a connection (`pool_timeout`, seconds).
    pub acquire_timeout: Option<Duration>,
    /// Close connections idle this long (`pool_idle_timeout`, seconds).
    pub idle_timeout: Option<Duration>,
    /// Replace connections older than this (`pool_recycle`, seconds).
    pub max_lifetime: Option<Duration>,
    /// Check a connection before use (`pool_pre_ping`).
    pub pre_ping: Option<bool>,
    /// With pre-ping on, ping only connections idle longer than this (`pool_pre_ping_after`,
    /// seconds; `0` pings at every checkout). Dialects with their own pool default to 1 s.
    pub pre_ping_after: Option<Duration>,
    /// Prepared statements cached per connection (`statement_cache_size`, `prepared_statement_cache_size`).
    pub statement_cache_capacity: Option<usize>,
    /// Log each statement at INFO through `tracing` (`echo`).
    pub echo: Option<bool>,
    /// Longest a statement may run; server-side where the server supports it, with a client-side
    /// backstop that discards the connection (MySQL dialect; URL `statement_timeout`).
    pub statement_timeout: Option<Duration>,
    /// Longest wait for any answer from the server, pings included; the connection is discarded
    /// when it passes (MySQL dialect; URL `read_timeout`).
    pub read_timeout: Option<Duration>,
}

impl EngineOptions {
    /// Options with nothing set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the maximum pool size.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = Some(n);
        self
    }
    /// Sets the minimum pool size.
    pub fn min_connections(mut self, n: u32) -> Self {
        self.min_connections = Some(n);
        self
    }
    /// Sets the acquire timeout.
    pub fn acquire_timeout(mut self, d: Duration) -> Self {
        self.acquire_timeout = Some(d);
        self
    }
    /// Sets the idle timeout.
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.idle_timeout = Some(d);
        self
    }
    /// Sets the maximum connection lifetime.
    pub fn max_lifetime(mut self, d: Duration) -> Self {
        self.max_lifetime = Some(d);
        self
    }
    /// Turns pre-ping on or off.
    pub fn pre_ping(mut self, on: bool) -> Self {
        self.pre_ping = Some(on);
        self
    }
    /// With pre-ping on, pings only connections idle longer than `d` (zero: every checkout).
    pub fn pre_ping_after(mut self, d: Duration) -> Self {
        self.pre_ping_after = Some(d);
        self
    }
    /// Turns statement logging on or off.
    pub fn echo(mut self, on: bool) -> Self {
        self.echo = Some(on);
        self
    }
    /// Sets the statement time limit (see [`EngineOptions::statement_timeout`]).
    pub fn statement_timeout(mut self, d: Duration) -> Self {
        self.statement_timeout = Some(d);
        self
    }
    /// Sets the read time limit (see [`EngineOptions::read_timeout`]).
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = Some(d);
        self
    }

    /// URL query keys understood here, in every spelling.
    pub const POOL_KEYS: &'static [&'static str] = &[
        "minsize",
        "maxsize",
        "pool_min_size",
        "pool_size",
        "max_overflow",
        "pool_timeout",
        "pool_idle_timeout",
        "pool_recycle",
        "pool_pre_ping",
        "pool_pre_ping_after",
        "statement_cache_size",
        "prepared_statement_cache_size",
        "echo",
    ];

    /// Reads the pool keys from `url` (aiomysql/asyncmy and SQLAlchemy spellings), fills what
    /// `self` leaves unset (code wins over the URL), and returns the keys it did not know, for the
    /// dialect to handle or refuse.
    ///
    /// Every value, from the URL or set in code, is range-checked here (see [`SecsRange`] and
    /// [`CountRange`]): an out-of-range one is [`Error::InvalidOption`] naming the key (or, for
    /// a value set in code, the builder method) and the accepted range.
    pub fn merge_url(mut self, url: &DbUrl) -> Result<(EngineOptions, Vec<(String, String)>)> {
        self.check()?;
        let mut rest = Vec::new();
        let mut pool_size: Option<u32> = None;
        let mut overflow: Option<u32> = None;
        let mut from_url = EngineOptions::default();
        for (k, v) in url.query() {
            match k.as_str() {
                "minsize" | "pool_min_size" => from_url.min_connections = Some(parse_count(k, v, POOL_MIN_SIZE)? as u32),
                "maxsize" => from_url.max_connections = Some(parse_count(k, v, POOL_MAX_SIZE)? as u32),
                "pool_size" => pool_size = Some(parse_count(k, v, POOL_MIN_SIZE)? as u32),
                "max_overflow" => overflow = Some(parse_count(k, v, POOL_MIN_SIZE)? as u32),
                "pool_timeout" => from_url.acquire_timeout = Some(parse_secs(k, v)?),
                "pool_idle_timeout" => from_url.idle_timeout = Some(parse_secs(k, v)?),
                "pool_recycle" => from_url.max_lifetime = parse_recycle(k, v)?,
                "pool_pre_ping" => from_url.pre_ping = Some(parse_bool(k, v)?),
                "pool_pre_ping_after" => from_url.pre_ping_after = Some(parse_secs(k, v)?),
                "statement_cache_size" | "prepared_statement_cache_size" => {
                    from_url.statement_cache_capacity = Some(parse_count(k, v, STATEMENT_CACHE)? as usize)
                }
                "echo" => from_url.echo = Some(parse_bool(k, v)?),
                _ => rest.push((k.clone(), v.clone())),
            }
        }
        if from_url.max_connections.is_none() {
            if let Some(size) = pool_size {
                // SQLAlchemy: pool_size persistent connections plus max_overflow extra (default 10).
                let total = u64::from(size) + u64::from(overflow.unwrap_or(10));
                from_url.max_connections = Some(check_count("pool_size + max_overflow", total, POOL_MAX_SIZE)? as u32);
                from_url.min_connections = from_url.min_connections.or(Some(0));
            } else if let Some(o) = overflow {
                from_url.max_connections = Some(check_count("max_overflow", 5 + u64::from(o), POOL_MAX_SIZE)? as u32);
            }
        }
        if let (Some(min), Some(max)) = (from_url.min_connections, from_url.max_connections) {
            if min > max {
                return Err(Error::InvalidOption {
                    key: "minsize".into(),
                    reason: format!("minimum pool size {min} is larger than the maximum {max}"),
                });
            }
        }
        self.min_connections = self.min_connections.or(from_url.min_connections);
        self.max_connections = self.max_connections.or(from_url.max_connections);
        self.acquire_timeout = self.acquire_timeout.or(from_url.acquire_timeout);
        self.idle_timeout = self.idle_timeout.or(from_url.idle_timeout);
        self.max_lifetime = self.max_lifetime.or(from_url.max_lifetime);
        self.pre_ping = self.pre_ping.or(from_url.pre_ping);
        self.pre_ping_after = self.pre_ping_after.or(from_url.pre_ping_after);
        self.statement_cache_capacity = self.statement_cache_capacity.or(from_url.statement_cache_capacity);
        self.echo = self.echo.or(from_url.echo);
        Ok((self, rest))
    }
}

impl EngineOptions {
    /// Range-checks the values set in code; the error names the builder method.
    fn check(&self) -> Result<()> {
        for (key, d) in [
            ("acquire_timeout", self.acquire_timeout),
            ("idle_timeout", self.idle_timeout),
            ("max_lifetime", self.max_lifetime),
            ("pre_ping_after", self.pre_ping_after),
        ] {
            if let Some(d) = d {
                check_duration(key, d, SecsRange::NON_NEGATIVE)?;
            }
        }
        if let Some(n) = self.max_connections {
            check_count("max_connections", n.into(), POOL_MAX_SIZE)?;
        }
        if let Some(n) = self.min_connections {
            check_count("min_connections", n.into(), POOL_MIN_SIZE)?;
        }
        if let Some(n) = self.statement_cache_capacity {
            check_count("statement_cache_capacity", n as u64, STATEMENT_CACHE)?;
        }
        Ok(())
    }
}

/// The most seconds any time option takes: 365 days (PyMySQL's limit for `connect_timeout`).
/// Far beyond any sensible wait, and far from where `Duration` and `Instant` arithmetic overflow.
pub const MAX_SECONDS: f64 = 31_536_000.0;

/// The accepted range of a time option, in seconds (fractions allowed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecsRange {
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
}

impl SecsRange {
    /// 0 to 365 days: pool timeouts, idle timeout, recycle, pre-ping interval.
    pub const NON_NEGATIVE: SecsRange = SecsRange { min: 0.0, max: MAX_SECONDS };
    /// 1 ms to 365 days: a wait that must be able to succeed (connect or request timeout).
    pub const POSITIVE: SecsRange = SecsRange { min: 0.001, max: MAX_SECONDS };

    fn describe(&self) -> String {
        format!("a number of seconds from {} to {}", self.min, self.max)
    }
}

/// The accepted range of a count option (pool sizes, cache sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountRange {
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value.
    pub max: u64,
}

/// `minsize`, `pool_size`, `max_overflow`: 0 to 100,000.
pub const POOL_MIN_SIZE: CountRange = CountRange { min: 0, max: 100_000 };
/// `maxsize` (and `pool_size + max_overflow`): 1 to 100,000.
pub const POOL_MAX_SIZE: CountRange = CountRange { min: 1, max: 100_000 };
/// `statement_cache_size`: 0 to 100,000 statements per connection.
pub const STATEMENT_CACHE: CountRange = CountRange { min: 0, max: 100_000 };

/// Parses a time option of `range` seconds (fractions allowed). NaN, infinities, negatives and
/// values out of range are [`Error::InvalidOption`] naming `key` and the range.
pub fn parse_secs_in(key: &str, v: &str, range: SecsRange) -> Result<Duration> {
    let bad = || Error::InvalidOption { key: key.into(), reason: format!("expected {}", range.describe()) };
    let secs: f64 = v.trim().parse().map_err(|_| bad())?;
    // `!(a <= b)` is also true for NaN.
    if !(secs >= range.min && secs <= range.max) {
        return Err(bad());
    }
    Duration::try_from_secs_f64(secs).map_err(|_| bad())
}

/// Checks a duration set in code against `range`.
pub fn check_duration(key: &str, d: Duration, range: SecsRange) -> Result<Duration> {
    let secs = d.as_secs_f64();
    if secs >= range.min && secs <= range.max {
        Ok(d)
    } else {
        Err(Error::InvalidOption { key: key.into(), reason: format!("expected {}", range.describe()) })
    }
}

/// Parses a whole-number option in `range`.
pub fn parse_count(key: &str, v: &str, range: CountRange) -> Result<u64> {
    let n: u64 = v.trim().parse().map_err(|_| count_error(key, range))?;
    check_count(key, n, range)
}

/// Checks a count against `range`.
pub fn check_count(key: &str, n: u64, range: CountRange) -> Result<u64> {
    if (range.min..=range.max).contains(&n) {
        Ok(n)
    } else {
        Err(count_error(key, range))
    }
}

fn count_error(key: &str, range: CountRange) -> Error {
    Error::InvalidOption { key: key.into(), reason: format!("expected a whole number from {} to {}", range.min, range.max) }
}

/// Builds the "unknown option" error with the full accepted list.
pub fn unknown_option(dialect: &str, key: &str, dialect_keys: &[&str]) -> Error {
    let mut accepted: Vec<&str> = EngineOptions::POOL_KEYS.iter().chain(dialect_keys).copied().collect();
    accepted.sort_unstable();
    Error::UnknownOption { dialect: dialect.into(), key: key.into(), accepted: accepted.join(", ") }
}

/// Parses a time limit on the server's answers (`statement_timeout`, `read_timeout`): `0` is
/// none, otherwise 0.001 to [`MAX_SECONDS`] seconds.
pub fn parse_limit(key: &str, v: &str) -> Result<Option<Duration>> {
    let d = parse_secs_in(key, v, SecsRange::NON_NEGATIVE).map_err(|_| limit_error(key))?;
    check_limit(key, d)
}

/// Checks a time limit set in code against the range of [`parse_limit`]; zero means none.
pub fn check_limit(key: &str, d: Duration) -> Result<Option<Duration>> {
    if d.is_zero() {
        return Ok(None);
    }
    check_duration(key, d, SecsRange::POSITIVE).map(Some).map_err(|_| limit_error(key))
}

fn limit_error(key: &str) -> Error {
    Error::InvalidOption { key: key.into(), reason: format!("expected 0 (no limit) or a number of seconds from 0.001 to {MAX_SECONDS}") }
}

/// The client-side backstop for a server-side statement limit: 1.5× the limit (at most 5 s
/// more), late enough for the server's own (typed, connection-keeping) error to arrive first.
pub fn backstop(limit: Duration) -> Duration {
    limit.saturating_add((limit / 2).min(Duration::from_secs(5)))
}

/// Parses a number of seconds from 0 to 365 days ([`SecsRange::NON_NEGATIVE`]).
pub fn parse_secs(key: &str, v: &str) -> Result<Duration> {
    parse_secs_in(key, v, SecsRange::NON_NEGATIVE)
}

fn parse_recycle(key: &str, v: &str) -> Result<Option<Duration>> {
    // SQLAlchemy: pool_recycle=-1 disables recycling.
    if v.trim() == "-1" {
        return Ok(None);
    }
    parse_secs(key, v).map(Some)
}

/// Parses a boolean option (`true/false/1/0/yes/no/on/off`).
pub fn parse_bool(key: &str, v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(Error::InvalidOption { key: key.into(), reason: "expected true or false".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(url: &str) -> Result<(EngineOptions, Vec<(String, String)>)> {
        EngineOptions::default().merge_url(&DbUrl::parse(url).unwrap())
    }

    #[test]
    fn aiomysql_spellings() {
        let (o, rest) = merged("mysql+aiomysql://u@h/db?minsize=5&maxsize=10&charset=utf8mb4").unwrap();
        assert_eq!((o.min_connections, o.max_connections), (Some(5), Some(10)));
        assert_eq!(rest, vec![("charset".to_string(), "utf8mb4".to_string())]);
    }

    #[test]
    fn sqlalchemy_spellings() {
        let (o, _) =
            merged("mysql://u@h/db?pool_size=5&max_overflow=3&pool_timeout=2.5&pool_recycle=3600&pool_pre_ping=true&echo=1").unwrap();
        assert_eq!(o.max_connections, Some(8));
        assert_eq!(o.acquire_timeout, Some(Duration::from_millis(2500)));
        assert_eq!(o.max_lifetime, Some(Duration::from_secs(3600)));
        assert_eq!((o.pre_ping, o.echo), (Some(true), Some(true)));
        let (o, _) = merged("mysql://u@h/db?pool_size=5&pool_recycle=-1").unwrap();
        assert_eq!((o.max_connections, o.max_lifetime), (Some(15), None));
    }

    #[test]
    fn code_wins_over_url() {
        let url = DbUrl::parse("mysql://u@h/db?maxsize=10").unwrap();
        let (o, _) = EngineOptions::new().max_connections(3).merge_url(&url).unwrap();
        assert_eq!(o.max_connections, Some(3));
    }

    #[test]
    fn bad_values_name_the_key() {
        for (url, key) in [
            ("mysql://u@h/db?maxsize=ten", "maxsize"),
            ("mysql://u@h/db?pool_pre_ping=maybe", "pool_pre_ping"),
            ("mysql://u@h/db?minsize=9&maxsize=2", "minsize"),
        ] {
            match merged(url) {
                Err(Error::InvalidOption { key: k, .. }) => assert_eq!(k, key),
                other => panic!("{url}: {other:?}"),
            }
        }
    }
}
