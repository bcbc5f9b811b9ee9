//! Rendering, exactly as SQLAlchemy's `URL.render_as_string`, plus `Display` and `Debug`.
//!
//! Python's `quote` leaves ASCII letters, digits and `_.-~` alone, plus its `safe` argument:
//! `" +"` for user name and password, `" +/"` for the database. The query uses `quote_plus`
//! (nothing extra safe, space as `+`) with keys sorted.

use std::fmt::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::DbUrl;

/// Python's always-safe characters: everything else is `%XX`-encoded (UTF-8 bytes).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');
/// `quote(s, safe=" +")`: user name and password.
const USERINFO: &AsciiSet = &UNRESERVED.remove(b' ').remove(b'+');
/// `quote(s, safe=" +/")`: database.
const DATABASE: &AsciiSet = &USERINFO.remove(b'/');
/// `quote(s, safe=" ")`, then spaces become `+`: `quote_plus`.
const FORM: &AsciiSet = &UNRESERVED.remove(b' ');

pub(super) fn render(url: &DbUrl, hide_password: bool) -> String {
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
        push_form(&mut s, value);
    }
    s
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

/// The URL with the password hidden: same as [`DbUrl::render_hidden`].
impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_hidden())
    }
}

/// `DbUrl("mysql+aiomysql://u:***@h/d")`: never shows the password.
impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DbUrl").field(&self.render_hidden()).finish()
    }
}
