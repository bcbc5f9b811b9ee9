//! [`SupabaseBackend`]: one shared reqwest client per engine; statements compile to requests,
//! responses decode through [`RowAccess`]. Requests are independent: there are no transactions,
//! and each request is atomic on the server (a bulk insert is all-or-nothing).

use crate::compile::{compile, result_columns};
use crate::config::{Config, Secret};
use crate::error::{from_response, from_transport, redirect};
use crate::request::RequestContext;
use crate::response::{parse_rows, ContentRange, JsonRow};
use crate::DIALECT;
use async_trait::async_trait;
use athanor_core::ast::{Expr, Select, SelectKind, Statement};
use athanor_core::{
    Backend, BackendConnection, Capabilities, Error, ExecResult, HttpRequest, Result, Row, RowAccess, RowSink, TxOptions, Value,
};
use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Tries for an idempotent read (GET/HEAD) answered 503 or 520.
pub const READ_TRIES: u32 = 3;
/// Backoff before the first retry; doubled for each further one.
pub const RETRY_BACKOFF: Duration = Duration::from_millis(100);

/// What this dialect can express.
pub const CAPABILITIES: Capabilities = Capabilities {
    raw_sql: false,
    transactions: false,
    savepoints: false,
    insert_returning: true,
    update_returning: true,
    delete_returning: true,
    on_conflict_target: true,
    ilike: true,
    group_by: false,
    ddl: false,
    max_params: usize::MAX,
    one_fetches_two: true,
    nulls_sort_low: false,
    backslash_escapes: false,
    // PostgREST runs each request in its own transaction: a lock would end with the request.
    locks: athanor_core::RowLockCaps::NONE,
    array_params: false,
};

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// The parsed `Content-Range` header.
    pub content_range: Option<ContentRange>,
    /// The body bytes (empty for HEAD and `return=minimal`).
    pub body: Vec<u8>,
}

pub(crate) struct Inner {
    pub(crate) client: reqwest::Client,
    pub(crate) config: Arc<Config>,
    pub(crate) bearer: Option<Secret>,
}

/// The Supabase/PostgREST backend of an engine. `Debug` never shows the key or JWT.
#[derive(Clone)]
pub struct SupabaseBackend {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for SupabaseBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupabaseBackend")
            .field("config", &self.inner.config)
            .field("bearer", &self.inner.bearer.as_ref().map(|_| "***"))
            .finish()
    }
}

impl SupabaseBackend {
    /// Builds the backend and its HTTP client (no connection is made).
    pub fn new(config: Config) -> Result<Self> {
        // No redirect is followed: reqwest strips `Authorization` on a cross-origin hop but not
        // the custom `apikey` header, and PostgREST never redirects an API call. A 3xx answer is
        // an error naming where it pointed (see `error::redirect`).
        let mut builder = reqwest::Client::builder().timeout(config.timeout).redirect(reqwest::redirect::Policy::none());
        if let Some(t) = config.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        if let Some(n) = config.max_idle_per_host {
            builder = builder.pool_max_idle_per_host(n);
        }
        let client = builder.build().map_err(|e| Error::State(format!("cannot build the HTTP client: {e}")))?;
        Ok(SupabaseBackend { inner: Arc::new(Inner { client, config: Arc::new(config), bearer: None }) })
    }

    /// The engine settings (the key inside is redacted in `Debug`).
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A backend sharing this one's client and settings that sends `jwt` as `Authorization`
    /// (the `apikey` header keeps the project key).
    pub fn with_bearer(&self, jwt: &str) -> Result<SupabaseBackend> {
        if jwt.is_empty() || jwt.chars().any(|c| c.is_control() || !c.is_ascii()) {
            return Err(Error::InvalidOption {
                key: "bearer".into(),
                reason: "the JWT is empty or has characters that cannot go in an HTTP header".into(),
            });
        }
        let inner = Inner { client: self.inner.client.clone(), config: self.inner.config.clone(), bearer: Some(Secret::new(jwt)) };
        Ok(SupabaseBackend { inner: Arc::new(inner) })
    }

    /// Sends an already compiled request (used by RPC).
    pub async fn send(&self, req: &HttpRequest) -> Result<HttpResponse> {
        self.inner.send(req).await
    }

    pub(crate) fn context(&self) -> RequestContext<'_> {
        self.inner.context()
    }
}

