//! Athanor's MySQL and MariaDB dialect, built on sqlx.
//!
//! URLs: `mysql://`, `mariadb://` and the Python driver spellings (`mysql+aiomysql://`,
//! `+asyncmy`, `+mysqlconnector`, `+pymysql`, `+mysqldb`, `+mariadbconnector`), all served by
//! sqlx's MySQL driver. See [`options`] for the accepted URL keys and [`compile`] for how
//! statements map to MySQL (emulations and what is refused).

pub mod backend;
mod bind;
pub mod compile;
pub mod connection;
pub mod ddl;
pub mod error;
mod insert;
pub mod options;
pub mod pool;
pub mod row;
pub mod state;
mod txn;

pub use backend::MySqlBackend;
pub use connection::MyConnection;
pub use ddl::MySqlDdl;

use athanor_core::{Backend, DbUrl, Dialect, EngineOptions, Result};
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
    fn backend(&self, url: &DbUrl, options: &EngineOptions) -> Result<Arc<dyn Backend>> {
        Ok(Arc::new(MySqlBackend::new(options::settings(url, options)?)))
    }
}
