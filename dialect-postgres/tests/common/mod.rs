//! Shared helpers: an engine over a registry holding only `PostgresDialect`, unique table names.
#![allow(dead_code)]

use athanor_core::{DialectRegistry, Engine, EngineOptions};
use athanor_postgres::PostgresDialect;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The test server (`ATHANOR_PG_URL` overrides it).
pub fn url() -> String {
    std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/test".into())
}

/// A registry with the PostgreSQL dialect only.
pub fn registry() -> DialectRegistry {
    let r = DialectRegistry::new();
    r.register(Arc::new(PostgresDialect));
    r
}

/// An engine for `url` (lazy: no connection yet).
pub fn engine_at(url: &str) -> Engine {
    Engine::from_registry(&registry(), url, EngineOptions::default()).unwrap()
}

/// An engine on the test server.
pub fn engine() -> Engine {
    engine_at(&url())
}

/// A table name unique to this process and call.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}