impl Inner {
    pub(crate) fn context(&self) -> RequestContext<'_> {
        RequestContext { config: &self.config, bearer: self.bearer.as_ref() }
    }

    fn secrets(&self) -> Vec<&str> {
        self.config.key.iter().chain(self.bearer.iter()).map(Secret::expose).collect()
    }

    /// Sends once; a non-success status is read whole and returned as an error, a success is
    /// returned with its body unread.
    async fn send_once(&self, req: &HttpRequest) -> Result<reqwest::Response> {
        let method =
            reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|_| Error::State(format!("bad HTTP method {}", req.method)))?;
        let mut rb = self.client.request(method, &req.url);
        for (k, v) in &req.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        if let Some(body) = &req.body {
            rb = rb.body(serde_json::to_vec(body).map_err(|e| Error::InvalidQuery(format!("cannot encode the body: {e}")))?);
        }
        let resp = rb.send().await.map_err(|e| from_transport(&e, &self.secrets()))?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
            return Err(redirect(status, location, &self.secrets()));
        }
        if !(200..300).contains(&status) {
            let body = resp.bytes().await.map_err(|e| from_transport(&e, &self.secrets()))?;
            return Err(from_response(status, &body, &self.secrets()));
        }
        Ok(resp)
    }

    /// Sends with retries for idempotent reads answered 503/520; the body is left unread.
    pub(crate) async fn send_head(&self, req: &HttpRequest) -> Result<reqwest::Response> {
        if self.config.echo {
            tracing::info!(target: "athanor::supabase", "{req}");
        }
        let idempotent = matches!(req.method, "GET" | "HEAD");
        let mut tries = 0;
        loop {
            tries += 1;
            match self.send_once(req).await {
                Err(Error::Database(e)) if idempotent && tries < READ_TRIES && matches!(e.status, Some(503 | 520)) => {
                    tracing::debug!(target: "athanor::supabase", status = e.status, tries, "retrying a read");
                    tokio::time::sleep(RETRY_BACKOFF * 2u32.pow(tries - 1)).await;
                }
                other => return other,
            }
        }
    }

    async fn send(&self, req: &HttpRequest) -> Result<HttpResponse> {
        let resp = self.send_head(req).await?;
        let status = resp.status().as_u16();
        let content_range = resp.headers().get("content-range").and_then(|v| v.to_str().ok()).and_then(ContentRange::parse);
        let body = resp.bytes().await.map_err(|e| self.transport(&e))?;
        Ok(HttpResponse { status, content_range, body: Vec::from(body) })
    }

    pub(crate) fn transport(&self, e: &reqwest::Error) -> Error {
        from_transport(e, &self.secrets())
    }

    /// Sends `stmt`, hands each result row to `sink`, and returns the rows affected.
    async fn run(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<ExecResult> {
        let req = compile(stmt, &self.context())?;
        let resp = self.send(&req).await?;
        let scalar = |name: &str, v: Value| Row::new(vec![name.to_owned()].into(), vec![v]);
        let missing = || Error::decode("(Content-Range)", "the server sent no usable Content-Range header");
        if let Statement::Select(s) = stmt {
            match s.kind {
                SelectKind::Count => {
                    let total = resp.content_range.and_then(|c| c.total).ok_or_else(missing)?;
                    let n = total.saturating_sub(s.offset.unwrap_or(0)).min(s.limit.unwrap_or(u64::MAX));
                    sink(&scalar("count", Value::I64(n as i64)))?;
                    return Ok(ExecResult { rows_affected: 0, last_insert_id: None });
                }
                SelectKind::Exists => {
                    let found = resp.content_range.ok_or_else(missing)?.range.is_some();
                    sink(&scalar("exists", Value::Bool(found)))?;
                    return Ok(ExecResult { rows_affected: 0, last_insert_id: None });
                }
                SelectKind::Rows => {}
            }
        }
        let mut n = 0u64;
        let blank = resp.body.iter().all(u8::is_ascii_whitespace);
        if blank && expects_rows(stmt) {
            return Err(Error::decode(
                "(response)",
                format!("HTTP {} with an empty body where a JSON array of rows was expected (a broken proxy or server)", resp.status),
            ));
        }
        if !blank {
            let rows = parse_rows(&resp.body)?;
            let cols = result_columns(stmt);
            for obj in &rows {
                sink(&JsonRow::new(obj, cols.as_deref()) as &dyn RowAccess)?;
            }
            n = rows.len() as u64;
        }
        match stmt {
            Statement::Select(s) => self.check_truncation(s, n).await?,
            _ => n = resp.content_range.and_then(|c| c.total).unwrap_or(n),
        }
        Ok(ExecResult { rows_affected: n, last_insert_id: None })
    }

    /// A read that came back exactly `max_rows` full (with no smaller limit) may have been cut by
    /// the server's `db-max-rows`: one `HEAD … offset=N&limit=1` tells, and a cut result is an
    /// error rather than silently short.
    pub(crate) async fn check_truncation(&self, s: &Select, returned: u64) -> Result<()> {
        let Some(cap) = self.config.max_rows else { return Ok(()) };
        if returned != cap || s.limit.is_some_and(|l| l <= cap) {
            return Ok(());
        }
        let mut probe = s.clone();
        probe.offset = Some(s.offset.unwrap_or(0) + returned);
        if s.columns.iter().any(|c| matches!(c.expr, Expr::Agg { .. })) {
            // Groups of an aggregate query: the next group itself (a HEAD would count rows).
            probe.limit = Some(1);
        } else {
            probe.kind = SelectKind::Exists;
            probe.limit = None;
        }
        let req = compile(&Statement::Select(probe), &self.context())?;
        if self.send(&req).await?.content_range.and_then(|c| c.range).is_some() {
            return Err(Error::InvalidQuery(format!(
                "the server cut the result at its max-rows cap ({cap} rows); page with .limit()/.offset(), or set max_rows= to the server's db-max-rows"
            )));
        }
        Ok(())
    }

    async fn rows(&self, stmt: &Statement) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        let mut names: Option<Arc<[String]>> = None;
        self.run(stmt, &mut |r: &dyn RowAccess| {
            let names = names.get_or_insert_with(|| athanor_core::row::column_names(r));
            out.push(Row::from_access(r, names)?);
            Ok(())
        })
        .await?;
        Ok(out)
    }
}

