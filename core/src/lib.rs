//! Athanor core: everything that is the same for every dialect.
//!
//! - [`url`]: SQLAlchemy-grammar database URLs ([`DbUrl`]).
//! - [`dialect`] and [`registry`]: the [`Dialect`]/[`Backend`] traits and the scheme registry.
//! - [`engine`]: [`Engine`], [`Connection`], [`Transaction`] and the [`Executor`] trait.
//! - [`ast`] and [`query`]: the statement AST and the builders that produce it.
//! - [`schema`]: run-time table definitions used for DDL (`create_all`).
//! - [`model`]: the traits `#[derive(Model)]` implements and typed column handles.
//! - [`from_columns`]: decoding tuples (projections, joins) by position.
//! - [`sql`]: AST → SQL through sea-query, shared by the SQL dialects.
//!
//! This crate depends on neither sqlx nor an HTTP client.

pub mod ast;
pub mod compiled;
pub mod dialect;
pub mod engine;
pub mod error;
pub mod exact_decimal;
pub mod from_columns;
pub mod limits;
pub mod model;
pub mod options;
pub mod query;
pub mod registry;
pub mod row;
pub mod schema;
pub mod schema_check;
pub mod sql;
pub mod url;
pub mod value;

pub use compiled::{Compiled, HttpRequest, SqlQuery};
pub use dialect::{Backend, BackendConnection, Capabilities, Dialect, ExecResult, RowLockCaps, RowSink};
pub use engine::{Connection, Engine, Executor, IsolationLevel, Transaction, TxOptions};
pub use error::{DatabaseError, DbErrorKind, Error, Result, UrlError};
pub use from_columns::FromColumns;
pub use model::{Column, FromRow, Model};
pub use options::EngineOptions;
pub use query::{col, delete_from, insert_into, select, text, update, Col};
pub use registry::{registry, DialectRegistry};
pub use row::{Row, RowAccess};
pub use schema::{ColumnDef, ColumnType, Index, Table};
pub use url::DbUrl;
pub use value::{FromValue, SqlType, ToValue, Value, ValueKind};

/// Re-exported so generated code and users share one version.
pub use chrono;
pub use rust_decimal::Decimal;
pub use serde_json;
pub use uuid;
