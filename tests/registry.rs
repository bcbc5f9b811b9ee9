//! Third-party dialects register at run time, as SQLAlchemy's entry points allow.

use async_trait::async_trait;
use athanor::ast::Statement;
use athanor::{registry, Backend, BackendConnection, Capabilities, Compiled, DbUrl, Dialect, EngineOptions, Error, Result, Row, SqlQuery};
use futures_util::stream::BoxStream;
use std::sync::Arc;

#[derive(Debug)]
struct EchoBackend;

#[async_trait]
impl Backend for EchoBackend {
    fn dialect(&self) -> &'static str {
        "echo"
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::SQL
    }
    fn compile(&self, stmt: &Statement) -> Result<Compiled> {
        Ok(Compiled::Sql(SqlQuery { sql: format!("-- {}", stmt.kind()), params: vec![] }))
    }
    async fn acquire(&self) -> Result<Box<dyn BackendConnection>> {
        Err(Error::unsupported("echo", "connections"))
    }
    fn stream<'a>(&'a self, _stmt: Statement) -> BoxStream<'a, Result<Row>> {
        Box::pin(futures_util::stream::empty())
    }
}

struct EchoDialect;

impl Dialect for EchoDialect {
    fn name(&self) -> &'static str {
        "echo"
    }
    fn drivers(&self) -> &'static [&'static str] {
        &["loud"]
    }
    fn backend(&self, _url: &DbUrl, _options: &EngineOptions) -> Result<Arc<dyn Backend>> {
        Ok(Arc::new(EchoBackend))
    }
}

#[test]
fn a_registered_dialect_is_resolved_by_scheme_and_driver() {
    registry().register(Arc::new(EchoDialect));
    let e = athanor::create_engine("echo+loud://somewhere/db").unwrap();
    assert_eq!(e.dialect(), "echo");
    let c = e.compile(&athanor::text("SELECT 1")).unwrap();
    assert_eq!(c.to_string(), "-- raw SQL");
    assert!(registry().names().contains(&"echo+loud".to_string()));
    assert!(matches!(athanor::create_engine("echo+quiet://x"), Err(Error::UnknownDriver { .. })));
}
