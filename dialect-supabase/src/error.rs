//! HTTP failures → typed errors. PostgREST error bodies are `{code, message, details, hint}`;
//! the code is a SQLSTATE or a `PGRST…` code, classified into [`DbErrorKind`].
//! Every message passes through [`redact`] so no key or JWT can leak into an error.

use crate::DIALECT;
use athanor_core::{DatabaseError, DbErrorKind, Error};
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct Body {
    code: Option<serde_json::Value>,
    message: Option<String>,
    details: Option<serde_json::Value>,
    hint: Option<serde_json::Value>,
}

fn text(v: Option<serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Replaces every occurrence of the secrets in `s` with `***`.
pub fn redact(mut s: String, secrets: &[&str]) -> String {
    for secret in secrets.iter().filter(|x| x.len() >= 4) {
        if s.contains(secret) {
            s = s.replace(secret, "***");
        }
    }
    s
}

/// The kind for a SQLSTATE / PostgREST code, falling back to the HTTP status.
pub fn classify(code: Option<&str>, status: u16) -> DbErrorKind {
    use DbErrorKind::*;
    match code.unwrap_or("") {
        "23505" => return UniqueViolation,
        "23503" => return ForeignKeyViolation,
        "23502" => return NotNullViolation,
        "23514" => return CheckViolation,
        "40001" => return SerializationFailure,
        "40P01" => return Deadlock,
        "55P03" => return LockTimeout,
        "57014" | "PGRST003" => return Timeout,
        "42P01" | "PGRST205" => return TableNotFound,
        "42501" | "PGRST301" | "PGRST302" | "PGRST303" => return AccessDenied,
        "42601" | "PGRST100" => return Syntax,
        "PGRST000" | "PGRST001" | "PGRST002" => return Unavailable,
        c if c.starts_with("08") => return ConnectionLost,
        c if c.starts_with("53") => return Unavailable,
        _ => {}
    }
    match status {
        401 | 403 => AccessDenied,
        408 | 504 => Timeout,
        502 | 503 | 520 => Unavailable,
        _ => Other,
    }
}

/// Builds the error for a non-success response. `PGRST116` (the object form of `.one()` found 0 or
/// several rows) becomes [`Error::NotFound`] / [`Error::MultipleRows`].
pub fn from_response(status: u16, body: &[u8], secrets: &[&str]) -> Error {
    let parsed: Option<Body> = serde_json::from_slice(body).ok();
    let (code, message, details, hint) = match parsed {
        Some(b) => (text(b.code), b.message, text(b.details), text(b.hint)),
        None => (None, None, None, None),
    };
    if code.as_deref() == Some("PGRST116") {
        let zero = details.as_deref().is_some_and(|d| d.contains(" 0 rows"));
        return if zero { Error::NotFound } else { Error::MultipleRows };
    }
    let message = message.unwrap_or_else(|| {
        let raw = String::from_utf8_lossy(body);
        let raw = raw.trim();
        if raw.is_empty() {
            format!("HTTP {status} with no error body")
        } else {
            raw.chars().take(300).collect()
        }
    });
    let kind = classify(code.as_deref(), status);
    Error::Database(DatabaseError {
        dialect: DIALECT,
        kind,
        code,
        message: redact(message, secrets),
        details: details.map(|d| redact(d, secrets)),
        hint: hint.map(|h| redact(h, secrets)),
        status: Some(status),
    })
}

/// The error for a 3xx answer: redirects are never followed (credentials would go with them),
/// so the caller learns where the server pointed and can fix the URL.
pub fn redirect(status: u16, location: &str, secrets: &[&str]) -> Error {
    let message = format!(
        "the server answered HTTP {status} redirecting to `{}`; redirects are not followed (the API key would be sent along), use the final URL",
        location.chars().take(300).collect::<String>()
    );
    Error::Database(DatabaseError {
        status: Some(status),
        ..DatabaseError::new(DIALECT, DbErrorKind::Other, None, redact(message, secrets))
    })
}

/// Maps a transport failure (timeout, refused connection, broken body).
pub fn from_transport(e: &reqwest::Error, secrets: &[&str]) -> Error {
    let kind = if e.is_timeout() {
        DbErrorKind::Timeout
    } else if e.is_connect() {
        DbErrorKind::ConnectFailed
    } else {
        DbErrorKind::ConnectionLost
    };
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    Error::Database(DatabaseError::new(DIALECT, kind, None, redact(msg, secrets)))
}
