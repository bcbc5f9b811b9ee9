//! Typed aggregates: `Candle::CLOSE.max()` is a `TypedExpr<Option<Decimal>>`, so projections
//! decode it as that type and HAVING compares it only with Decimals.
//!
//! Result types, the same on every dialect:
//! - `count_star()`, `count(col)`, `count_distinct(col)`: `i64`.
//! - `sum`: `Option<Decimal>` for Decimal columns (exact everywhere; SQLite sums the stored
//!   decimal text exactly), `Option<i64>` for integer columns: SQLite's SUM fails with "integer
//!   overflow" past `i64`, so `i64` is the range every dialect can deliver; the `NUMERIC`/`DECIMAL`
//!   that PostgreSQL and MySQL return is range-checked on decode, so an overflow is an error
//!   everywhere, never a wrapped value. `Option<f64>` for float columns.
//! - `avg`: `Option<f64>` for every numeric column. The exact AVG of a Decimal differs between
//!   dialects in its scale (MySQL keeps 4 more digits, PostgreSQL at least 16 significant ones,
//!   SQLite computes in floating point), so no exact answer agrees; a double does, to rounding.
//! - `min`/`max`: `Option<T>` (NULL for no rows), for ordered types (not bool, bytes, JSON or UUID,
//!   which some dialects cannot order).

use super::typed::TypedExpr;
use crate::ast::{AggFunc, Expr};
use crate::model::Column;
use crate::value::{FromValue, ValueKind};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;

/// `COUNT(*)`: the number of rows (of each group).
pub fn count_star() -> TypedExpr<i64> {
    TypedExpr::new(Expr::Agg { func: AggFunc::Count, arg: None, kind: ValueKind::Any })
}

/// `func(e)` over an argument of `kind`.
fn agg<T>(func: AggFunc, e: Expr, kind: ValueKind) -> TypedExpr<T> {
    TypedExpr::new(Expr::Agg { func, arg: Some(Box::new(e)), kind })
}

/// Column types SUM accepts, and what their sum decodes as.
#[diagnostic::on_unimplemented(
    message = "SUM is not defined for `{Self}` columns",
    label = "only integer, float and Decimal columns can be summed",
    note = "sum an integer, f32/f64 or Decimal column (or an Option of one)"
)]
pub trait Summable {
    /// The sum's type (`Option`: NULL for no rows).
    type Sum;
}

/// Column types AVG accepts (every numeric type; the average is a `f64`).
#[diagnostic::on_unimplemented(
    message = "AVG is not defined for `{Self}` columns",
    label = "only integer, float and Decimal columns can be averaged"
)]
pub trait Averageable {}

/// Column types MIN and MAX accept (ordered the same way on every dialect), and their result.
#[diagnostic::on_unimplemented(
    message = "MIN/MAX is not defined for `{Self}` columns",
    label = "only numbers, text, dates and times have an order every dialect shares"
)]
pub trait Ordered {
    /// `Option<T>` for `T` and for `Option<T>`.
    type Extreme;
    /// The kind of `T`: SQLite compares MIN/MAX of a Decimal by value, of text as text.
    const KIND: ValueKind;
}

macro_rules! numeric {
    ($sum:ty: $($t:ty),*) => {$(
        impl Summable for $t { type Sum = Option<$sum>; }
        impl Summable for Option<$t> { type Sum = Option<$sum>; }
        impl Averageable for $t {}
        impl Averageable for Option<$t> {}
    )*};
}
numeric!(i64: i8, i16, i32, i64, u8, u16, u32);
numeric!(f64: f32, f64);
numeric!(Decimal: Decimal);

macro_rules! ordered {
    ($($t:ty),*) => {$(
        impl Ordered for $t { type Extreme = Option<$t>; const KIND: ValueKind = <$t as FromValue>::KIND; }
        impl Ordered for Option<$t> { type Extreme = Option<$t>; const KIND: ValueKind = <$t as FromValue>::KIND; }
    )*};
}
ordered!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, Decimal, String, NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>);

impl<T> TypedExpr<T> {
    /// `COUNT(expr)`: the non-NULL values.
    pub fn count(self) -> TypedExpr<i64> {
        agg(AggFunc::Count, self.into_inner(), ValueKind::Any)
    }
    /// `COUNT(DISTINCT expr)`.
    pub fn count_distinct(self) -> TypedExpr<i64> {
        agg(AggFunc::CountDistinct, self.into_inner(), ValueKind::Any)
    }
    /// `SUM(expr)` (see the [module docs](self) for its type).
    pub fn sum(self) -> TypedExpr<T::Sum>
    where
        T: Summable,
    {
        agg(AggFunc::Sum, self.into_inner(), ValueKind::Any)
    }
    /// `AVG(expr)` as a `f64` on every dialect.
    pub fn avg(self) -> TypedExpr<Option<f64>>
    where
        T: Averageable,
    {
        agg(AggFunc::Avg, self.into_inner(), ValueKind::Any)
    }
    /// `MIN(expr)`.
    pub fn min(self) -> TypedExpr<T::Extreme>
    where
        T: Ordered,
    {
        agg(AggFunc::Min, self.into_inner(), T::KIND)
    }
    /// `MAX(expr)`.
    pub fn max(self) -> TypedExpr<T::Extreme>
    where
        T: Ordered,
    {
        agg(AggFunc::Max, self.into_inner(), T::KIND)
    }
}

impl<M, T> Column<M, T> {
    /// `COUNT(col)`: the non-NULL values.
    pub fn count(self) -> TypedExpr<i64> {
        self.typed().count()
    }
    /// `COUNT(DISTINCT col)`.
    pub fn count_distinct(self) -> TypedExpr<i64> {
        self.typed().count_distinct()
    }
    /// `SUM(col)`: `Option<Decimal>` for Decimal, `Option<i64>` for integer, `Option<f64>` for
    /// float columns (see [`crate::query::aggregate`]).
    pub fn sum(self) -> TypedExpr<T::Sum>
    where
        T: Summable,
    {
        self.typed().sum()
    }
    /// `AVG(col)` as a `f64` on every dialect.
    pub fn avg(self) -> TypedExpr<Option<f64>>
    where
        T: Averageable,
    {
        self.typed().avg()
    }
    /// `MIN(col)`.
    pub fn min(self) -> TypedExpr<T::Extreme>
    where
        T: Ordered,
    {
        self.typed().min()
    }
    /// `MAX(col)`.
    pub fn max(self) -> TypedExpr<T::Extreme>
    where
        T: Ordered,
    {
        self.typed().max()
    }
}
