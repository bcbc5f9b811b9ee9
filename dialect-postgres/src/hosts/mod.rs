//! Several hosts in one URL, in SQLAlchemy's spellings, and libpq's `target_session_attrs`.
//!
//! ```text
//! postgresql+asyncpg://user:pw@/db?host=HostA:5432&host=HostB:5432&target_session_attrs=read-write
//! postgresql+psycopg://user:pw@/db?host=HostA,HostB&port=5432,5433&target_session_attrs=standby
//! ```
//!
//! - Repeated `host=` keys each give `host[:port]`; one `host=` key may give a comma-separated
//!   list whose ports come from `port=p1,p2` (one per host; empty for 5432). The two forms do not
//!   mix (SQLAlchemy refuses that too), and neither goes with a host or port before the path
//!   (`@host`), which SQLAlchemy would silently drop.
//! - An entry is a name, `name:port`, `[v6]`, `[v6]:port`, or a unix socket directory (`/…`).
//!   Ports are 1 to 65535. At most [`MAX_HOSTS`] hosts.
//! - `host=` alone with one entry is the same as the host before the path (SQLAlchemy's way to give
//!   a socket directory: `postgresql://user@/db?host=/var/run/postgresql`).
//!
//! Connecting ([`connect`]) tries the hosts in order, as libpq does: a host that does not answer,
//! or answers but does not match [`Target`], is skipped; each host gets `connect_timeout`.

pub mod connect;

use athanor_core::{DbUrl, Error, Result};
use sqlx::postgres::PgConnectOptions;
use std::fmt;
use std::net::Ipv6Addr;

/// Most hosts one URL may name.
pub const MAX_HOSTS: usize = 64;
/// The port of a host given without one.
pub const DEFAULT_PORT: u16 = 5432;

/// libpq's `target_session_attrs`: which server a connection must land on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// The first host that accepts the connection (the default).
    #[default]
    Any,
    /// A session that accepts writes (`transaction_read_only` is off).
    ReadWrite,
    /// A session that refuses writes (`transaction_read_only` is on).
    ReadOnly,
    /// A server not in recovery (`pg_is_in_recovery()` is false).
    Primary,
    /// A server in recovery: a hot standby.
    Standby,
    /// A standby if any host is one, else the first host that accepts the connection.
    PreferStandby,
}

impl Target {
    /// Reads libpq's names (`any`, `read-write`, `read-only`, `primary`, `standby`,
    /// `prefer-standby`; `_` for `-` and any case accepted).
    pub fn parse(key: &str, v: &str) -> Result<Target> {
        Ok(match v.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "any" => Target::Any,
            "read-write" => Target::ReadWrite,
            "read-only" => Target::ReadOnly,
            "primary" => Target::Primary,
            "standby" => Target::Standby,
            "prefer-standby" => Target::PreferStandby,
            _ => {
                return Err(Error::InvalidOption {
                    key: key.into(),
                    reason: "expected one of any, read-write, read-only, primary, standby, prefer-standby".into(),
                })
            }
        })
    }

    /// libpq's name.
    pub fn name(self) -> &'static str {
        match self {
            Target::Any => "any",
            Target::ReadWrite => "read-write",
            Target::ReadOnly => "read-only",
            Target::Primary => "primary",
            Target::Standby => "standby",
            Target::PreferStandby => "prefer-standby",
        }
    }
}

/// One host to try: a name or address and port, or a unix socket directory (a name starting
/// with `/`) and the port that names its socket file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// Host name, IP address (IPv6 without brackets) or socket directory.
    pub name: String,
    /// TCP port, or the number in the socket file's name.
    pub port: u16,
}

impl Host {
    /// True for a unix socket directory.
    pub fn is_socket(&self) -> bool {
        self.name.starts_with('/')
    }

    /// These driver options pointed at this host.
    pub fn apply(&self, c: PgConnectOptions) -> PgConnectOptions {
        let c = c.port(self.port);
        if self.is_socket() {
            c.socket(&self.name)
        } else {
            c.host(&self.name)
        }
    }
}

impl fmt::Display for Host {
    /// `name:port`, `[v6]:port` or `unix socket /dir` (never credentials).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_socket() {
            write!(f, "unix socket {}", self.name)
        } else if self.name.contains(':') {
            write!(f, "[{}]:{}", self.name, self.port)
        } else {
            write!(f, "{}:{}", self.name, self.port)
        }
    }
}

fn bad(key: &str, reason: impl Into<String>) -> Error {
    Error::InvalidOption { key: key.into(), reason: reason.into() }
}

const FORMS: &str = "use `host=h1:p1&host=h2:p2` or `host=h1,h2&port=p1,p2`";