/// Whether the answer to `stmt` must carry a JSON array: a read of rows, or a write asked to
/// return rows (`return=representation`).
fn expects_rows(stmt: &Statement) -> bool {
    match stmt {
        Statement::Select(s) => s.kind == SelectKind::Rows,
        Statement::Insert(i) => !i.returning.is_empty(),
        Statement::Update(u) => !u.returning.is_empty(),
        Statement::Delete(d) => !d.returning.is_empty(),
        _ => false,
    }
}

fn stream_rows<'a>(inner: Arc<Inner>, stmt: Statement) -> BoxStream<'a, Result<Row>> {
    match &stmt {
        Statement::Select(s) if s.kind == SelectKind::Rows => crate::stream::select_stream(inner, stmt),
        _ => {
            let fut = async move { inner.rows(&stmt).await };
            Box::pin(futures_util::stream::once(fut).flat_map(|r| match r {
                Ok(rows) => futures_util::stream::iter(rows.into_iter().map(Ok)).left_stream(),
                Err(e) => futures_util::stream::iter(vec![Err(e)]).right_stream(),
            }))
        }
    }
}

#[async_trait]
impl Backend for SupabaseBackend {
    fn dialect(&self) -> &'static str {
        DIALECT
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }
    fn compile(&self, stmt: &Statement) -> Result<athanor_core::Compiled> {
        Ok(athanor_core::Compiled::Http(compile(stmt, &self.context())?))
    }
    async fn acquire(&self) -> Result<Box<dyn BackendConnection>> {
        Ok(Box::new(SupabaseConnection { inner: self.inner.clone() }))
    }
    async fn execute(&self, stmt: &Statement) -> Result<ExecResult> {
        self.inner.run(stmt, &mut |_| Ok(())).await
    }
    async fn fetch(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        self.inner.run(stmt, sink).await.map(|_| ())
    }
    fn stream<'a>(&'a self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        stream_rows(self.inner.clone(), stmt)
    }
}

/// A "connection": a handle on the shared client. Transactions are refused.
pub struct SupabaseConnection {
    inner: Arc<Inner>,
}

impl fmt::Debug for SupabaseConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupabaseConnection").field("base_url", &self.inner.config.base_url).finish()
    }
}

fn no_transactions() -> Error {
    Error::unsupported(DIALECT, "transactions (each PostgREST request is its own transaction; use rpc() for multi-statement work)")
}

#[async_trait]
impl BackendConnection for SupabaseConnection {
    async fn execute(&mut self, stmt: &Statement) -> Result<ExecResult> {
        self.inner.run(stmt, &mut |_| Ok(())).await
    }
    async fn fetch(&mut self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        self.inner.run(stmt, sink).await.map(|_| ())
    }
    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        stream_rows(self.inner.clone(), stmt)
    }
    async fn begin(&mut self, _options: &TxOptions) -> Result<()> {
        Err(no_transactions())
    }
    async fn commit(&mut self) -> Result<()> {
        Err(no_transactions())
    }
    async fn rollback(&mut self) -> Result<()> {
        Err(no_transactions())
    }
    fn start_rollback(&mut self) {}
    fn transaction_depth(&self) -> usize {
        0
    }
}
