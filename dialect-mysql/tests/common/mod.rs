//! Shared helpers: an engine over a registry holding only `MySqlDialect`, unique table names.
#![allow(dead_code)]

use athanor_core::{DialectRegistry, Engine, EngineOptions};
use athanor_mysql::MySqlDialect;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The test server.
pub const URL: &str = "mysql://root@127.0.0.1:3306/test";

/// A registry with the MySQL dialect only.
pub fn registry() -> DialectRegistry {
    let r = DialectRegistry::new();
    r.register(Arc::new(MySqlDialect));
    r
}

/// An engine for `url` (lazy: no connection yet).
pub fn engine_at(url: &str) -> Engine {
    Engine::from_registry(&registry(), url, EngineOptions::default()).unwrap()
}

/// An engine on the test server.
pub fn engine() -> Engine {
    engine_at(URL)
}

/// A table name unique to this process and call.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{}_{}", std::process::id(), nanos, N.fetch_add(1, Ordering::Relaxed))
}

/// Runs raw SQL on the engine, panicking on error.
pub async fn exec(e: &Engine, sql: &str) {
    athanor_core::text(sql).execute(e).await.unwrap_or_else(|err| panic!("{sql}: {err}"));
}

/// A scratch database, dropped by [`Scratch::drop_now`].
pub struct Scratch {
    /// Its name.
    pub name: String,
}

impl Scratch {
    /// Creates a uniquely named database.
    pub async fn new(prefix: &str) -> Scratch {
        let name = unique(prefix);
        exec(&engine(), &format!("CREATE DATABASE `{name}`")).await;
        Scratch { name }
    }
    /// Drops it.
    pub async fn drop_now(self) {
        exec(&engine(), &format!("DROP DATABASE IF EXISTS `{}`", self.name)).await;
    }
}
