//! [`Select`]: a SELECT that decodes into `M` (a model, or [`Row`]).

use super::AsStatement;
use crate::ast::{Expr, OrderBy, Select as SelectAst, SelectItem, SelectKind, Statement};
use crate::engine::Executor;
use crate::error::{Error, Result};
use crate::model::{FromRow, Model, RowCache};
use crate::row::{get_at, Row, RowAccess};
use futures_core::stream::BoxStream;
use futures_util::StreamExt;
use std::borrow::Cow;
use std::marker::PhantomData;

/// A SELECT decoding into `M`. Run it with `.all`, `.one`, `.first`, `.count`, `.exists` or `.stream`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select<M> {
    stmt: SelectAst,
    /// Why this select cannot run (e.g. `get_by_key` with the wrong arity); reported before I/O.
    refused: Option<String>,
    _m: PhantomData<fn() -> M>,
}

impl<M> AsStatement for Select<M> {
    fn as_statement(&self) -> Result<Statement> {
        self.check()?;
        Ok(Statement::Select(self.stmt.clone()))
    }
}

impl<M> Select<M> {
    /// Makes every way of running or compiling this select fail with `reason`.
    pub(crate) fn refuse(mut self, reason: String) -> Self {
        self.refused = Some(reason);
        self
    }
    /// The AST, to change (joins, locks).
    pub(super) fn ast_mut(&mut self) -> &mut SelectAst {
        &mut self.stmt
    }
    /// The same statement decoding into `N`, after `edit` (projections change the select list).
    pub(crate) fn retype<N>(self, edit: impl FnOnce(&mut SelectAst)) -> Select<N> {
        let mut stmt = self.stmt;
        edit(&mut stmt);
        Select { stmt, refused: self.refused, _m: PhantomData }
    }
    /// GROUP BY (columns or expressions, added after earlier ones).
    pub fn group_by<E: Into<Expr>>(mut self, exprs: impl IntoIterator<Item = E>) -> Self {
        self.stmt.group_by.extend(exprs.into_iter().map(Into::into));
        self
    }
    /// HAVING (ANDed with an earlier one), e.g. `Candle::CLOSE.max().gt(dec!(100))`.
    pub fn having(mut self, cond: Expr) -> Self {
        self.stmt.having = Some(Expr::and_onto(self.stmt.having.take(), cond));
        self
    }
    fn check(&self) -> Result<()> {
        match &self.refused {
            Some(reason) => Err(Error::InvalidQuery(reason.clone())),
            None => Ok(()),
        }
    }
}

impl<M: Model> Select<M> {
    pub(crate) fn from_model() -> Self {
        let columns = M::COLUMNS.iter().map(|c| SelectItem { expr: Expr::column(*c), alias: None }).collect();
        Select { stmt: SelectAst { table: Cow::Borrowed(M::TABLE), columns, ..Default::default() }, refused: None, _m: PhantomData }
    }
}

impl Select<Row> {
    pub(crate) fn from_table(table: Cow<'static, str>) -> Self {
        Select { stmt: SelectAst { table, ..Default::default() }, refused: None, _m: PhantomData }
    }
    /// Sets the select list (expressions, optionally aliased with [`Select::column_as`]).
    pub fn columns<E: Into<Expr>>(mut self, exprs: impl IntoIterator<Item = E>) -> Self {
        self.stmt.columns = exprs.into_iter().map(|e| SelectItem { expr: e.into(), alias: None }).collect();
        self
    }
    /// Adds `expr AS alias` to the select list.
    pub fn column_as(mut self, expr: impl Into<Expr>, alias: impl Into<Cow<'static, str>>) -> Self {
        self.stmt.columns.push(SelectItem { expr: expr.into(), alias: Some(alias.into()) });
        self
    }
}

