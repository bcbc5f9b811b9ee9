//! A stand-in for PostgREST in tests, since no PostgREST server can be installed here.
//!
//! [`StandIn::start`] makes a fresh PostgreSQL schema and serves, on a loopback port, the part of
//! PostgREST's HTTP grammar that Athanor's Supabase dialect emits: `select`, filters with
//! `not.` and `and`/`or` trees, `order`, `limit`/`offset`, `Prefer: count=exact` and
//! `return=representation`, inserts with `columns=`/`on_conflict=` and
//! `resolution=merge-duplicates|ignore-duplicates`, `PATCH`, `DELETE`, `HEAD`, the singular object
//! `Accept`, `Accept-Profile`/`Content-Profile`, and errors as PostgREST's JSON with its status
//! codes. Each request runs as real SQL on PostgreSQL, so types, constraints and error codes are
//! the server's own. It is not PostgREST: embedded resources, RPC, `Range` headers and
//! operators Athanor never sends are answered with `PGRST100`/`PGRST202`.

mod catalog;
mod ddl;
mod error;
pub mod grammar;
mod handler;
mod sql;

pub use ddl::PgDdl;

use athanor_core::schema::{sort_by_dependency, Table};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::AssertSqlSafe;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The PostgreSQL server the stand-in uses: `ATHANOR_PG_URL`, default
/// `postgres://postgres@127.0.0.1:5432/test`.
pub fn pg_url() -> String {
    std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// What every request handler shares.
pub(crate) struct Shared {
    pub pool: PgPool,
    pub key: String,
    pub default_schema: String,
    pub requests: AtomicUsize,
}

/// A running stand-in: a loopback HTTP server over a PostgreSQL schema of its own.
pub struct StandIn {
    addr: SocketAddr,
    schema: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

fn unique_schema() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("standin_{}_{nanos}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// `"ident"` with embedded quotes doubled.
pub(crate) fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

impl StandIn {
    /// Creates a fresh schema on the PostgreSQL server at `pg_url` and serves it on
    /// `127.0.0.1:<free port>`, accepting requests whose `apikey` header is `key`.
    pub async fn start(pg_url: &str, key: &str) -> Result<StandIn, Box<dyn std::error::Error + Send + Sync>> {
        let options = PgConnectOptions::from_str(pg_url)?.options([("timezone", "UTC")]);
        let pool = PgPoolOptions::new().max_connections(4).connect_with(options).await?;
        let schema = unique_schema();
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {}", quote_ident(&schema)))).execute(&pool).await?;
        let shared = Arc::new(Shared { pool, key: key.to_owned(), default_schema: schema.clone(), requests: AtomicUsize::new(0) });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new().fallback(handler::handle).with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(StandIn { addr, schema, shared, server })
    }

    /// An Athanor URL for this server: `supabase+http://anon:<key>@127.0.0.1:<port>?schema=<schema>`.
    pub fn url(&self) -> String {
        format!("supabase+http://anon:{}@{}?schema={}", self.shared.key, self.addr, self.schema)
    }

    /// The PostgreSQL schema the tables live in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// How many HTTP requests the server has answered.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Creates `tables` in the schema (PostgreSQL DDL from the model metadata, foreign keys
    /// first): the migration a Supabase project would have run.
    pub async fn create_tables(&self, tables: &[&Table]) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let mut tx = self.shared.pool.begin().await?;
        sqlx::query(AssertSqlSafe(format!("SET LOCAL search_path TO {}", quote_ident(&self.schema)))).execute(&mut *tx).await?;
        for t in sort_by_dependency(tables) {
            for stmt in athanor_core::sql::create_table_sql(&PgDdl, t)? {
                sqlx::query(AssertSqlSafe(stmt)).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stops the server and drops the schema with everything in it.
    pub async fn close(self) {
        self.server.abort();
        let _ = sqlx::query(AssertSqlSafe(format!("DROP SCHEMA IF EXISTS {} CASCADE", quote_ident(&self.schema))))
            .execute(&self.shared.pool)
            .await;
        self.shared.pool.close().await;
    }
}
