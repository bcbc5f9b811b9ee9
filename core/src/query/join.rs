//! Joins on a [`Select`]: `Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID))`
//! decodes `(Order, Fill)` rows; `left_join` decodes `(Order, Option<Fill>)`. Core tables join
//! with [`Select::join_table`] and keep decoding [`Row`]s.
//!
//! Typed model columns name their table, so a joined select is qualified throughout: the select
//! list (`"orders"."id", …, "fills"."id", …`), the ON condition, and filters or orders added
//! before or after the join. An untyped `col("x")` added after the join stays unqualified (the
//! server resolves it, or refuses it as ambiguous); use `Col::of("fills", "x")` to name one.

use super::{Col, Select};
use crate::ast::{BinOp, Expr, Join, JoinKind, Select as SelectAst, SelectItem};
use crate::from_columns::FromColumns;
use crate::model::Model;
use crate::row::Row;
use crate::schema::Table;
use std::borrow::Cow;

/// Adds the join to `s`. Columns written before it meant the FROM table, the only one then:
/// they are qualified with it, so they keep that meaning beside the joined table's columns.
fn add_join(s: &mut SelectAst, kind: JoinKind, table: Cow<'static, str>, alias: Option<Cow<'static, str>>, on: Expr) {
    if s.joins.is_empty() {
        let own = s.table.clone();
        let mut qualify = |e: &mut Expr| {
            e.walk_mut(&mut |e| {
                if let Expr::Column(c) = e {
                    *e = Expr::QualifiedColumn { table: own.clone(), column: std::mem::take(c) };
                }
            })
        };
        s.columns.iter_mut().for_each(|i| qualify(&mut i.expr));
        s.filter.iter_mut().chain(&mut s.group_by).chain(&mut s.having).for_each(&mut qualify);
        s.order_by.iter_mut().for_each(|o| qualify(&mut o.expr));
    }
    s.joins.push(Join { kind, table, alias, on });
}

/// Appends `N`'s columns, qualified with `name` (its table or alias), to the select list.
fn add_columns<N: Model>(s: &mut SelectAst, name: Cow<'static, str>) {
    s.columns.extend(
        N::COLUMNS
            .iter()
            .map(|c| SelectItem { expr: Expr::QualifiedColumn { table: name.clone(), column: Cow::Borrowed(c) }, alias: None }),
    );
}

/// Joins the table of model `N` (under `alias`, if any) and selects its columns after the
/// current ones: the rows widen from `X` to `R`.
fn join_model<X, R, N: Model>(mut sel: Select<X>, kind: JoinKind, alias: Option<&'static str>, on: Expr) -> Select<R> {
    let name: Cow<'static, str> = Cow::Borrowed(alias.unwrap_or(N::TABLE));
    let s = sel.ast_mut();
    add_join(s, kind, Cow::Borrowed(N::TABLE), alias.map(Cow::Borrowed), on);
    add_columns::<N>(s, name);
    sel.retype(|_| ())
}

impl<M: Model + FromColumns> Select<M> {
    /// `INNER JOIN` the table of `N` `ON on`: one `(M, N)` per matching pair.
    ///
    /// ```text
    /// let rows: Vec<(Order, Fill)> =
    ///     Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).filter(Fill::QTY.gt(0)).order_by(Fill::ID).all(engine).await?;
    /// ```
    pub fn inner_join<N: Model + FromColumns>(self, on: Expr) -> Select<(M, N)> {
        join_model::<_, _, N>(self, JoinKind::Inner, None, on)
    }
    /// `LEFT JOIN` the table of `N` `ON on`: every `M`, with `None` where no `N` matches (an
    /// `N` is `None` when its primary key comes back NULL).
    pub fn left_join<N: Model + FromColumns>(self, on: Expr) -> Select<(M, Option<N>)> {
        join_model::<_, _, N>(self, JoinKind::Left, None, on)
    }
    /// [`inner_join`](Self::inner_join) of `N` under `alias` (`INNER JOIN "t" AS "alias"`), to
    /// join a table to itself; name its columns with [`Column::of_alias`](crate::model::Column::of_alias).
    pub fn inner_join_as<N: Model + FromColumns>(self, alias: &'static str, on: Expr) -> Select<(M, N)> {
        join_model::<_, _, N>(self, JoinKind::Inner, Some(alias), on)
    }
    /// [`left_join`](Self::left_join) of `N` under `alias`.
    pub fn left_join_as<N: Model + FromColumns>(self, alias: &'static str, on: Expr) -> Select<(M, Option<N>)> {
        join_model::<_, _, N>(self, JoinKind::Left, Some(alias), on)
    }
}

/// A third table: `(A, B)` rows of a first join widen to `(A, B, N)` (`(A, B, Option<N>)` for
/// a LEFT JOIN).
impl<A: FromColumns, B: FromColumns> Select<(A, B)> {
    /// `INNER JOIN` a third table: `(A, B, N)` rows.
    pub fn inner_join<N: Model + FromColumns>(self, on: Expr) -> Select<(A, B, N)> {
        join_model::<_, _, N>(self, JoinKind::Inner, None, on)
    }
    /// `LEFT JOIN` a third table: `(A, B, Option<N>)` rows.
    pub fn left_join<N: Model + FromColumns>(self, on: Expr) -> Select<(A, B, Option<N>)> {
        join_model::<_, _, N>(self, JoinKind::Left, None, on)
    }
    /// [`inner_join`](Self::inner_join) under `alias`.
    pub fn inner_join_as<N: Model + FromColumns>(self, alias: &'static str, on: Expr) -> Select<(A, B, N)> {
        join_model::<_, _, N>(self, JoinKind::Inner, Some(alias), on)
    }
    /// [`left_join`](Self::left_join) under `alias`.
    pub fn left_join_as<N: Model + FromColumns>(self, alias: &'static str, on: Expr) -> Select<(A, B, Option<N>)> {
        join_model::<_, _, N>(self, JoinKind::Left, Some(alias), on)
    }
}

impl Select<Row> {
    /// `INNER JOIN` or `LEFT JOIN` a Core [`Table`] `ON on`; rows stay [`Row`]s. With no select
    /// list the rows hold every column of every table (`*`, names may repeat): name the ones
    /// you want with [`Select::columns`] and `Col::of("table", "column")`.
    pub fn join_table(mut self, kind: JoinKind, table: &Table, on: Expr) -> Self {
        add_join(self.ast_mut(), kind, table.name.clone(), None, on);
        self
    }
}

impl Col {
    /// `self = other`, two columns (a join's ON between Core tables).
    pub fn eq_col(&self, other: &Col) -> Expr {
        self.expr().binary(BinOp::Eq, other.expr())
    }
}
