//! The traits a dialect crate implements: [`Dialect`] (a factory registered by scheme),
//! [`Backend`] (one engine's pool or HTTP client) and [`BackendConnection`] (one checked-out session).

use crate::ast::Statement;
use crate::compiled::Compiled;
use crate::engine::TxOptions;
use crate::error::Result;
use crate::options::EngineOptions;
use crate::row::{Row, RowAccess};
use crate::url::DbUrl;
use async_trait::async_trait;
use futures_core::stream::BoxStream;
use std::fmt;
use std::sync::Arc;

/// What a dialect can express. A statement needing a missing capability fails in `compile` with
/// [`crate::Error::Unsupported`], before any I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Raw SQL text (`text()`).
    pub raw_sql: bool,
    /// BEGIN/COMMIT/ROLLBACK.
    pub transactions: bool,
    /// SAVEPOINT for nested transactions.
    pub savepoints: bool,
    /// `INSERT … RETURNING`.
    pub insert_returning: bool,
    /// `UPDATE … RETURNING`.
    pub update_returning: bool,
    /// `DELETE … RETURNING`.
    pub delete_returning: bool,
    /// ON CONFLICT can name its target columns.
    pub on_conflict_target: bool,
    /// Native `ILIKE` (otherwise emulated as `LOWER(a) LIKE LOWER(b)`).
    pub ilike: bool,
    /// GROUP BY, HAVING and aggregate select lists.
    pub group_by: bool,
    /// CREATE/DROP TABLE.
    pub ddl: bool,
    /// Most bound parameters in one statement.
    pub max_params: usize,
    /// `.one()` asks the server for at most two rows (`LIMIT 2`). Cheap over HTTP; SQL servers
    /// pay more for a bound `LIMIT ?` than a point lookup costs, so SQL dialects instead stop
    /// reading at the second row.
    pub one_fetches_two: bool,
    /// NULLs sort as the smallest value when no placement is given (MySQL, SQLite); false where
    /// they sort as the largest (PostgreSQL). Typed columns ask for the smallest-value placement
    /// on every dialect; an explicit placement that matches this native one is left out of the
    /// SQL, so an index still serves the ORDER BY.
    pub nulls_sort_low: bool,
    /// A backslash in a quoted string escapes the next character (MySQL unless its `sql_mode`
    /// has `NO_BACKSLASH_ESCAPES`). SQLite and standard SQL strings have no backslash escapes;
    /// the named-bind scanner of raw SQL reads string literals accordingly.
    pub backslash_escapes: bool,
    /// An IN list of values of one kind goes as one array parameter (`c = ANY($1)`,
    /// `c <> ALL($1)`: the same three-valued result as `IN`/`NOT IN`), so the statement's shape
    /// does not depend on the list's length. Only PostgreSQL binds [`crate::Value::Array`].
    pub array_params: bool,
    /// Which row locks (`SELECT … FOR UPDATE`) it can express.
    pub locks: RowLockCaps,
}

/// Which row locks (`SELECT … FOR UPDATE / FOR SHARE [NOWAIT | SKIP LOCKED]`) a dialect can
/// express; a select asking for more fails with [`crate::Error::Unsupported`] before any I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLockCaps {
    /// `FOR UPDATE` and shared locks at all (not SQLite: it locks the whole database).
    pub supported: bool,
    /// The shared lock is spelled `LOCK IN SHARE MODE` (MariaDB, MySQL 5.7), not `FOR SHARE`.
    pub share_mode_syntax: bool,
    /// `NOWAIT` (MySQL 8, MariaDB 10.3+, PostgreSQL).
    pub nowait: bool,
    /// `SKIP LOCKED` (MySQL 8, MariaDB 10.6+, PostgreSQL).
    pub skip_locked: bool,
    /// A lock may go with DISTINCT, GROUP BY, HAVING or aggregates (MySQL; PostgreSQL refuses).
    pub with_grouping: bool,
    /// A lock may go with a LEFT JOIN (MySQL; PostgreSQL refuses to lock the nullable side).
    pub with_outer_join: bool,
}

impl RowLockCaps {
    /// No row locks.
    pub const NONE: RowLockCaps = RowLockCaps {
        supported: false,
        share_mode_syntax: false,
        nowait: false,
        skip_locked: false,
        with_grouping: false,
        with_outer_join: false,
    };
}

impl Capabilities {
    /// Everything a full SQL database supports.
    pub const SQL: Capabilities = Capabilities {
        raw_sql: true,
        transactions: true,
        savepoints: true,
        insert_returning: true,
        update_returning: true,
        delete_returning: true,
        on_conflict_target: true,
        ilike: false,
        group_by: true,
        ddl: true,
        max_params: 32_766,
        one_fetches_two: false,
        nulls_sort_low: true,
        backslash_escapes: false,
        // SQLite, the dialect built on these, has no row locks; servers set their own.
        locks: RowLockCaps::NONE,
        array_params: false,
    };
}

/// Rows affected and the generated key of an INSERT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecResult {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// The key of the first row the statement inserted (MySQL's `LAST_INSERT_ID()`); after an
    /// upsert that inserted no row, the key of the (last) row it updated, as MariaDB reports;
    /// `None` when no row was inserted or updated, or the dialect cannot tell (Supabase: use
    /// `returning`). When every row's key is given, MySQL reports the last row's, SQLite the first's.
    pub last_insert_id: Option<u64>,
}

