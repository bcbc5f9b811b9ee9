//! [`text`]: raw SQL with `:name` binds, like SQLAlchemy's `text()`.

use super::AsStatement;
use crate::ast::{Raw, Statement};
use crate::dialect::ExecResult;
use crate::engine::Executor;
use crate::error::{Error, Result};
use crate::model::{FromRow, RowCache};
use crate::row::{Row, RowAccess};
use crate::value::Value;

/// Raw SQL. Values are always bound (`:name` becomes the dialect's placeholder), never inlined.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    raw: Raw,
}

/// Raw SQL with `:name` binds: `text("SELECT * FROM t WHERE id = :id").bind("id", 7)`.
pub fn text(sql: impl Into<String>) -> Text {
    Text { raw: Raw { sql: sql.into(), binds: Vec::new() } }
}

impl AsStatement for Text {
    fn as_statement(&self) -> Result<Statement> {
        Ok(Statement::Raw(self.raw.clone()))
    }
}

impl Text {
    /// Binds `:name` to a value (a later bind of the same name replaces it).
    pub fn bind(mut self, name: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        match self.raw.binds.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.raw.binds.push((name.to_owned(), value)),
        }
        self
    }
    /// Runs a statement that returns no rows.
    pub async fn execute<'e, E: Executor<'e>>(self, exec: E) -> Result<ExecResult> {
        exec.execute(&Statement::Raw(self.raw)).await
    }
    /// Every row, as [`Row`].
    pub async fn fetch_all<'e, E: Executor<'e>>(self, exec: E) -> Result<Vec<Row>> {
        self.fetch_all_as(exec).await
    }
    /// Every row, decoded as `T` (a model whose columns the query selects in field order).
    pub async fn fetch_all_as<'e, T: FromRow, E: Executor<'e>>(self, exec: E) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut cache = RowCache::default();
        exec.fetch(&Statement::Raw(self.raw), &mut |row: &dyn RowAccess| {
            out.push(T::from_row(row, &mut cache)?);
            Ok(())
        })
        .await?;
        Ok(out)
    }
    /// The first row, if any.
    pub async fn fetch_optional<'e, E: Executor<'e>>(self, exec: E) -> Result<Option<Row>> {
        Ok(self.fetch_all(exec).await?.into_iter().next())
    }
    /// Exactly one row.
    pub async fn fetch_one<'e, E: Executor<'e>>(self, exec: E) -> Result<Row> {
        let mut rows = self.fetch_all(exec).await?;
        match rows.len() {
            0 => Err(Error::NotFound),
            1 => Ok(rows.remove(0)),
            _ => Err(Error::MultipleRows),
        }
    }
}
