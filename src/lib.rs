//! # Athanor
//!
//! An async ORM and dialect layer in the spirit of SQLAlchemy: one URL picks a dialect
//! (`mysql+aiomysql://…`, `sqlite://`, `supabase://…`), models are plain structs with
//! `#[derive(Model)]`, and one query AST compiles to SQL or to PostgREST requests.
//!
//! ```no_run
//! use athanor::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[athanor(table = "ohlcv_1m")]
//! pub struct Candle {
//!     #[athanor(primary_key, auto_increment)]
//!     pub id: i64,
//!     #[athanor(unique_with = "ts", max_len = 16)]
//!     pub symbol: String,
//!     pub ts: chrono::NaiveDateTime,
//!     pub close: Decimal,
//! }
//!
//! # async fn run() -> athanor::Result<()> {
//! let engine = athanor::create_engine("sqlite://")?;
//! engine.create_all(&[Candle::table()]).await?;
//! let last: Vec<Candle> = Candle::select()
//!     .filter(Candle::SYMBOL.eq("BTC"))
//!     .order_by(Candle::TS.desc())
//!     .limit(10)
//!     .all(&engine)
//!     .await?;
//! # Ok(()) }
//! ```

pub use athanor_core::*;
pub use athanor_macros::{FromRow, Model};

/// Built-in dialects, behind the cargo features of the same names.
pub mod dialects {
    #[cfg(feature = "mysql")]
    pub use athanor_mysql as mysql;
    #[cfg(feature = "postgres")]
    pub use athanor_postgres as postgres;
    #[cfg(feature = "sqlite")]
    pub use athanor_sqlite as sqlite;
    #[cfg(feature = "supabase")]
    pub use athanor_supabase as supabase;
}

/// The Supabase set-up of supabase-py: `athanor::supabase::create_client(SUPABASE_URL, SUPABASE_KEY)`.
#[cfg(feature = "supabase")]
pub mod supabase {
    pub use athanor_supabase::project::{create_client, create_client_from_env, create_client_with, KEY_VAR, URL_VAR};
}

/// Decimal literals: `dec!(100.5)`.
pub use rust_decimal_macros::dec;

/// Everything a typical program needs: `use athanor::prelude::*;`.
pub mod prelude {
    pub use crate::{create_engine, create_engine_with, dec, text, Engine, EngineOptions, FromRow, Model, Result};
    pub use athanor_core::model::{Column, TextColumn};
    pub use athanor_core::query::{
        abs, case_when, cast, cast_decimal, coalesce, excluded, exists, length, lower, now, scalar_subquery, upper, CaseWhen, CastInto,
        CastSource, Numeric, TextType, Timestamp,
    };
    pub use athanor_core::query::{col, count_star, Literal, Operand, TypedExpr};
    pub use athanor_core::FromColumns;
    pub use athanor_core::{Decimal, Executor, Row};
}

#[doc(hidden)]
pub mod __private {
    pub use athanor_core::*;
}

/// The process-wide dialect registry, with the built-in dialects registered.
/// Third parties add theirs with `registry().register(Arc::new(MyDialect))`.
pub fn registry() -> &'static DialectRegistry {
    static BUILTINS: std::sync::Once = std::sync::Once::new();
    let r = athanor_core::registry();
    BUILTINS.call_once(|| {
        #[cfg(feature = "sqlite")]
        r.register(std::sync::Arc::new(athanor_sqlite::SqliteDialect));
        #[cfg(feature = "mysql")]
        r.register(std::sync::Arc::new(athanor_mysql::MySqlDialect));
        #[cfg(feature = "supabase")]
        r.register(std::sync::Arc::new(athanor_supabase::SupabaseDialect));
        #[cfg(feature = "postgres")]
        r.register(std::sync::Arc::new(athanor_postgres::PostgresDialect));
    });
    r
}

/// Creates an engine from a SQLAlchemy-style URL. Lazy: no connection is made until first use.
///
/// Pool options come from the URL query (`maxsize`, `pool_size`, `pool_recycle`, …); an unknown
/// option is an error listing the accepted ones.
pub fn create_engine(url: &str) -> Result<Engine> {
    create_engine_with(url, EngineOptions::default())
}

/// Like [`create_engine`], with options set in code (they win over the URL's).
pub fn create_engine_with(url: &str, options: EngineOptions) -> Result<Engine> {
    Engine::from_registry(registry(), url, options)
}