/// The hosts of `url`: its `host=` query values (`hosts`) with their `port=` values (`ports`),
/// or else the host and port before the path (`localhost:5432` when absent).
pub fn list(url: &DbUrl, hosts: &[String], ports: &[String]) -> Result<Vec<Host>> {
    if hosts.is_empty() {
        if !ports.is_empty() {
            return Err(bad("port", "a `port` query key goes with `host` query keys; give a single port before the path (`@host:5433`)"));
        }
        let name = url.host().unwrap_or("localhost").to_owned();
        return Ok(vec![Host { name, port: url.port().unwrap_or(DEFAULT_PORT) }]);
    }
    if url.host().is_some() || url.port().is_some() {
        return Err(bad(
            "host",
            "the URL names a host before the path (`@host`) and in the query (`host=`); \
             give every host in the query: `postgresql://user@/db?host=h1:5432&host=h2:5432`",
        ));
    }
    let (entries, with_ports): (Vec<&str>, bool) = match hosts {
        [one] => (one.split(',').collect(), false),
        many => (many.iter().map(String::as_str).collect(), true),
    };
    if entries.len() > MAX_HOSTS {
        return Err(bad("host", format!("{} hosts; at most {MAX_HOSTS}", entries.len())));
    }
    let mut parsed = entries.iter().map(|e| entry(e)).collect::<Result<Vec<_>>>()?;
    let integrated = with_ports || parsed.iter().any(|(_, p)| p.is_some());
    if !ports.is_empty() {
        if integrated {
            return Err(bad("port", format!("a port in `host=` and a `port` key do not mix; {FORMS}")));
        }
        let given = port_list(ports)?;
        if given.len() != parsed.len() {
            return Err(bad(
                "port",
                format!(
                    "{} hosts and {} ports; give one port per host (empty for {DEFAULT_PORT}: `port=5433,,5434`)",
                    parsed.len(),
                    given.len()
                ),
            ));
        }
        for ((_, port), p) in parsed.iter_mut().zip(given) {
            *port = p;
        }
    }
    Ok(parsed.into_iter().map(|(name, port)| Host { name, port: port.unwrap_or(DEFAULT_PORT) }).collect())
}

/// `port=p1,p2` or repeated `port=` keys; an empty entry is the default port.
fn port_list(ports: &[String]) -> Result<Vec<Option<u16>>> {
    let items: Vec<&str> = match ports {
        [one] => one.split(',').collect(),
        many => many.iter().map(String::as_str).collect(),
    };
    items.into_iter().map(|p| if p.trim().is_empty() { Ok(None) } else { port(p.trim()).map(Some) }).collect()
}

fn port(p: &str) -> Result<u16> {
    let n: u32 = p
        .parse()
        .ok()
        .filter(|_| p.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| bad("port", format!("`{p}` is not a port number (1 to 65535)")))?;
    u16::try_from(n).ok().filter(|&n| n > 0).ok_or_else(|| bad("port", format!("port {n} is out of range (1 to 65535)")))
}

/// One `host=` entry: `name`, `name:port`, `[v6]`, `[v6]:port`, a bare IPv6 address, or a
/// socket directory (`/…`, taken whole).
fn entry(e: &str) -> Result<(String, Option<u16>)> {
    let e = e.trim();
    if e.is_empty() {
        return Err(bad("host", format!("an empty host in the list; {FORMS}")));
    }
    if e.starts_with('/') {
        return Ok((e.to_owned(), None));
    }
    if let Some(rest) = e.strip_prefix('[') {
        let (addr, after) =
            rest.split_once(']').ok_or_else(|| bad("host", format!("`{e}`: an IPv6 address opened with `[` has no `]`")))?;
        if addr.parse::<Ipv6Addr>().is_err() {
            return Err(bad("host", format!("`{addr}` in brackets is not an IPv6 address")));
        }
        let port = match after {
            "" | ":" => None,
            _ => Some(port(after.strip_prefix(':').ok_or_else(|| bad("host", format!("`{e}`: expected `:port` after `]`")))?)?),
        };
        return Ok((addr.to_owned(), port));
    }
    if e.matches(':').count() > 1 {
        if e.parse::<Ipv6Addr>().is_ok() {
            return Ok((e.to_owned(), None));
        }
        return Err(bad("host", format!("`{e}`: write an IPv6 address in brackets, `[::1]:5432`")));
    }
    match e.split_once(':') {
        Some(("", _)) => Err(bad("host", format!("`{e}` has a port but no host"))),
        Some((name, "")) => Ok((name.to_owned(), None)),
        Some((name, p)) => Ok((name.to_owned(), Some(port(p)?))),
        None => Ok((e.to_owned(), None)),
    }
}

#[cfg(test)]
mod tests;
