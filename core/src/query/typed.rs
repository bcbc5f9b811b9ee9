//! [`TypedExpr`]: an expression that knows the Rust type it yields, so comparisons, assignments
//! and projections with it are checked at compile time.

use super::operand::{Literal, Operand};
use crate::ast::{BinOp, Expr, OrderBy};
use crate::model::Column;
use crate::value::SqlType;
use std::marker::PhantomData;

/// An expression yielding values of type `T` (`Option<T>` where it may be NULL), like
/// SQLAlchemy's `ColumnElement[T]`. Columns convert into it; arithmetic, functions, casts and
/// aggregates build it.
pub struct TypedExpr<T> {
    expr: Expr,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for TypedExpr<T> {
    fn clone(&self) -> Self {
        TypedExpr::new(self.expr.clone())
    }
}
impl<T> std::fmt::Debug for TypedExpr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TypedExpr<{}>({:?})", std::any::type_name::<T>(), self.expr)
    }
}
impl<T> PartialEq for TypedExpr<T> {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
    }
}

impl<T> TypedExpr<T> {
    /// Asserts that `expr` yields `T`. The caller vouches for the type (a cast does this in SQL).
    pub fn new(expr: Expr) -> Self {
        TypedExpr { expr, _t: PhantomData }
    }
    /// The untyped expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }
    /// The untyped expression, by value.
    pub fn into_inner(self) -> Expr {
        self.expr
    }
    fn cmp(self, op: BinOp, other: Expr) -> Expr {
        self.expr.binary(op, other)
    }
    /// `self = other` (`IS NULL` when `other` is a NULL value).
    pub fn eq(self, other: impl Operand<T>) -> Expr {
        self.cmp(BinOp::Eq, other.into_expr())
    }
    /// `self <> other` (`IS NOT NULL` when `other` is a NULL value).
    pub fn ne(self, other: impl Operand<T>) -> Expr {
        self.cmp(BinOp::Ne, other.into_expr())
    }
    /// `self < other`.
    pub fn lt(self, other: impl Operand<T>) -> Expr {
        self.cmp(BinOp::Lt, other.into_expr())
    }
    /// `self <= other`.
    pub fn le(self, other: impl Operand<T>) -> Expr {
        self.cmp(BinOp::Le, other.into_expr())
    }
    /// `self > other`.
    pub fn gt(self, other: impl Operand<T>) -> Expr {
        self.cmp(BinOp::Gt, other.into_expr())
    }
    /// `self >= other`.
    pub fn ge(self, other: impl Operand<T>) -> Expr {
        self.cmp(BinOp::Ge, other.into_expr())
    }
    /// `self BETWEEN low AND high`.
    pub fn between(self, low: impl Operand<T>, high: impl Operand<T>) -> Expr {
        Expr::Between { expr: Box::new(self.expr), low: Box::new(low.into_expr()), high: Box::new(high.into_expr()) }
    }
    /// `self IN (…)`; an empty list matches nothing.
    pub fn in_list<V: Literal<T>>(self, values: impl IntoIterator<Item = V>) -> Expr {
        Expr::InList { expr: Box::new(self.expr), list: values.into_iter().map(Literal::into_value).collect(), negated: false }
    }
    /// `self NOT IN (…)`; an empty list matches everything.
    pub fn not_in_list<V: Literal<T>>(self, values: impl IntoIterator<Item = V>) -> Expr {
        Expr::InList { expr: Box::new(self.expr), list: values.into_iter().map(Literal::into_value).collect(), negated: true }
    }
    /// `self IS NULL`.
    pub fn is_null(self) -> Expr {
        Expr::IsNull(Box::new(self.expr))
    }
    /// `self IS NOT NULL`.
    pub fn is_not_null(self) -> Expr {
        Expr::IsNotNull(Box::new(self.expr))
    }
}

impl<T: SqlType> TypedExpr<T> {
    /// Ascending order; NULLs first on every dialect when `T` is an `Option`.
    pub fn asc(self) -> OrderBy {
        let o = self.expr.asc();
        if T::NULLABLE {
            o.nulls_first()
        } else {
            o
        }
    }
    /// Descending order; NULLs last on every dialect when `T` is an `Option`.
    pub fn desc(self) -> OrderBy {
        let o = self.expr.desc();
        if T::NULLABLE {
            o.nulls_last()
        } else {
            o
        }
    }
}

impl<T> From<TypedExpr<T>> for Expr {
    fn from(e: TypedExpr<T>) -> Expr {
        e.expr
    }
}
impl<M, T> From<Column<M, T>> for TypedExpr<T> {
    fn from(c: Column<M, T>) -> TypedExpr<T> {
        TypedExpr::new(c.expr())
    }
}
