//! The printable result of compiling a statement: SQL with parameters, or an HTTP request.

use crate::value::Value;
use std::fmt;

/// One SQL statement with positional parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlQuery {
    /// SQL text with the dialect's placeholders.
    pub sql: String,
    /// Parameters in placeholder order.
    pub params: Vec<Value>,
}

/// An HTTP request, as a REST dialect would send it. Secret headers are redacted in `Display`/`Debug`.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// `GET`, `HEAD`, `POST`, `PATCH`, `DELETE`.
    pub method: &'static str,
    /// Full URL including the encoded query string.
    pub url: String,
    /// Headers in sending order.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<serde_json::Value>,
}

impl HttpRequest {
    /// Header names whose values are credentials.
    pub const SECRET_HEADERS: [&'static str; 2] = ["apikey", "authorization"];

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (k, v) in &self.headers {
            let secret = Self::SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s));
            writeln!(f, "{k}: {}", if secret { "***" } else { v })?;
        }
        if let Some(body) = &self.body {
            write!(f, "\n{body}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), if Self::SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s)) { "***" } else { v.as_str() }))
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// What `Backend::compile` produces.
#[derive(Debug, Clone, PartialEq)]
pub enum Compiled {
    /// One SQL statement.
    Sql(SqlQuery),
    /// Several SQL statements run in order (DDL: a table and its indexes).
    Script(Vec<SqlQuery>),
    /// An HTTP request (REST dialects).
    Http(HttpRequest),
}

impl Compiled {
    /// The single SQL statement, if this is one.
    pub fn sql(&self) -> Option<&SqlQuery> {
        match self {
            Compiled::Sql(q) => Some(q),
            _ => None,
        }
    }
    /// The HTTP request, if this is one.
    pub fn http(&self) -> Option<&HttpRequest> {
        match self {
            Compiled::Http(r) => Some(r),
            _ => None,
        }
    }
}

impl fmt::Display for SqlQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.sql)?;
        if !self.params.is_empty() {
            write!(f, "\n-- params: {:?}", self.params)?;
        }
        Ok(())
    }
}

impl fmt::Display for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compiled::Sql(q) => q.fmt(f),
            Compiled::Script(qs) => {
                for (i, q) in qs.iter().enumerate() {
                    if i > 0 {
                        writeln!(f, ";")?;
                    }
                    q.fmt(f)?;
                }
                Ok(())
            }
            Compiled::Http(r) => r.fmt(f),
        }
    }
}
