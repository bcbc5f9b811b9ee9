//! Query builders. Each produces a [`crate::ast::Statement`] and runs on any [`crate::Executor`].

pub mod aggregate;
mod col;
mod delete;
mod expr_ops;
mod functions;
mod insert;
pub mod instance;
mod join;
mod lock;
mod operand;
mod project;
mod returning;
mod select;
mod text;
mod typed;
mod update;
mod write_clauses;

pub use aggregate::{count_star, Averageable, Ordered, Summable};
pub use col::{col, escape_like, like_pattern_problem, Col};
pub use delete::Delete;
pub use expr_ops::{Numeric, TextType, Timestamp};
pub use functions::{
    abs, case_when, cast, cast_decimal, coalesce, excluded, exists, length, lower, now, scalar_subquery, upper, CaseWhen, CastInto,
    CastSource,
};
pub use insert::{Insert, InsertMany, InsertOne};
pub use operand::{Literal, Operand};
pub use project::{Labeled, Selectable};
pub use returning::Returning;
pub use select::Select;
pub use text::{text, Text};
pub use typed::TypedExpr;
pub use update::Update;

use crate::ast::Statement;
use crate::error::Result;
use crate::row::Row;
use crate::schema::Table;

/// Anything that is (or builds) a statement: builders, and [`Statement`] itself.
pub trait AsStatement {
    /// The statement.
    fn as_statement(&self) -> Result<Statement>;
}

impl AsStatement for Statement {
    fn as_statement(&self) -> Result<Statement> {
        Ok(self.clone())
    }
}

/// A column named by a typed handle or a string.
pub trait ColumnName {
    /// The column name.
    fn column_name(&self) -> &'static str;
}
impl ColumnName for &'static str {
    fn column_name(&self) -> &'static str {
        self
    }
}
/// So `&[Candle::CLOSE, Candle::VOLUME]` works where a list of columns is taken.
impl<C: ColumnName> ColumnName for &C {
    fn column_name(&self) -> &'static str {
        (**self).column_name()
    }
}

/// `SELECT * FROM table` for a Core [`Table`]; rows come back as [`Row`].
pub fn select(table: &Table) -> Select<Row> {
    Select::from_table(table.name.clone())
}

/// `INSERT INTO table` for a Core [`Table`].
pub fn insert_into(table: &Table) -> Insert {
    Insert::for_table(table)
}

/// `UPDATE table` for a Core [`Table`].
pub fn update(table: &Table) -> Update<Row> {
    Update::for_table(std::borrow::Cow::Owned(table.clone()))
}

/// `DELETE FROM table` for a Core [`Table`].
pub fn delete_from(table: &Table) -> Delete<Row> {
    Delete::new(table.name.clone())
}
