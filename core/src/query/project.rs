//! Projections: `Candle::select().columns((Candle::TS, Candle::CLOSE))` selects a subset of
//! columns or typed expressions and decodes each row into the matching Rust tuple, checked at
//! compile time. A one-item projection decodes into the bare value (`.all()` gives `Vec<T>`,
//! `.one()` a `T`), so there is no separate `scalar()` to learn.

use super::select::Select;
use super::typed::TypedExpr;
use crate::ast::SelectItem;
use crate::error::Result;
use crate::from_columns::{check_width, FromColumns};
use crate::model::{Column, FromRow, Model, RowCache};
use crate::row::{get_at, RowAccess};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::borrow::Cow;
use uuid::Uuid;

/// What a projection of model `M` may list: its columns (`Column<M, T>` yields `T`), typed
/// expressions (aggregates, labelled ones) and tuples of these (up to 12, nesting allowed).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected from `{M}`",
    label = "expected columns of `{M}`, typed expressions, or a tuple of them",
    note = "list columns of the queried model (`Candle::CLOSE`) or typed expressions (`Candle::CLOSE.max()`)"
)]
pub trait Selectable<M> {
    /// The Rust type one row decodes into.
    type Out: FromColumns + FromRow;
    /// Appends the select-list items, in order.
    fn push_items(self, items: &mut Vec<SelectItem>);
}

impl<M, T: FromColumns + FromRow> Selectable<M> for Column<M, T> {
    type Out = T;
    fn push_items(self, items: &mut Vec<SelectItem>) {
        items.push(SelectItem { expr: self.expr(), alias: None });
    }
}
impl<M, T: FromColumns + FromRow> Selectable<M> for TypedExpr<T> {
    type Out = T;
    fn push_items(self, items: &mut Vec<SelectItem>) {
        items.push(SelectItem { expr: self.into_inner(), alias: None });
    }
}

/// A typed expression with a name in the result (`expr AS "label"`), made by
/// [`TypedExpr::label`] or [`Column::label`]; a `#[derive(FromRow)]` struct matches it by name.
pub struct Labeled<T> {
    expr: TypedExpr<T>,
    label: Cow<'static, str>,
}

impl<T> std::fmt::Debug for Labeled<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} AS {:?}", self.expr, self.label)
    }
}
impl<T> Clone for Labeled<T> {
    fn clone(&self) -> Self {
        Labeled { expr: self.expr.clone(), label: self.label.clone() }
    }
}

impl<M, T: FromColumns + FromRow> Selectable<M> for Labeled<T> {
    type Out = T;
    fn push_items(self, items: &mut Vec<SelectItem>) {
        items.push(SelectItem { expr: self.expr.into_inner(), alias: Some(self.label) });
    }
}

impl<T> TypedExpr<T> {
    /// `expr AS "label"` in a projection.
    pub fn label(self, label: impl Into<Cow<'static, str>>) -> Labeled<T> {
        Labeled { expr: self, label: label.into() }
    }
}
impl<M, T> Column<M, T> {
    /// `col AS "label"` in a projection.
    pub fn label(self, label: impl Into<Cow<'static, str>>) -> Labeled<T> {
        self.typed().label(label)
    }
}

macro_rules! tuple {
    ($($name:ident),+) => {
        impl<Mdl, $($name: Selectable<Mdl>),+> Selectable<Mdl> for ($($name,)+) {
            type Out = ($($name::Out,)+);
            #[allow(non_snake_case)]
            fn push_items(self, items: &mut Vec<SelectItem>) {
                let ($($name,)+) = self;
                $($name.push_items(items);)+
            }
        }
    };
}
crate::from_columns::with_tuples!(tuple);

// A one-column projection decodes into the bare value.
macro_rules! scalar_row {
    ($($t:ty),*) => {$(
        impl FromRow for $t {
            fn from_row(row: &dyn RowAccess, _cache: &mut RowCache) -> Result<Self> {
                check_width(row, 1, "value")?;
                get_at(row, 0)
            }
        }
        impl FromRow for Option<$t> {
            fn from_row(row: &dyn RowAccess, _cache: &mut RowCache) -> Result<Self> {
                check_width(row, 1, "value")?;
                get_at(row, 0)
            }
        }
    )*};
}
crate::value::with_sql_types!(scalar_row);

impl<M: Model> Select<M> {
    /// Selects `items` instead of the model's columns: a column, a typed expression, or a tuple
    /// of them; rows decode into the matching Rust type (`(NaiveDateTime, Decimal)` for
    /// `(Candle::TS, Candle::CLOSE)`, a bare `Decimal` for `Candle::CLOSE`). WHERE, ORDER BY,
    /// LIMIT, DISTINCT, GROUP BY and HAVING set before or after are kept.
    ///
    /// For example `Candle::select().columns((Candle::SYMBOL, Candle::CLOSE.max())).group_by([Candle::SYMBOL])`
    /// runs into `Vec<(String, Option<Decimal>)>` (see the README's "Projections and aggregates").
    pub fn columns<S: Selectable<M>>(self, items: S) -> Select<S::Out> {
        let mut list = Vec::new();
        items.push_items(&mut list);
        self.retype(|s| s.columns = list)
    }
}

impl<M> Select<M> {
    /// Decodes the rows into `R` instead, typically a `#[derive(FromRow)]` struct whose fields
    /// are matched to the result's column names (labels) once per result.
    pub fn decode_as<R: FromRow>(self) -> Select<R> {
        self.retype(|_| ())
    }
}
