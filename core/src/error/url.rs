//! URL parse errors. They name the part that is wrong and never contain the password.

use std::fmt;

/// Which part of a URL an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPart {
    /// `dialect[+driver]` before `://`.
    Scheme,
    /// The user name.
    Username,
    /// The password (its value is never shown).
    Password,
    /// The host.
    Host,
    /// The port.
    Port,
    /// The database path.
    Database,
    /// The `?key=value` query.
    Query,
}

impl fmt::Display for UrlPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlPart::Scheme => "scheme",
            UrlPart::Username => "username",
            UrlPart::Password => "password",
            UrlPart::Host => "host",
            UrlPart::Port => "port",
            UrlPart::Database => "database",
            UrlPart::Query => "query",
        })
    }
}

/// A URL that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid database URL ({part}): {reason}")]
pub struct UrlError {
    /// The part that is wrong.
    pub part: UrlPart,
    /// Why, in words; never contains the password.
    pub reason: String,
}

impl UrlError {
    pub(crate) fn new(part: UrlPart, reason: impl Into<String>) -> Self {
        UrlError { part, reason: reason.into() }
    }
}
