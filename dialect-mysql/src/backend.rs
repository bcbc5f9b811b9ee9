//! [`MySqlBackend`]: one engine's sqlx pool. Connects lazily; learns the server (MariaDB ≥ 10.5
//! RETURNING, `max_allowed_packet`) on its first connection.

use crate::compile::{self, DEFAULT_MAX_PACKET};
use crate::connection::MyConnection;
use crate::ddl::MySqlDdl;
use crate::error::{convert, DIALECT};
use crate::options::{InitStatement, Limits, Settings, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_LIFETIME};
use crate::pool::{AcquireError, ConnPool, InitFn, PoolConfig};
use crate::row::{MyRow, Wires};
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::dialect::stream_checked_out;
use athanor_core::{
    Backend, BackendConnection, Capabilities, Compiled, Error, ExecResult, Result, Row, RowAccess, RowLockCaps, RowSink, SqlQuery, Value,
    ValueKind,
};
use futures_core::stream::BoxStream;
use sqlx::mysql::MySqlConnection;
use sqlx::{AssertSqlSafe, Executor};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// With pre-ping on (the default), a checkout pings a connection idle longer than this.
pub const DEFAULT_PING_AFTER_IDLE: Duration = Duration::from_secs(1);
use std::time::Duration;

/// What the first connection told us about the server.
#[derive(Debug, Default)]
pub(crate) struct ServerState {
    returning: AtomicBool,
    /// The row locks the identified server takes.
    row_locks: OnceLock<RowLockCaps>,
    max_packet: AtomicUsize,
    version: OnceLock<String>,
    /// `NO_BACKSLASH_ESCAPES` is in the session's `sql_mode` (from the URL, then as the first
    /// connection reports it).
    no_backslash_escapes: AtomicBool,
    /// The first connection's `sql_mode` has been read (after the init statements).
    sql_mode_read: AtomicBool,
}

/// True when a `sql_mode` value turns off backslash escapes in string literals.
pub fn sql_mode_has_no_backslash_escapes(sql_mode: &str) -> bool {
    sql_mode.to_ascii_uppercase().split(',').any(|m| m.trim() == "NO_BACKSLASH_ESCAPES")
}

/// True for MariaDB 10.5 and later (`INSERT/DELETE … RETURNING`).
pub fn mariadb_has_returning(version: &str) -> bool {
    if !version.to_ascii_lowercase().contains("mariadb") {
        return false;
    }
    let mut parts = version.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (10, 5)
}

/// Once per engine reads the server version and packet limit; sets the server's statement time
/// limit; runs the init statements.
async fn init_connection(
    conn: &mut MySqlConnection,
    init: &[InitStatement],
    state: &ServerState,
    statement_limit: Option<Duration>,
) -> std::result::Result<(), sqlx::Error> {
    if state.version.get().is_none() {
        let row = sqlx::query("SELECT VERSION(), @@max_allowed_packet").fetch_one(&mut *conn).await?;
        let mut wires = Wires::default();
        let r = MyRow::new(&row, wires.of(&row));
        let version = match r.get(0, ValueKind::String) {
            Ok(Value::String(v)) => v,
            _ => String::new(),
        };
        let packet = match r.get(1, ValueKind::U64) {
            Ok(Value::U64(p)) => p as usize,
            Ok(Value::I64(p)) if p > 0 => p as usize,
            _ => DEFAULT_MAX_PACKET,
        };
        state.max_packet.store(packet, Ordering::Relaxed);
        state.returning.store(mariadb_has_returning(&version), Ordering::Relaxed);
        let _ = state.row_locks.set(compile::row_locks(&version));
        let _ = state.version.set(version);
    }
    if let (Some(limit), Some(version)) = (statement_limit, state.version.get()) {
        if version.to_ascii_lowercase().contains("mariadb") {
            // MariaDB 10.1+: every statement, in seconds (error 1969 when passed).
            sqlx::query("SET SESSION max_statement_time = ?").bind(limit.as_secs_f64()).execute(&mut *conn).await?;
        } else {
            // MySQL 5.7.8+: read-only SELECTs, in milliseconds (error 3024 when passed).
            let ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX).max(1);
            sqlx::query("SET SESSION max_execution_time = ?").bind(ms).execute(&mut *conn).await?;
        }
    }
    // The user's own init statements last, so they can override ours.
    for s in init {
        match s {
            InitStatement::Command(c) => {
                conn.execute(AssertSqlSafe(c.clone())).await?;
            }
            InitStatement::SqlMode(m) => {
                sqlx::query("SET SESSION sql_mode = ?").bind(m.as_str()).execute(&mut *conn).await?;
            }
        }
    }
    // Once per engine, after the init statements: how string literals read (raw SQL binds).
    if !state.sql_mode_read.swap(true, Ordering::Relaxed) {
        let row = sqlx::query("SELECT @@SESSION.sql_mode").fetch_one(&mut *conn).await?;
        let mut wires = Wires::default();
        if let Ok(Value::String(mode)) = MyRow::new(&row, wires.of(&row)).get(0, ValueKind::String) {
            state.no_backslash_escapes.store(sql_mode_has_no_backslash_escapes(&mode), Ordering::Relaxed);
        }
    }
    Ok(())
}

