//! [`SqliteBackend`]: the pool, compilation, and statement execution shared with connections.

use crate::bind;
use crate::connection::SqliteConn;
use crate::ddl::SqliteDdl;
use crate::error::map;
use crate::options::SqliteSettings;
use crate::pool::{ConnPool, Pooled, SqliteConnector};
use crate::row::SqliteRowRef;
use async_trait::async_trait;
use athanor_core::ast::Statement;
use athanor_core::sql::{self, SqlDialect};
use athanor_core::{Backend, BackendConnection, Capabilities, Compiled, ExecResult, Result, Row, RowSink, SqlQuery};
use athanor_pool::AcquireError;
use futures_core::stream::BoxStream;
use futures_util::TryStreamExt;
use sqlx::sqlite::Sqlite;
use sqlx::Either;
use sqlx::Row as _;
use std::sync::{Arc, Once};
use std::time::Duration;

/// What SQLite (3.35+, as bundled by sqlx) can express.
pub const CAPABILITIES: Capabilities = Capabilities { max_params: 32_766, ..Capabilities::SQL };

/// An engine's SQLite connections, on the pool every SQL dialect shares ([`athanor_pool`]).
/// Building it opens nothing, so an engine can be made outside any runtime.
pub struct SqliteBackend {
    pool: Arc<ConnPool>,
    /// `minsize` connections are opened at first use.
    warmed: Once,
    acquire_timeout: Duration,
    echo: bool,
    in_memory: bool,
}

impl std::fmt::Debug for SqliteBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteBackend").field("in_memory", &self.in_memory).finish()
    }
}

impl SqliteBackend {
    /// A lazily connecting pool.
    pub fn new(s: SqliteSettings) -> Self {
        SqliteBackend {
            acquire_timeout: s.pool.acquire_timeout,
            pool: athanor_pool::Pool::new(SqliteConnector { connect: s.connect }, s.pool),
            warmed: Once::new(),
            echo: s.echo,
            in_memory: s.in_memory,
        }
    }

    /// Checks out a connection inside a tokio runtime (a typed error outside one).
    async fn checkout(&self) -> Result<Pooled> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(athanor_core::Error::State("the SQLite dialect runs on a tokio runtime; none is running here".into()));
        }
        self.warmed.call_once(|| self.pool.warm_up());
        self.pool.acquire().await.map_err(|e| match e {
            AcquireError::Connect(e) => map(e),
            AcquireError::Closed => athanor_core::Error::State("the engine was disposed".into()),
            AcquireError::Timeout(last_error) => {
                athanor_core::Error::PoolTimeout { host: "sqlite".into(), waited: self.acquire_timeout, last_error }
            }
        })
    }
}

/// Compiles a statement into the SQL statements to run: bulk inserts split under the parameter
/// limit, DDL into the table and its indexes.
pub(crate) fn compile_all(stmt: &Statement) -> Result<Vec<SqlQuery>> {
    let d = SqlDialect { name: "sqlite", caps: &CAPABILITIES, builder: || sea_query::SqliteQueryBuilder };
    match stmt {
        Statement::CreateTable(t) => {
            Ok(sql::create_table_sql(&SqliteDdl, t)?.into_iter().map(|sql| SqlQuery { sql, params: vec![] }).collect())
        }
        Statement::DropTable(name) => Ok(vec![SqlQuery { sql: sql::drop_table_sql(&SqliteDdl, name), params: vec![] }]),
        Statement::Insert(ins) => {
            sql::insert_chunks(ins, CAPABILITIES.max_params, usize::MAX).into_iter().map(|r| crate::insert::render(ins, r)).collect()
        }
        other => match sql::compile(&d, other)? {
            Compiled::Sql(q) => Ok(vec![q]),
            Compiled::Script(qs) => Ok(qs),
            Compiled::Http(_) => unreachable!("the SQL compiler makes no HTTP requests"),
        },
    }
}

fn single(stmt: &Statement) -> Result<SqlQuery> {
    let mut qs = compile_all(stmt)?;
    if qs.len() != 1 {
        return Err(athanor_core::Error::InvalidQuery(format!("{} compiles to {} statements and returns no rows", stmt.kind(), qs.len())));
    }
    Ok(qs.remove(0))
}

pub(crate) fn log(echo: bool, q: &SqlQuery) {
    if echo {
        tracing::info!(target: "athanor::sql", sql = %q.sql, params = q.params.len());
    } else {
        tracing::debug!(target: "athanor::sql", sql = %q.sql, params = q.params.len());
    }
}

