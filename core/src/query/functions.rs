//! Typed SQL functions, CASE, CAST, subqueries and `excluded`, each with one meaning on every
//! SQL dialect that compiles it (Supabase refuses them all with
//! [`Error::Unsupported`](crate::Error::Unsupported)).

use super::expr_ops::{Numeric, TextType, Timestamp};
use super::operand::Operand;
use super::select::Select;
use super::typed::TypedExpr;
use crate::ast::{CastType, Expr, ScalarFunc};
use crate::model::{Column, FromRow};
use crate::value::{FromValue, SqlType, ValueKind};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

fn func<T: FromValue>(func: ScalarFunc, args: Vec<Expr>) -> TypedExpr<T> {
    TypedExpr::new(Expr::Func { func, kind: T::KIND, args })
}

/// `COALESCE(value, fallback)`: `value` unless it is NULL, else `fallback` (of the non-nullable
/// type, so the result is never NULL).
pub fn coalesce<T: SqlType>(value: impl Into<TypedExpr<Option<T>>>, fallback: impl Operand<T>) -> TypedExpr<T> {
    func(ScalarFunc::Coalesce, vec![value.into().into_inner(), fallback.into_expr()])
}

/// `LOWER(text)`: Unicode simple case mapping on every dialect (SQLite's ASCII-only one is replaced).
pub fn lower<T: TextType>(text: impl Into<TypedExpr<T>>) -> TypedExpr<T> {
    func(ScalarFunc::Lower, vec![text.into().into_inner()])
}

/// `UPPER(text)`: Unicode simple case mapping on every dialect (`ß` stays `ß`).
pub fn upper<T: TextType>(text: impl Into<TypedExpr<T>>) -> TypedExpr<T> {
    func(ScalarFunc::Upper, vec![text.into().into_inner()])
}

/// The length of a text in characters, not bytes (`CHAR_LENGTH`; SQLite's `length`).
pub fn length<T: TextType>(text: impl Into<TypedExpr<T>>) -> TypedExpr<T::Length> {
    func(ScalarFunc::Length, vec![text.into().into_inner()])
}

/// The time the statement started, in UTC: a `DateTime<Utc>`, the type whose meaning does not
/// depend on a session time zone (PostgreSQL `statement_timestamp()`, MySQL `UTC_TIMESTAMP(6)`,
/// SQLite the same instant as the text it stores `DateTime<Utc>` values in).
pub fn now() -> TypedExpr<Timestamp> {
    func(ScalarFunc::Now, vec![])
}

/// `ABS(number)`; the absolute value of the smallest `i64` is an overflow error everywhere.
pub fn abs<T: Numeric>(number: impl Into<TypedExpr<T>>) -> TypedExpr<T> {
    func(ScalarFunc::Abs, vec![number.into().into_inner()])
}

/// `CASE WHEN cond THEN value …` yielding `T` (name it: `case_when::<String>(..)`): add branches
/// with [`CaseWhen::when`], finish with
/// [`CaseWhen::otherwise`]. Conditions are tried in order; a NULL condition is not true.
pub fn case_when<T>(cond: Expr, then: impl Operand<T>) -> CaseWhen<T> {
    CaseWhen { whens: vec![(cond, then.into_expr())], _t: std::marker::PhantomData }
}