/// Shared by the backend and its connections.
pub(crate) struct Inner {
    /// Athanor's own pool (see `pool.rs`): no ping on release, a ping on checkout only after idling.
    pool: Arc<ConnPool>,
    /// `minsize` connections are opened on first use.
    warmed: std::sync::Once,
    pub state: Arc<ServerState>,
    pub host: String,
    pub echo: bool,
    pub acquire_timeout: Duration,
    /// Time limits on the server's answers.
    pub limits: Limits,
    /// DDL with the URL's `collation=`.
    pub ddl: MySqlDdl,
}

impl Inner {
    /// The pool; the first call opens `minsize` connections in the background, as aiomysql's
    /// `create_pool` does.
    pub fn pool(&self) -> &Arc<ConnPool> {
        self.warmed.call_once(|| self.pool.warm_up());
        &self.pool
    }

    pub fn caps(&self) -> Capabilities {
        Capabilities {
            backslash_escapes: !self.state.no_backslash_escapes.load(Ordering::Relaxed),
            locks: self.state.row_locks.get().copied().unwrap_or(compile::ROW_LOCKS_ANY_SERVER),
            ..compile::capabilities(self.state.returning.load(Ordering::Relaxed))
        }
    }

    fn max_packet(&self) -> usize {
        match self.state.max_packet.load(Ordering::Relaxed) {
            0 => DEFAULT_MAX_PACKET,
            n => n,
        }
    }

    /// Refuses `q` when its SQL and bound text and bytes alone pass the server's
    /// `max_allowed_packet`: the server would answer 1153 and close the connection, often while
    /// the client is still writing, which then sees a reset instead of the error. Only sure
    /// cases are refused (a lower bound of the packet); the rest is the server's to judge.
    pub fn fits_packet(&self, q: &SqlQuery) -> Result<()> {
        let max = self.state.max_packet.load(Ordering::Relaxed);
        if max == 0 {
            return Ok(());
        }
        let size = compile::packet_lower_bound(q);
        if size <= max {
            return Ok(());
        }
        Err(crate::error::packet_too_big(size, max))
    }

    /// The plan, compiled before a connection is checked out once the server is identified
    /// (compiling needs its RETURNING support and packet size): a pooled connection is then held
    /// only for the round trip. `None` before the first connection; it compiles after checkout.
    pub fn plan_before_checkout(&self, stmt: &Statement) -> Result<Option<Vec<SqlQuery>>> {
        match self.state.version.get() {
            Some(_) => self.plan(stmt).map(Some),
            None => Ok(None),
        }
    }

    pub fn plan(&self, stmt: &Statement) -> Result<Vec<SqlQuery>> {
        let plan = compile::plan_with(&self.ddl, &self.caps(), stmt, self.max_packet())?;
        if self.echo {
            for q in &plan {
                tracing::info!(target: "athanor::sql", dialect = DIALECT, params = q.params.len(), "{}", q.sql);
            }
        }
        Ok(plan)
    }

    /// Converts without I/O (pool timeouts carry no last error).
    pub fn err_now(&self, e: sqlx::Error) -> Error {
        match convert(e, &self.host) {
            Error::PoolTimeout { host, last_error, .. } => Error::PoolTimeout { host, waited: self.acquire_timeout, last_error },
            other => other,
        }
    }

