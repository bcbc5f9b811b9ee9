//! Athanor's MySQL and MariaDB dialect, built on sqlx.

use athanor_core::DbUrl;
use athanor_core::{Backend, Dialect, EngineOptions, Error, Result};
use std::sync::Arc;

/// The MySQL/MariaDB dialect: `mysql://`, `mariadb://` and the Python driver aliases.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySqlDialect;

impl Dialect for MySqlDialect {
    fn name(&self) -> &'static str {
        "mysql"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["mariadb"]
    }
    fn drivers(&self) -> &'static [&'static str] {
        &["aiomysql", "asyncmy", "mysqlconnector", "pymysql", "mysqldb", "mariadbconnector"]
    }
    fn backend(&self, _url: &DbUrl, _options: &EngineOptions) -> Result<Arc<dyn Backend>> {
        Err(Error::unsupported("mysql", "connections (backend not implemented yet)"))
    }
}
