//! [`Operand`] and [`Literal`]: what a `Column<_, T>` (or a [`TypedExpr<T>`]) accepts on the
//! other side of a comparison or an assignment.

use super::typed::TypedExpr;
use crate::ast::Expr;
use crate::model::Column;
use crate::value::{SqlType, Value};
// The type names `with_sql_types!` passes to the macros above.
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// Something that may stand beside a column of type `T`: a value of `T`, another column of `T`
/// or a typed expression of `T`. A mismatch (a Decimal column against an i64 column) does not
/// compile; cast one side first.
#[diagnostic::on_unimplemented(
    message = "a `Column<_, {T}>` only takes values, columns or expressions of type `{T}`, not `{Self}`",
    label = "expected `{T}` here",
    note = "convert the value first, e.g. `Decimal::from_str(..)` or `dec!(..)` for a Decimal column, or cast the other column"
)]
pub trait Operand<T> {
    /// The operand as an expression (a bound value for values).
    fn into_expr(self) -> Expr;
}

/// A plain value for a column of type `T` (what `IN (…)` lists hold).
#[diagnostic::on_unimplemented(
    message = "a `Column<_, {T}>` list only takes values of type `{T}`, not `{Self}`",
    label = "expected `{T}` here"
)]
pub trait Literal<T>: Operand<T> {
    /// The value to bind.
    fn into_value(self) -> Value;
}

macro_rules! literal {
    ($t:ty => $target:ty, |$v:ident| $conv:expr) => {
        impl Operand<$target> for $t {
            fn into_expr(self) -> Expr {
                Expr::Value(Literal::<$target>::into_value(self))
            }
        }
        impl Literal<$target> for $t {
            fn into_value(self) -> Value {
                let $v = self;
                $conv
            }
        }
    };
}

macro_rules! same_type {
    ($($t:ty),*) => {$(
        literal!($t => $t, |v| v.into());
        literal!(&$t => $t, |v| v.clone().into());
        literal!($t => Option<$t>, |v| v.into());
        literal!(Option<$t> => Option<$t>, |v| v.into());
    )*};
}
crate::value::with_sql_types!(same_type);

literal!(&str => String, |v| Value::String(v.to_owned()));
literal!(&str => Option<String>, |v| Value::String(v.to_owned()));
literal!(Option<&str> => Option<String>, |v| v.map(|s| Value::String(s.to_owned())).unwrap_or(Value::Null));
literal!(&[u8] => Vec<u8>, |v| Value::Bytes(v.to_vec()));

/// A column of the same type (`Candle::HIGH.gt(Candle::LOW)`), also beside a nullable one.
impl<M, T> Operand<T> for Column<M, T> {
    fn into_expr(self) -> Expr {
        self.expr()
    }
}
impl<M, T: SqlType> Operand<Option<T>> for Column<M, T> {
    fn into_expr(self) -> Expr {
        self.expr()
    }
}
/// A typed expression of the same type (`Candle::VOLUME + dec!(1)`, an aggregate, a cast).
impl<T> Operand<T> for TypedExpr<T> {
    fn into_expr(self) -> Expr {
        self.into_inner()
    }
}
impl<T: SqlType> Operand<Option<T>> for TypedExpr<T> {
    fn into_expr(self) -> Expr {
        self.into_inner()
    }
}