    /// Converts a failed checkout, with no I/O: a timeout reports the pool's last connect error
    /// (never a connection of its own beyond the pool's size).
    pub fn acquire_error(&self, e: AcquireError) -> Error {
        match e {
            AcquireError::Connect(e) => self.err_now(e),
            AcquireError::Closed => Error::State("the engine was disposed".into()),
            AcquireError::Timeout(last) => Error::PoolTimeout {
                host: self.host.clone(),
                waited: self.acquire_timeout,
                last_error: last.map(|l| format!("connecting to {}: {l}", self.host)),
            },
        }
    }
}

/// The MySQL/MariaDB backend: a lazily connecting sqlx pool. Its `Debug` shows the host, never
/// the credentials.
pub struct MySqlBackend {
    inner: Arc<Inner>,
}

impl fmt::Debug for MySqlBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MySqlBackend")
            .field("host", &self.inner.host)
            .field("server", &self.inner.state.version.get())
            .finish_non_exhaustive()
    }
}

impl MySqlBackend {
    /// Builds the pool (no connection is opened yet).
    pub fn new(settings: Settings) -> Self {
        let state = Arc::new(ServerState::default());
        let url_mode = settings.init.iter().rev().find_map(|s| match s {
            InitStatement::SqlMode(m) => Some(m.as_str()),
            InitStatement::Command(_) => None,
        });
        state.no_backslash_escapes.store(url_mode.is_some_and(sql_mode_has_no_backslash_escapes), Ordering::Relaxed);
        let init = Arc::new(settings.init);
        let e = &settings.engine;
        let (st, ini, limit) = (state.clone(), init.clone(), settings.limits.server_statement);
        let init_fn: InitFn = Arc::new(move |conn| {
            let (st, ini) = (st.clone(), ini.clone());
            Box::pin(async move { init_connection(conn, &ini, &st, limit).await })
        });
        let config = PoolConfig {
            max: e.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
            min: e.min_connections.unwrap_or(0),
            acquire_timeout: settings.acquire_timeout,
            idle_timeout: e.idle_timeout.or(Some(Duration::from_secs(600))),
            max_lifetime: e.max_lifetime.or(Some(DEFAULT_MAX_LIFETIME)),
            ping_after_idle: e.pre_ping.unwrap_or(true).then(|| e.pre_ping_after.unwrap_or(DEFAULT_PING_AFTER_IDLE)),
            ping_timeout: settings.limits.ping,
        };
        let inner = Inner {
            pool: crate::pool::new_pool(settings.connect.clone(), init_fn, config),
            warmed: std::sync::Once::new(),
            state,
            host: settings.host,
            echo: e.echo.unwrap_or(false),
            acquire_timeout: settings.acquire_timeout,
            limits: settings.limits,
            ddl: MySqlDdl::with_collation(settings.connect.get_collation()),
        };
        MySqlBackend { inner: Arc::new(inner) }
    }

    /// The server's `VERSION()`, once a connection has been made.
    pub fn server_version(&self) -> Option<&str> {
        self.inner.state.version.get().map(String::as_str)
    }

    /// The connection pool (size, idle count, settings).
    pub fn pool(&self) -> &ConnPool {
        self.inner.pool()
    }

    async fn acquire_mine(&self) -> Result<MyConnection> {
        match self.inner.pool().acquire().await {
            Ok(c) => Ok(MyConnection::new(c, self.inner.clone())),
            Err(e) => Err(self.inner.acquire_error(e)),
        }
    }
}

#[async_trait]
impl Backend for MySqlBackend {
    fn dialect(&self) -> &'static str {
        DIALECT
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.caps()
    }
    fn compile(&self, stmt: &Statement) -> Result<Compiled> {
        compile::compile_with(&self.inner.ddl, &self.inner.caps(), stmt, self.inner.max_packet())
    }
    async fn acquire(&self) -> Result<Box<dyn BackendConnection>> {
        Ok(Box::new(self.acquire_mine().await?))
    }
    // Through a checked-out `MyConnection` (not the pool's own executor) so a cancelled future
    // closes its connection instead of handing a half-used one back to the pool.
    async fn execute(&self, stmt: &Statement) -> Result<ExecResult> {
        let plan = self.inner.plan_before_checkout(stmt)?;
        self.acquire_mine().await?.run_statement(stmt, plan).await
    }
    async fn fetch(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        let plan = self.inner.plan_before_checkout(stmt)?;
        self.acquire_mine().await?.fetch_rows(stmt, plan, sink).await
    }
    fn stream<'a>(&'a self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        stream_checked_out(self.acquire_mine(), stmt)
    }
    async fn close(&self) {
        self.inner.pool.close().await
    }
}
