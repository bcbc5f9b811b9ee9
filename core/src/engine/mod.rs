//! The engine (a lazily connecting pool behind one URL), connections, transactions, and the
//! [`Executor`] trait that lets `&Engine`, `&mut Connection` and `&mut Transaction` all run queries.

mod atomic;
mod connection;
mod executor;
mod lifecycle;
#[cfg(test)]
mod lifecycle_tests;
mod transaction;

pub use atomic::Atomic;
pub use connection::Connection;
pub use executor::{check_statement, Executor};
pub use transaction::{IsolationLevel, Transaction, TxOptions};

use crate::ast::Statement;
use crate::compiled::Compiled;
use crate::dialect::{Backend, Capabilities};
use crate::error::Result;
use crate::options::EngineOptions;
use crate::query::AsStatement;
use crate::registry::DialectRegistry;
use crate::schema::{sort_by_dependency, Table};
use crate::url::DbUrl;
use std::fmt;
use std::sync::Arc;

/// A database behind one URL: the dialect's pool or HTTP client. Cheap to clone, `Send + Sync`;
/// connects lazily on first use.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    url: DbUrl,
    backend: Arc<dyn Backend>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Engine({})", self.inner.url)
    }
}

impl Engine {
    /// Parses `url`, resolves its dialect in `registry` and builds the backend (without connecting).
    pub fn from_registry(registry: &DialectRegistry, url: &str, options: EngineOptions) -> Result<Engine> {
        let url = DbUrl::parse(url)?;
        let dialect = registry.resolve_url(&url)?;
        let backend = dialect.backend(&url, &options)?;
        Ok(Engine::from_backend(url, backend))
    }

    /// Wraps an already built backend.
    pub fn from_backend(url: DbUrl, backend: Arc<dyn Backend>) -> Engine {
        Engine { inner: Arc::new(Inner { url, backend }) }
    }

    /// The URL (its `Display` hides the password).
    pub fn url(&self) -> &DbUrl {
        &self.inner.url
    }

    /// The dialect's name (`"mysql"`, `"sqlite"`, `"supabase"`).
    pub fn dialect(&self) -> &'static str {
        self.inner.backend.dialect()
    }

    /// What the dialect can express.
    pub fn capabilities(&self) -> Capabilities {
        self.inner.backend.capabilities()
    }

    /// The backend, for dialect-specific extensions.
    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.inner.backend
    }

    /// Compiles a statement or query without running it: SQL and parameters, or the HTTP request.
    pub fn compile(&self, query: &impl AsStatement) -> Result<Compiled> {
        let stmt = query.as_statement()?;
        check_statement(&stmt)?;
        self.inner.backend.compile(&stmt)
    }

    /// Checks out a connection from the pool.
    pub async fn connect(&self) -> Result<Connection> {
        let conn = self.inner.backend.acquire().await?;
        Ok(Connection::new(conn, self.inner.backend.clone()))
    }

    /// Starts a transaction on a fresh connection; it rolls back if dropped without `commit`.
    pub async fn begin(&self) -> Result<Transaction<'static>> {
        self.begin_with(TxOptions::default()).await
    }

    /// Starts a transaction with an isolation level or read-only mode.
    pub async fn begin_with(&self, options: TxOptions) -> Result<Transaction<'static>> {
        let conn = self.inner.backend.acquire().await?;
        Transaction::start_owned(conn, self.inner.backend.clone(), options).await
    }

    /// Creates the tables (and their indexes) that do not exist yet, referenced tables first.
    pub async fn create_all(&self, tables: &[&Table]) -> Result<()> {
        for t in sort_by_dependency(tables) {
            self.inner.backend.execute(&Statement::CreateTable(Arc::new(t.clone()))).await?;
        }
        Ok(())
    }

    /// Drops the tables that exist, referencing tables first.
    pub async fn drop_all(&self, tables: &[&Table]) -> Result<()> {
        for t in sort_by_dependency(tables).into_iter().rev() {
            self.inner.backend.execute(&Statement::DropTable(t.name.clone())).await?;
        }
        Ok(())
    }

    /// Closes every pooled connection.
    pub async fn dispose(&self) {
        self.inner.backend.close().await
    }
}