/// What the caller learns from a statement that returns no rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Rows affected only (no key: not an INSERT, or an upsert with its own RETURNING).
    Plain,
    /// An INSERT: also the key of its first row.
    Insert,
    /// An INSERT … ON CONFLICT without RETURNING: also the key of its first inserted row, or of
    /// the last row it updated when it inserted none (what MariaDB reports).
    Upsert,
}

impl Outcome {
    pub(crate) fn of(stmt: &Statement) -> Outcome {
        match stmt {
            Statement::Insert(i) if i.on_conflict.is_some() && i.returning.is_empty() => Outcome::Upsert,
            // Its keys come back through the RETURNING the caller asked for.
            Statement::Insert(i) if i.on_conflict.is_some() => Outcome::Plain,
            Statement::Insert(_) => Outcome::Insert,
            _ => Outcome::Plain,
        }
    }
}

/// Appended to an upsert run for its [`ExecResult`]: each row the statement inserted or updated,
/// and whether it was inserted (`last_insert_rowid()` moves only on insert, and RETURNING is
/// evaluated as each row is written).
const UPSERT_RETURNING: &str = " RETURNING rowid, rowid = last_insert_rowid()";

/// The key a statement reports (see [`ExecResult::last_insert_id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// No row inserted or updated, or the statement has no key to report.
    None,
    /// The last row an upsert updated (it inserted none).
    Updated(i64),
    /// The first row inserted.
    Inserted(i64),
}

impl Key {
    /// The key of two statements run in turn as one: the first inserted row, else the last
    /// updated one.
    fn then(self, next: Key) -> Key {
        match (self, next) {
            (Key::Inserted(_), _) | (_, Key::None) => self,
            _ => next,
        }
    }

    fn id(self) -> Option<u64> {
        match self {
            Key::None => None,
            Key::Updated(id) | Key::Inserted(id) => u64::try_from(id).ok(),
        }
    }
}

/// What running one statement did: rows affected and the key to report.
pub(crate) struct Ran {
    rows: u64,
    key: Key,
}

impl Ran {
    pub(crate) fn result(self) -> ExecResult {
        ExecResult { rows_affected: self.rows, last_insert_id: self.key.id() }
    }
}

/// Runs one compiled upsert on a connection (see [`UPSERT_RETURNING`]). A row flagged inserted
/// whose rowid is the connection's `last_insert_rowid()` from before the statement is an update
/// of the row an earlier INSERT on this connection made.
async fn run_upsert(conn: &mut sqlx::SqliteConnection, echo: bool, mut q: SqlQuery) -> Result<Ran> {
    let before: i64 = sqlx::query_scalar("SELECT last_insert_rowid()").fetch_one(&mut *conn).await.map_err(map)?;
    q.sql.push_str(UPSERT_RETURNING);
    log(echo, &q);
    let rows = bind::query(q)?.fetch_all(&mut *conn).await.map_err(map)?;
    let mut key = Key::None;
    for row in &rows {
        let id: i64 = row.try_get(0).map_err(map)?;
        let inserted: bool = row.try_get(1).map_err(map)?;
        key = key.then(if inserted && id != before { Key::Inserted(id) } else { Key::Updated(id) });
    }
    Ok(Ran { rows: rows.len() as u64, key })
}

/// Runs one compiled statement (not an upsert) on any sqlx executor (the pool or one connection).
pub(crate) async fn run_one<'c, E>(exec: E, echo: bool, q: SqlQuery, outcome: Outcome) -> Result<Ran>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    log(echo, &q);
    let r = bind::query(q)?.execute(exec).await.map_err(map)?;
    let n = r.rows_affected();
    // SQLite reports the last row's rowid; the rows of one INSERT get consecutive generated keys,
    // so the first row's is `n - 1` below it.
    let first = r.last_insert_rowid().checked_sub(i64::try_from(n).unwrap_or(i64::MAX) - 1);
    let key = match first {
        Some(id) if outcome == Outcome::Insert && n > 0 => Key::Inserted(id),
        _ => Key::None,
    };
    Ok(Ran { rows: n, key })
}

/// Runs the compiled `queries` of `stmt` on one connection, in order, summing rows affected; the
/// key is the first inserted row's, else the last updated row's, over all of them.
pub(crate) async fn run_all(conn: &mut sqlx::SqliteConnection, echo: bool, stmt: &Statement, queries: Vec<SqlQuery>) -> Result<ExecResult> {
    let outcome = Outcome::of(stmt);
    let mut total = Ran { rows: 0, key: Key::None };
    for (i, q) in queries.into_iter().enumerate() {
        let ran = match outcome {
            Outcome::Upsert => run_upsert(&mut *conn, echo, q).await,
            _ => run_one(&mut *conn, echo, q, outcome).await,
        };
        let r = match ran {
            // A table WITHOUT ROWID has no key to report: run the chunk again (its prepare failed,
            // nothing ran), as a plain statement.
            Err(e) if outcome == Outcome::Upsert && no_rowid(&e) => {
                let q = compile_all(stmt)?.swap_remove(i);
                run_one(&mut *conn, echo, q, Outcome::Plain).await?
            }
            r => r?,
        };
        total.rows += r.rows;
        total.key = total.key.then(r.key);
    }
    Ok(total.result())
}

