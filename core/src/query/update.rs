//! [`Update`]: UPDATE with typed assignments. A filter (or `.all_rows()`) is required.

use super::{AsStatement, Operand, Returning};
use crate::ast::{Expr, Statement, Update as UpdateAst};
use crate::engine::Executor;
use crate::error::Result;
use crate::model::{Column, Model};
use crate::schema::Table;
use crate::value::{SqlType, Value};
use std::borrow::Cow;
use std::marker::PhantomData;

/// An UPDATE of table `M`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update<M> {
    stmt: UpdateAst,
    /// The table's definition, to check assigned values against their columns before sending.
    def: Cow<'static, Table>,
    _m: PhantomData<fn() -> M>,
}

impl<M> AsStatement for Update<M> {
    fn as_statement(&self) -> Result<Statement> {
        Ok(Statement::Update(self.checked(self.stmt.clone())?))
    }
}

super::write_clauses::write_clauses!(Update, update, "UPDATE", "an UPDATE", "updated");

impl<M> Update<M> {
    pub(crate) fn for_table(def: Cow<'static, Table>) -> Self {
        Update { stmt: UpdateAst { table: def.name.clone(), ..Default::default() }, def, _m: PhantomData }
    }
    /// Checks (and brings to their column's scale) every assigned value; see `Table::check_rows`.
    fn checked(&self, mut stmt: UpdateAst) -> Result<UpdateAst> {
        for (name, e) in &mut stmt.set {
            if let Expr::Value(v) = e {
                match self.def.get_column(name) {
                    Some(c) => c.check_value(v)?,
                    None => crate::schema_check::check_float(name, v)?,
                }
            }
            *e = crate::schema_check::fit_assignment(self.def.get_column(name), std::mem::replace(e, Expr::Value(Value::Null)));
        }
        Ok(stmt)
    }
    /// The AST.
    pub fn ast(&self) -> &UpdateAst {
        &self.stmt
    }
    /// `SET col = value`, typed by the column: a value, another column or an expression of the
    /// column's type (`Candle::VOLUME + dec!(1)`).
    pub fn set<T: SqlType>(mut self, col: Column<M, T>, value: impl Operand<T>) -> Self {
        self.stmt.set.push((Cow::Borrowed(col.name()), value.into_expr()));
        self
    }
    /// `SET name = value`, untyped (Core tables).
    pub fn set_value(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> Self {
        self.stmt.set.push((name.into(), Expr::Value(value.into())));
        self
    }
    /// Runs it; returns the rows affected.
    pub async fn execute<'e, E: Executor<'e>>(self, exec: E) -> Result<u64> {
        let stmt = self.checked(self.stmt.clone())?;
        Ok(exec.execute(&Statement::Update(stmt)).await?.rows_affected)
    }
}

impl<M: Model> Update<M> {
    /// `UPDATE … RETURNING` every column of the model: `.all(exec)` returns the updated rows as
    /// models (SQLite, PostgreSQL, Supabase; [`Error::Unsupported`](crate::Error::Unsupported)
    /// on MySQL and MariaDB before the statement is sent).
    pub fn returning(self) -> Returning<M> {
        self.returning_columns(M::COLUMNS.iter().copied())
    }
}
