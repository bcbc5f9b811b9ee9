//! Rendering, exactly as SQLAlchemy's `URL.render_as_string`, plus `Display` and `Debug`.
//!
//! Python's `quote` leaves ASCII letters, digits and `_.-~` alone, plus its `safe` argument:
//! `" +"` for user name and password, `" +/"` for the database. The query uses `quote_plus`
//! (nothing extra safe, space as `+`) with keys sorted.

use std::fmt::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::DbUrl;

/// Python's always-safe characters: everything else is `%XX`-encoded (UTF-8 bytes).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'.').remove(b'-').remove(b'~');
/// `quote(s, safe=" +")`: user name and password.
const USERINFO: &AsciiSet = &UNRESERVED.remove(b' ').remove(b'+');
/// `quote(s, safe=" +/")`: database.
const DATABASE: &AsciiSet = &USERINFO.remove(b'/');
/// `quote(s, safe=" ")`, then spaces become `+`: `quote_plus`.
const FORM: &AsciiSet = &UNRESERVED.remove(b' ');

pub(super) fn render(url: &DbUrl, hide_password: bool) -> String {
    render_with(url, hide_password, false)
}

/// Renders for `Display`/`Debug`: the password and secret query values (`key=`) hidden.
pub(super) fn render_safe(url: &DbUrl) -> String {
    render_with(url, true, true)
}

fn render_with(url: &DbUrl, hide_password: bool, hide_secret_query: bool) -> String {
    let mut s = url.drivername();
    s.push_str("://");
    if let Some(username) = &url.username {
        s.extend(utf8_percent_encode(username, USERINFO));
        if let Some(password) = &url.password {
            s.push(':');
            if hide_password {
                s.push_str("***");
            } else {
                s.extend(utf8_percent_encode(password, USERINFO));
            }
        }
        s.push('@');
    }
    push_host_port(&mut s, url);
    if let Some(database) = &url.database {
        s.push('/');
        s.extend(utf8_percent_encode(database, DATABASE));
    }
    for (i, (key, value)) in url.sorted_query().into_iter().enumerate() {
        s.push(if i == 0 { '?' } else { '&' });
        push_form(&mut s, key);
        s.push('=');
        if hide_secret_query && is_secret_key(key) {
            s.push_str("***");
        } else {
            push_form(&mut s, value);
        }
    }
    s
}

/// Query keys whose values are credentials (a Supabase `key=`, a token): hidden like the password.
pub const SECRET_QUERY_KEYS: &[&str] = &["key", "apikey", "api_key", "password", "token", "jwt", "service_role_key"];

fn is_secret_key(key: &str) -> bool {
    SECRET_QUERY_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

pub(super) fn host_port(url: &DbUrl) -> String {
    let mut s = String::new();
    push_host_port(&mut s, url);
    s
}

fn push_host_port(s: &mut String, url: &DbUrl) {
    match url.host.as_deref() {
        Some(host) if host.contains(':') => {
            let _ = write!(s, "[{host}]");
        }
        Some(host) => s.push_str(host),
        None => {}
    }
    if let Some(port) = url.port {
        let _ = write!(s, ":{port}");
    }
}

fn push_form(s: &mut String, text: &str) {
    s.extend(utf8_percent_encode(text, FORM).map(|chunk| chunk.replace(' ', "+")));
}

/// The URL with the password and secret query values (`key=`, `token=`, …) hidden.
impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render_safe(self))
    }
}

/// `DbUrl("mysql+aiomysql://u:***@h/d")`: never shows the password.
impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DbUrl").field(&render_safe(self)).finish()
    }
}
