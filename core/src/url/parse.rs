//! `DbUrl::parse`: SQLAlchemy's grammar, minus its silent misreadings.
//!
//! SQLAlchemy (`engine/url.py::_parse_url`) reads `user[:password]@` with a regex that lets the
//! password run across `/` and `?` up to the next `@`. RFC 3986 ends the host part at the first
//! `/` or `?`. Where the two readings put the user/password split in different places (for
//! example `user:p@ss@host` or `host:3306/db?x=a@b`) the URL is ambiguous and is rejected.
//! No error message repeats the password, or any text that might be part of it.

use percent_encoding::percent_decode_str;

use super::DbUrl;
use crate::error::{UrlError, UrlPart};

const ENCODE_AT: &str = "percent-encode an `@` as %40 (and a `/` or `?` in a password as %2F, %3F)";

pub(super) fn parse(s: &str) -> Result<DbUrl, UrlError> {
    let (scheme, rest) =
        s.split_once("://").ok_or_else(|| UrlError::new(UrlPart::Scheme, "expected `dialect[+driver]://...` (no `://` found)"))?;
    let (backend, driver) = split_scheme(scheme)?;

    let (userinfo, rest) = split_userinfo(rest)?;
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (host, port) = parse_host_port(&rest[..host_end])?;

    let tail = &rest[host_end..];
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };

    let mut url = DbUrl::new(backend).with_driver(driver);
    if let Some(userinfo) = userinfo {
        let (user, password) = match userinfo.split_once(':') {
            Some((user, password)) => (user, Some(password)),
            None => (userinfo, None),
        };
        url.username = Some(decode(user, UrlPart::Username)?);
        url.password = password.map(|p| decode(p, UrlPart::Password)).transpose()?;
    }
    url.host = host.map(str::to_owned);
    url.port = port;
    url.database = path.strip_prefix('/').map(|db| decode(db, UrlPart::Database)).transpose()?;
    if let Some(query) = query {
        url.query = parse_query(query)?;
    }
    Ok(url)
}

/// `backend[+driver]`: word characters and `+`, split on the first `+`.
fn split_scheme(scheme: &str) -> Result<(&str, Option<&str>), UrlError> {
    let err = |reason: String| Err(UrlError::new(UrlPart::Scheme, reason));
    if scheme.is_empty() {
        return err("the scheme before `://` is empty".into());
    }
    if let Some(bad) = scheme.chars().find(|&c| !(c.is_alphanumeric() || c == '_' || c == '+')) {
        return err(format!("the scheme may contain only letters, digits, `_` and `+` (found {bad:?})"));
    }
    match scheme.split_once('+') {
        None => Ok((scheme, None)),
        Some(("", _)) => err("the scheme has no dialect before `+`".into()),
        Some((_, "")) => err("the scheme has no driver after `+`".into()),
        Some((backend, driver)) => Ok((backend, Some(driver))),
    }
}

/// Splits `[userinfo@]rest`, rejecting an `@` whose role is ambiguous.
fn split_userinfo(rest: &str) -> Result<(Option<&str>, &str), UrlError> {
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let rfc_at = authority.find('@');
    if let Some(last) = authority.rfind('@').filter(|&last| Some(last) != rfc_at) {
        let part = credentials_part(&authority[..last]);
        return Err(UrlError::new(part, format!("more than one `@` before the host; {ENCODE_AT}")));
    }
    let sqlalchemy_at = sqlalchemy_userinfo_end(rest);
    if sqlalchemy_at != rfc_at {
        let part = credentials_part(&rest[..sqlalchemy_at.unwrap_or(0)]);
        return Err(UrlError::new(
            part,
            format!(
                "an `@` after the host part makes the user/password/host split ambiguous \
                 (SQLAlchemy would split at a different `@`); {ENCODE_AT}, \
                 also in the database and query"
            ),
        ));
    }
    Ok(match rfc_at {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    })
}

/// Where SQLAlchemy's `(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@` puts the `@`, if anywhere.
fn sqlalchemy_userinfo_end(rest: &str) -> Option<usize> {
    let stop = rest.find([':', '/']).unwrap_or(rest.len());
    if rest[stop..].starts_with(':') {
        if let Some(at) = rest[stop..].find('@') {
            return Some(stop + at);
        }
    }
    rest[..stop].rfind('@')
}

/// The part to blame for a stray `@`: the password if the text before it has a `:`.
fn credentials_part(before_at: &str) -> UrlPart {
    if before_at.contains(':') {
        UrlPart::Password
    } else {
        UrlPart::Username
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`, `:port` or nothing.
fn parse_host_port(s: &str) -> Result<(Option<&str>, Option<u16>), UrlError> {
    let (host, port) = if let Some(bracketed) = s.strip_prefix('[') {
        let (host, after) =
            bracketed.split_once(']').ok_or_else(|| UrlError::new(UrlPart::Host, "an IPv6 address opened with `[` has no `]`"))?;
        if host.is_empty() {
            return Err(UrlError::new(UrlPart::Host, "the IPv6 brackets `[]` are empty"));
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or_else(|| UrlError::new(UrlPart::Host, "expected `:port`, `/` or `?` after `]`"))?),
        };
        (host, port)
    } else {
        match s.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (s, None),
        }
    };
    let host = Some(host).filter(|h| !h.is_empty());
    Ok((host, port.map(parse_port).transpose()?))
}

fn parse_port(text: &str) -> Result<u16, UrlError> {
    let err = |reason: String| Err(UrlError::new(UrlPart::Port, reason));
    if text.is_empty() {
        return err("the port after `:` is empty; give a number from 0 to 65535 or drop the `:`".into());
    }
    // The text is never repeated: in `mysql://user:secret/db` (no `@host`) it is the password.
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return err("the text after `:` in the host part is not a port number (0 to 65535); \
             if it is a password, write `user:password@host`"
            .into());
    }
    text.parse().or_else(|_| err("the port is out of range (0 to 65535)".into()))
}

/// `key=value&...`, form-decoded, as Python's `parse_qsl` (which SQLAlchemy's `make_url` uses,
/// with `keep_blank_values=False`): a piece with a blank value (`b=`) or without `=` (`b`) is
/// dropped, so `?a=1&b=` reads, and renders back, as `?a=1`.
fn parse_query(query: &str) -> Result<Vec<(String, String)>, UrlError> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').filter(|(_, value)| !value.is_empty()))
        .map(|(key, value)| Ok((form_decode(key)?, form_decode(value)?)))
        .collect()
}

fn form_decode(s: &str) -> Result<String, UrlError> {
    decode(&s.replace('+', " "), UrlPart::Query)
}

/// Percent-decodes `%XX` (a `%` not followed by two hex digits stays) and checks UTF-8.
fn decode(s: &str, part: UrlPart) -> Result<String, UrlError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| UrlError::new(part, format!("the {part} is not valid UTF-8 after percent-decoding")))
}
