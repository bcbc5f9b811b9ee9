//! Assembling an [`HttpRequest`]: path, encoded query, credentials, profile and `Prefer` headers.

use crate::config::{Config, Secret};
use crate::encode::{encode_query, encode_segment};
use athanor_core::{Error, HttpRequest, Result};

/// Longest request URL the dialect sends. Servers and gateways answer 414 (or drop the request)
/// past about 8 KB; a longer query is refused before sending (see [`check_url_budget`]).
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// What every request of one engine carries: base URL, credentials and schema.
#[derive(Debug, Clone)]
pub struct RequestContext<'a> {
    /// The engine settings.
    pub config: &'a Config,
    /// A signed-in user's JWT, sent as `Authorization` instead of the key.
    pub bearer: Option<&'a Secret>,
}

/// A request under construction.
#[derive(Debug, Clone)]
pub struct RequestParts {
    /// HTTP method.
    pub method: &'static str,
    /// Path segments below the base, unencoded (`["ohlcv_1m"]`, `["rpc", "fn"]`); each is
    /// percent-encoded whole, so a `/` in a table name stays part of the name.
    pub path: Vec<String>,
    /// Query pairs, unencoded, in sending order.
    pub query: Vec<(String, String)>,
    /// `Prefer` parts.
    pub prefer: Vec<&'static str>,
    /// `Accept`, when not the default JSON array.
    pub accept: Option<&'static str>,
    /// JSON body.
    pub body: Option<serde_json::Value>,
}

impl RequestParts {
    /// A request for `method` on the table or view `relation`.
    pub fn new(method: &'static str, relation: impl Into<String>) -> Self {
        RequestParts { method, path: vec![relation.into()], query: Vec::new(), prefer: Vec::new(), accept: None, body: None }
    }

    /// A request for `method` on the database function `function` (`/rpc/function`).
    pub fn rpc(method: &'static str, function: impl Into<String>) -> Self {
        RequestParts { path: vec!["rpc".into(), function.into()], ..RequestParts::new(method, "") }
    }

    /// Appends a query pair.
    pub fn param(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.query.push((key.into(), value.into()));
    }

    /// Renders the request with the context's base URL, credentials and profile header.
    pub fn finish(self, ctx: &RequestContext<'_>) -> Result<HttpRequest> {
        let mut url = ctx.config.base_url.clone();
        for segment in &self.path {
            url.push('/');
            url.push_str(&encode_segment(segment));
        }
        for (i, (k, v)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode_query(k));
            url.push('=');
            url.push_str(&encode_query(v));
        }
        check_url_budget(&url)?;
        let mut headers = Vec::with_capacity(6);
        if let Some(key) = &ctx.config.key {
            headers.push(("apikey".to_owned(), key.expose().to_owned()));
        }
        if let Some(token) = ctx.bearer.or(ctx.config.key.as_ref()) {
            headers.push(("Authorization".to_owned(), format!("Bearer {}", token.expose())));
        }
        if let Some(schema) = &ctx.config.schema {
            let name = if matches!(self.method, "GET" | "HEAD") { "Accept-Profile" } else { "Content-Profile" };
            headers.push((name.to_owned(), schema.clone()));
        }
        if let Some(accept) = self.accept {
            headers.push(("Accept".to_owned(), accept.to_owned()));
        }
        if !self.prefer.is_empty() {
            headers.push(("Prefer".to_owned(), self.prefer.join(", ")));
        }
        if self.body.is_some() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        Ok(HttpRequest { method: self.method, url, headers, body: self.body })
    }
}

/// Refuses a URL over [`MAX_URL_BYTES`] with [`Error::Unsupported`] (before any request): the
/// dialect cannot express it. Splitting a long `in` list into several requests would change
/// LIMIT/ORDER and write atomicity, so it is left to the caller.
pub fn check_url_budget(url: &str) -> Result<()> {
    if url.len() > MAX_URL_BYTES {
        return Err(Error::unsupported(
            crate::DIALECT,
            format!(
                "a request URL of {} bytes, over the supabase dialect's {MAX_URL_BYTES}-byte budget (servers answer 414); split the IN list into several queries",
                url.len()
            ),
        ));
    }
    Ok(())
}