/// Receives each row of a result as it is decoded; used so models decode straight from the
/// dialect's row without an intermediate copy.
pub type RowSink<'a> = dyn FnMut(&dyn RowAccess) -> Result<()> + Send + 'a;

/// A dialect: builds a [`Backend`] from a URL. Registered under a scheme in the
/// [`crate::DialectRegistry`]; one value serves every engine of that scheme.
#[async_trait]
pub trait Dialect: Send + Sync + 'static {
    /// Canonical name (`"mysql"`), the URL backend it answers to.
    fn name(&self) -> &'static str;
    /// Other URL backends that mean this dialect (`"mariadb"`).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    /// Accepted driver names (`"aiomysql"`, `"asyncmy"`, …). The default driver is implied by no driver.
    fn drivers(&self) -> &'static [&'static str];
    /// Builds the backend. Must not connect (engines are lazy). `url.query()` holds the options,
    /// `options` the ones set in code, which win over the URL.
    fn backend(&self, url: &DbUrl, options: &EngineOptions) -> Result<Arc<dyn Backend>>;
}

/// One engine's connection to a database: a pool, or an HTTP client.
#[async_trait]
pub trait Backend: Send + Sync + fmt::Debug + 'static {
    /// The dialect's name, for errors.
    fn dialect(&self) -> &'static str;
    /// The backend as `Any`, so a dialect crate can offer extensions on its own backend type
    /// (e.g. Supabase's `with_bearer`). Implement as `self`.
    fn as_any(&self) -> &dyn std::any::Any;
    /// What this backend can express (may change after the first connect, e.g. MariaDB RETURNING).
    fn capabilities(&self) -> Capabilities;
    /// Compiles a statement. Pure: no I/O.
    fn compile(&self, stmt: &Statement) -> Result<Compiled>;
    /// Checks out a connection.
    async fn acquire(&self) -> Result<Box<dyn BackendConnection>>;
    /// Runs a statement that returns no rows, on any pooled connection.
    async fn execute(&self, stmt: &Statement) -> Result<ExecResult> {
        self.acquire().await?.execute(stmt).await
    }
    /// Runs a query, handing each row to `sink`, on any pooled connection.
    async fn fetch(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        self.acquire().await?.fetch(stmt, sink).await
    }
    /// Streams rows as the server sends them.
    fn stream<'a>(&'a self, stmt: Statement) -> BoxStream<'a, Result<Row>>;
    /// Closes the pool; later use reconnects or fails per dialect.
    async fn close(&self) {}
}

/// One checked-out connection; returned to the pool when dropped.
#[async_trait]
pub trait BackendConnection: Send + fmt::Debug {
    /// Runs a statement that returns no rows.
    async fn execute(&mut self, stmt: &Statement) -> Result<ExecResult>;
    /// Runs a query, handing each row to `sink`.
    async fn fetch(&mut self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()>;
    /// Streams rows as the server sends them.
    fn stream<'a>(&'a mut self, stmt: Statement) -> BoxStream<'a, Result<Row>>;
    /// BEGIN at depth 0, SAVEPOINT deeper.
    async fn begin(&mut self, options: &TxOptions) -> Result<()>;
    /// COMMIT at depth 1, RELEASE SAVEPOINT deeper.
    async fn commit(&mut self) -> Result<()>;
    /// ROLLBACK at depth 1, ROLLBACK TO SAVEPOINT deeper.
    async fn rollback(&mut self) -> Result<()>;
    /// Queues a rollback without waiting (called from `Drop`); it runs before the next use of
    /// the connection or before it is reused from the pool.
    fn start_rollback(&mut self);
    /// Current transaction depth (0 = none).
    fn transaction_depth(&self) -> usize;
    /// Takes the connection out of service: its session state is unknown, because a COMMIT or
    /// ROLLBACK failed and could not be undone, or was cancelled mid-flight.
    ///
    /// Contract: the session is never handed to another user in that state. A dialect closes it
    /// instead of returning it to the pool (or, where it cannot, rolls every open level back
    /// before reuse), and statements on this handle afterwards fail with
    /// [`crate::Error::State`].
    ///
    /// The default queues [`start_rollback`](Self::start_rollback) once per open level, which
    /// leaves a sqlx-style connection (whose queued rollbacks run in order before its next use)
    /// at depth 0, but does not refuse later statements on this handle: dialects should override.
    fn discard(&mut self) {
        for _ in 0..self.transaction_depth() {
            self.start_rollback();
        }
    }
}

/// [`Backend::stream`] on a connection of its own: `acquire` checks one out when the stream is
/// first polled, and the stream owns it, so dropping the stream early returns the connection (or,
/// mid-statement, lets the dialect close it).
pub fn stream_checked_out<'a, C, F>(acquire: F, stmt: Statement) -> BoxStream<'a, Result<Row>>
where
    C: BackendConnection + 'a,
    F: std::future::Future<Output = Result<C>> + Send + 'a,
{
    Box::pin(async_stream::try_stream! {
        let mut conn = acquire.await?;
        let mut rows = conn.stream(stmt);
        while let Some(row) = futures_util::StreamExt::next(&mut rows).await {
            yield row?;
        }
    })
}