fn no_rowid(e: &athanor_core::Error) -> bool {
    matches!(e, athanor_core::Error::Database(d) if d.message == "no such column: rowid")
}

/// Runs a query on any sqlx executor, handing each row to `sink` as it arrives.
pub(crate) async fn fetch_on<'c, E>(exec: E, echo: bool, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    let q = single(stmt)?;
    log(echo, &q);
    let query = bind::query(q)?;
    let mut answer = exec.fetch_many(query);
    let mut set = 0;
    while let Some(step) = answer.try_next().await.map_err(map)? {
        match step {
            Either::Right(row) => sink(&SqliteRowRef(&row, set))?,
            Either::Left(_) => set += 1,
        }
    }
    Ok(())
}

/// Streams owned rows from any sqlx executor.
pub(crate) fn stream_on<'c, E>(exec: E, echo: bool, stmt: Statement) -> BoxStream<'c, Result<Row>>
where
    E: sqlx::Executor<'c, Database = Sqlite> + 'c,
{
    Box::pin(async_stream::try_stream! {
        let q = single(&stmt)?;
        log(echo, &q);
        let query = bind::query(q)?;
        let mut answer = exec.fetch_many(query);
        let mut names = None;
        while let Some(step) = answer.try_next().await.map_err(map)? {
            let Either::Right(row) = step else {
                names = None;
                continue;
            };
            let access = SqliteRowRef(&row, 0);
            let names = names.get_or_insert_with(|| athanor_core::row::column_names(&access));
            yield Row::from_access(&access, names)?;
        }
    })
}

#[async_trait]
impl Backend for SqliteBackend {
    fn dialect(&self) -> &'static str {
        "sqlite"
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }
    fn compile(&self, stmt: &Statement) -> Result<Compiled> {
        let mut qs = compile_all(stmt)?;
        Ok(if qs.len() == 1 { Compiled::Sql(qs.remove(0)) } else { Compiled::Script(qs) })
    }
    async fn acquire(&self) -> Result<Box<dyn BackendConnection>> {
        let conn = self.checkout().await?;
        Ok(Box::new(SqliteConn::new(conn, self.echo, self.in_memory)))
    }
    async fn execute(&self, stmt: &Statement) -> Result<ExecResult> {
        let mut qs = compile_all(stmt)?;
        let outcome = Outcome::of(stmt);
        let mut conn = self.checkout().await?;
        if qs.len() == 1 && outcome != Outcome::Upsert {
            return run_one(&mut **conn, self.echo, qs.remove(0), outcome).await.map(Ran::result);
        }
        // Several statements (chunks, DDL scripts) run on one connection, in order; the chunks
        // of an INSERT all or nothing. Upserts too (see `run_all`).
        SqliteConn::new(conn, self.echo, self.in_memory).run_plan(stmt, qs).await
    }
    async fn fetch(&self, stmt: &Statement, sink: &mut RowSink<'_>) -> Result<()> {
        let mut conn = self.checkout().await?;
        fetch_on(&mut **conn, self.echo, stmt, sink).await
    }
    fn stream<'a>(&'a self, stmt: Statement) -> BoxStream<'a, Result<Row>> {
        Box::pin(async_stream::try_stream! {
            let mut conn = self.checkout().await?;
            let mut rows = stream_on(&mut **conn, self.echo, stmt);
            while let Some(row) = futures_util::StreamExt::next(&mut rows).await {
                yield row?;
            }
        })
    }
    async fn close(&self) {
        self.pool.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn the_first_inserted_key_wins_else_the_last_updated() {
        let fold = |ks: &[Key]| ks.iter().fold(Key::None, |a, &k| a.then(k));
        assert_eq!(fold(&[]), Key::None);
        assert_eq!(fold(&[Key::Updated(3), Key::Inserted(7), Key::Inserted(8)]), Key::Inserted(7));
        assert_eq!(fold(&[Key::Inserted(9), Key::Updated(1)]), Key::Inserted(9));
        assert_eq!(fold(&[Key::Updated(4), Key::Updated(5), Key::None]), Key::Updated(5));
        assert_eq!(Key::Inserted(-1).id(), None);
    }
}