impl<M: FromRow> Select<M> {
    /// The AST.
    pub fn ast(&self) -> &SelectAst {
        &self.stmt
    }
    /// Adds a WHERE condition (ANDed with earlier ones).
    pub fn filter(mut self, cond: Expr) -> Self {
        self.stmt.filter = Some(Expr::and_onto(self.stmt.filter.take(), cond));
        self
    }
    /// Adds an ORDER BY term.
    pub fn order_by(mut self, order: impl Into<OrderBy>) -> Self {
        self.stmt.order_by.push(order.into());
        self
    }
    /// LIMIT.
    pub fn limit(mut self, n: u64) -> Self {
        self.stmt.limit = Some(n);
        self
    }
    /// OFFSET.
    pub fn offset(mut self, n: u64) -> Self {
        self.stmt.offset = Some(n);
        self
    }
    /// SELECT DISTINCT.
    pub fn distinct(mut self) -> Self {
        self.stmt.distinct = true;
        self
    }

    /// Every row.
    pub async fn all<'e, E: Executor<'e>>(self, exec: E) -> Result<Vec<M>> {
        self.check()?;
        let mut out = Vec::with_capacity(self.stmt.limit.unwrap_or(0).min(1024) as usize);
        let mut cache = RowCache::default();
        let stmt = Statement::Select(self.stmt);
        exec.fetch(&stmt, &mut |row: &dyn RowAccess| {
            out.push(M::from_row(row, &mut cache)?);
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Exactly one row: [`Error::NotFound`] for none, [`Error::MultipleRows`] for more. On SQL
    /// dialects it adds no LIMIT, like SQLAlchemy's `.one()` (a bound `LIMIT ?` costs the server
    /// more than the point lookup it guards) and stops reading at the second row; REST dialects
    /// ask for two rows (see [`crate::Capabilities::one_fetches_two`]).
    pub async fn one<'e, E: Executor<'e>>(mut self, exec: E) -> Result<M> {
        self.check()?;
        if exec.capabilities().one_fetches_two && self.stmt.limit.is_none_or(|l| l > 2) {
            self.stmt.limit = Some(2);
        }
        let mut found: Option<M> = None;
        let mut cache = RowCache::default();
        exec.fetch(&Statement::Select(self.stmt), &mut |row: &dyn RowAccess| {
            if found.is_some() {
                return Err(Error::MultipleRows);
            }
            found = Some(M::from_row(row, &mut cache)?);
            Ok(())
        })
        .await?;
        found.ok_or(Error::NotFound)
    }

    /// The first row, if any (adds LIMIT 1).
    pub async fn first<'e, E: Executor<'e>>(mut self, exec: E) -> Result<Option<M>> {
        self.stmt.limit = Some(1);
        Ok(self.all(exec).await?.pop())
    }

    /// The number of rows the query returns: LIMIT, OFFSET, DISTINCT, GROUP BY and HAVING count
    /// (`SELECT COUNT(*) FROM (…)` where needed).
    pub async fn count<'e, E: Executor<'e>>(mut self, exec: E) -> Result<u64> {
        self.check()?;
        self.stmt.kind = SelectKind::Count;
        self.stmt.order_by.clear();
        let mut n = None;
        exec.fetch(&Statement::Select(self.stmt), &mut |row: &dyn RowAccess| {
            n = Some(get_at::<i64>(row, 0)?);
            Ok(())
        })
        .await?;
        let n = n.ok_or_else(|| Error::decode("count", "the server returned no count"))?;
        u64::try_from(n).map_err(|_| Error::decode("count", "negative count"))
    }

    /// Whether the query returns any row (LIMIT, OFFSET, DISTINCT, GROUP BY and HAVING count).
    pub async fn exists<'e, E: Executor<'e>>(mut self, exec: E) -> Result<bool> {
        self.check()?;
        self.stmt.kind = SelectKind::Exists;
        self.stmt.order_by.clear();
        let mut found = false;
        exec.fetch(&Statement::Select(self.stmt), &mut |row: &dyn RowAccess| {
            found = get_at::<bool>(row, 0)?;
            Ok(())
        })
        .await?;
        Ok(found)
    }

    /// Rows as the server sends them, decoded one by one (bounded memory).
    pub fn stream<'e, E: Executor<'e>>(self, exec: E) -> BoxStream<'e, Result<M>> {
        if let Err(e) = self.check() {
            return Box::pin(futures_util::stream::once(async move { Err(e) }));
        }
        let mut cache = RowCache::default();
        Box::pin(exec.stream(Statement::Select(self.stmt)).map(move |r| r.and_then(|row| M::from_row(&row, &mut cache))))
    }
}