/// A CASE being built; see [`case_when`].
#[derive(Debug, Clone)]
pub struct CaseWhen<T> {
    whens: Vec<(Expr, Expr)>,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T: FromValue> CaseWhen<T> {
    /// Another `WHEN cond THEN value`.
    pub fn when(mut self, cond: Expr, then: impl Operand<T>) -> Self {
        self.whens.push((cond, then.into_expr()));
        self
    }
    /// `ELSE value END`: the value when no condition holds.
    pub fn otherwise(self, value: impl Operand<T>) -> TypedExpr<T> {
        TypedExpr::new(Expr::Case { kind: T::KIND, whens: self.whens, otherwise: Some(Box::new(value.into_expr())) })
    }
}

/// `T` can be cast to `U` with the same result on every dialect: integers to `i64`, `f64`,
/// `String`; `Decimal` to `f64`, `String`; a `NaiveDateTime` to its `NaiveDate` (and the
/// `Option`s of these). Others (a float to an integer rounds differently, text to a number fails
/// differently) do not compile. Integers to `Decimal`: [`cast_decimal`].
#[diagnostic::on_unimplemented(message = "casting `{Self}` to `{U}` has no single meaning across the dialects")]
pub trait CastInto<U> {
    /// The target type.
    const TO: CastType;
}

macro_rules! casts {
    ($($from:ty => $to:ty : $ct:expr),* $(,)?) => {$(
        impl CastInto<$to> for $from {
            const TO: CastType = $ct;
        }
        impl CastInto<Option<$to>> for Option<$from> {
            const TO: CastType = $ct;
        }
    )*};
}
casts!(
    i8 => i64: CastType::BigInt, i16 => i64: CastType::BigInt, i32 => i64: CastType::BigInt, i64 => i64: CastType::BigInt,
    i8 => f64: CastType::Double, i16 => f64: CastType::Double, i32 => f64: CastType::Double, i64 => f64: CastType::Double,
    i8 => String: CastType::Text, i16 => String: CastType::Text, i32 => String: CastType::Text, i64 => String: CastType::Text,
    Decimal => f64: CastType::Double, Decimal => String: CastType::Text,
    NaiveDateTime => NaiveDate: CastType::Date,
);

/// Something a cast takes: a typed column or expression of `T`.
pub trait CastSource<U> {
    /// `CAST(self AS U)`.
    fn cast_expr(self) -> Expr;
}
impl<M, T: FromValue + CastInto<U>, U> CastSource<U> for Column<M, T> {
    fn cast_expr(self) -> Expr {
        self.typed().cast_expr()
    }
}
impl<T: FromValue + CastInto<U>, U> CastSource<U> for TypedExpr<T> {
    fn cast_expr(self) -> Expr {
        Expr::Cast { from: T::KIND, to: T::TO, expr: Box::new(self.into_inner()) }
    }
}

/// `CAST(expr AS U)`: `cast::<f64>(Candle::VOLUME)`. Only conversions with one meaning on every
/// dialect compile (see [`CastInto`]).
pub fn cast<U>(expr: impl CastSource<U>) -> TypedExpr<U> {
    TypedExpr::new(expr.cast_expr())
}

/// `CAST(integer AS DECIMAL(precision, scale))`. `precision - scale` must leave room for every
/// `i64` (19 digits), so no dialect clamps or fails on a large value; others are refused when
/// compiled. On SQLite the result is the exact text at the scale, as a Decimal column stores it.
pub fn cast_decimal<T>(expr: impl Into<TypedExpr<T>>, precision: u8, scale: u8) -> TypedExpr<Decimal>
where
    T: CastInto<i64> + FromValue,
{
    TypedExpr::new(Expr::Cast { from: ValueKind::I64, to: CastType::Decimal(precision, scale), expr: Box::new(expr.into().into_inner()) })
}

/// `EXISTS (SELECT …)`: the subquery returns a row. Its columns are its own table's; name an
/// outer one with a qualified column.
pub fn exists<M: FromRow>(query: &Select<M>) -> Expr {
    Expr::Exists(Box::new(query.ast().clone()))
}

/// `(SELECT …)` as a value: the subquery must return at most one row of one column (none: NULL).
/// The caller vouches for `T` (usually an `Option`, for the empty case).
pub fn scalar_subquery<T: FromValue, M: FromRow>(query: &Select<M>) -> TypedExpr<T> {
    let sub = Expr::Subquery(Box::new(query.ast().clone()));
    if T::KIND != ValueKind::Decimal {
        return TypedExpr::new(sub);
    }
    // A typed Decimal expression, so that SQLite compares it by value (a subquery's result
    // carries no collation there): `CASE WHEN (SELECT …) IS NOT NULL THEN (SELECT …) END`.
    TypedExpr::new(Expr::Case { kind: ValueKind::Decimal, whens: vec![(Expr::IsNotNull(Box::new(sub.clone())), sub)], otherwise: None })
}

/// In an ON CONFLICT update ([`InsertOne::on_conflict_set`](super::InsertOne::on_conflict_set)):
/// the value the INSERT proposed for `col` (`excluded.col`, MySQL `VALUES(col)`); the plain column
/// is the existing row's value.
pub fn excluded<M, T>(col: Column<M, T>) -> TypedExpr<T> {
    TypedExpr::new(Expr::Excluded(std::borrow::Cow::Borrowed(col.name())))
}

impl<T> TypedExpr<T> {
    /// `self IN (SELECT …)`: the subquery should return one column of `T`.
    pub fn in_subquery<M: FromRow>(self, query: &Select<M>) -> Expr {
        Expr::InSubquery { expr: Box::new(self.into_inner()), query: Box::new(query.ast().clone()), negated: false }
    }
    /// `self NOT IN (SELECT …)`: as in SQL, a NULL among the subquery's values makes it match nothing.
    pub fn not_in_subquery<M: FromRow>(self, query: &Select<M>) -> Expr {
        Expr::InSubquery { expr: Box::new(self.into_inner()), query: Box::new(query.ast().clone()), negated: true }
    }
    /// `CAST(self AS U)`; see [`cast`].
    pub fn cast<U>(self) -> TypedExpr<U>
    where
        Self: CastSource<U>,
    {
        cast(self)
    }
}

impl<M, T> Column<M, T> {
    /// `col IN (SELECT …)`; see [`TypedExpr::in_subquery`].
    pub fn in_subquery<N: FromRow>(self, query: &Select<N>) -> Expr {
        self.typed().in_subquery(query)
    }
    /// `col NOT IN (SELECT …)`; see [`TypedExpr::not_in_subquery`].
    pub fn not_in_subquery<N: FromRow>(self, query: &Select<N>) -> Expr {
        self.typed().not_in_subquery(query)
    }
}
