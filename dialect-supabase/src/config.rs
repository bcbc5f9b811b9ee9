//! Engine settings read from the URL: REST base URL, API key, schema, timeout.

use athanor_core::error::{UrlError, UrlPart};
use athanor_core::options::{parse_count, parse_secs_in, unknown_option, CountRange, SecsRange};
use athanor_core::{DbUrl, EngineOptions, Error, Result};
use std::fmt;
use std::time::Duration;

/// URL query keys this dialect reads, besides the shared pool keys.
pub const OPTION_KEYS: &[&str] = &["key", "max_rows", "schema", "timeout"];

/// Supabase's default `db-max-rows`: a read returns at most this many rows whatever its limit.
pub const SUPABASE_MAX_ROWS: u64 = 1000;

/// `max_rows`: the server's `db-max-rows`, 0 (no limit) to a billion.
const MAX_ROWS: CountRange = CountRange { min: 0, max: 1_000_000_000 };

/// Default request timeout when the URL has no `timeout=`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A credential (API key or JWT). Its `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The credential itself, for building request headers.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where and how to reach the REST API.
#[derive(Clone)]
pub struct Config {
    /// Base URL without a trailing slash: `https://xyz.supabase.co/rest/v1` or `http://host:3000`.
    pub base_url: String,
    /// The project API key (anon or service_role), sent as `apikey` and as the default bearer.
    pub key: Option<Secret>,
    /// The schema (`Accept-Profile` / `Content-Profile`), or the server's first exposed schema.
    pub schema: Option<String>,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Connect timeout (`pool_timeout`).
    pub connect_timeout: Option<Duration>,
    /// Idle connections kept per host (`maxsize` / `pool_size`).
    pub max_idle_per_host: Option<usize>,
    /// Log each request (redacted) through `tracing` (`echo`).
    pub echo: bool,
    /// The server's `db-max-rows` cap (`max_rows=`; 1000 for `supabase`, none for `postgrest`,
    /// `0` turns the check off). A read that comes back exactly this full is checked for more
    /// rows, and refused instead of silently truncated.
    pub max_rows: Option<u64>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("key", &self.key.as_ref().map(|_| "***"))
            .field("schema", &self.schema)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_idle_per_host", &self.max_idle_per_host)
            .field("echo", &self.echo)
            .field("max_rows", &self.max_rows)
            .finish()
    }
}

fn url_err(part: UrlPart, reason: &str) -> Error {
    Error::Url(UrlError { part, reason: reason.into() })
}

impl Config {
    /// Reads a `supabase[+http|+https]://[role:KEY@]host[:port]` or
    /// `postgrest[+http|+https]://host[:port][/path]` URL. Options set in code win over the URL.
    pub fn from_url(url: &DbUrl, options: &EngineOptions) -> Result<Config> {
        let supabase = !url.backend().eq_ignore_ascii_case("postgrest");
        let scheme = match url.driver() {
            Some(d) if d.eq_ignore_ascii_case("http") => "http",
            _ => "https",
        };
        let host = url
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| url_err(UrlPart::Host, "a REST URL needs a host (the project, e.g. xyz.supabase.co)"))?;
        let host = if host.contains(':') { format!("[{host}]") } else { host.to_owned() };
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let path =
            match url.database().map(|d| d.trim_matches('/')).filter(|d| !d.is_empty()) {
                None if supabase => "/rest/v1".to_owned(),
                None => String::new(),
                Some(_) if supabase => return Err(url_err(
                    UrlPart::Database,
                    "a supabase URL takes no path (the REST path /rest/v1 is implied); use postgrest+https://host/path for another base",
                )),
                Some(p) => format!("/{}", crate::encode::encode_path(p)),
            };
        let (options, rest) = options.clone().merge_url(url)?;
        let mut key = url.password().filter(|p| !p.is_empty()).map(Secret::new);
        let mut schema = None;
        let mut timeout = DEFAULT_TIMEOUT;
        let mut max_rows = supabase.then_some(SUPABASE_MAX_ROWS);
        for (k, v) in &rest {
            match k.as_str() {
                "key" if key.is_some() => {
                    return Err(Error::InvalidOption {
                        key: "key".into(),
                        reason: "the API key is given twice (password and ?key=)".into(),
                    })
                }
                "key" => key = Some(Secret::new(v.clone())),
                "schema" => schema = Some(v.clone()).filter(|s| !s.is_empty()),
                "timeout" => timeout = parse_secs_in(k, v, SecsRange::POSITIVE)?,
                "max_rows" => max_rows = Some(parse_count(k, v, MAX_ROWS)?).filter(|n| *n > 0),
                other => return Err(unknown_option("supabase", other, OPTION_KEYS)),
            }
        }
        if let Some(k) = &key {
            if k.expose().chars().any(|c| c.is_control() || !c.is_ascii()) {
                return Err(Error::InvalidOption {
                    key: "key".into(),
                    reason: "the API key has characters that cannot go in an HTTP header".into(),
                });
            }
        }
        if supabase && key.is_none() {
            return Err(Error::InvalidOption {
                key: "key".into(),
                reason: "a supabase URL needs the project's API key: supabase://anon:KEY@xyz.supabase.co or ?key=KEY".into(),
            });
        }
        Ok(Config {
            base_url: format!("{scheme}://{host}{port}{path}"),
            key,
            schema,
            timeout,
            connect_timeout: options.acquire_timeout,
            max_idle_per_host: options.max_connections.map(|n| n as usize),
            echo: options.echo.unwrap_or(false),
            max_rows,
        })
    }
}
