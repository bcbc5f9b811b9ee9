//! `+ - * /` on typed columns and expressions: `Candle::HIGH - Candle::LOW`,
//! `Candle::VOLUME + dec!(1)`. Both sides have the same numeric type `T` (a nullable column on
//! the left takes plain values and non-nullable columns on the right); the result is a
//! [`TypedExpr<T>`]. The dialects compile it with one meaning (see the README's Expressions
//! part): integer division truncates, division by zero is NULL, Decimal division is refused.

use super::operand::Operand;
use super::typed::TypedExpr;
use crate::ast::{ArithOp, Expr};
use crate::model::Column;
use crate::value::{FromValue, SqlType};
use chrono::{DateTime, Utc};

mod sealed {
    pub trait Sealed {}
}

/// The types arithmetic is defined on: signed integers, `f64` and `Decimal`, and their `Option`s.
/// Unsigned integers and `f32` are left out: MySQL refuses a negative unsigned difference and
/// computes FLOAT in double precision, where the other dialects do not.
#[diagnostic::on_unimplemented(
    message = "arithmetic is only defined on signed integers, f64 and Decimal (and their Options), not `{Self}`"
)]
pub trait Numeric: SqlType + sealed::Sealed {}

macro_rules! numeric {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Numeric for $t {}
        impl sealed::Sealed for Option<$t> {}
        impl Numeric for Option<$t> {}
    )*};
}
numeric!(i8, i16, i32, i64, f64, rust_decimal::Decimal);

/// Text types (`String`, `Option<String>`) and the type their length has.
pub trait TextType: SqlType {
    /// `i64`, or `Option<i64>` for a nullable text.
    type Length: SqlType;
}
impl TextType for String {
    type Length = i64;
}
impl TextType for Option<String> {
    type Length = Option<i64>;
}

/// The type of `now()`.
pub type Timestamp = DateTime<Utc>;

pub(crate) fn arith<T: FromValue>(op: ArithOp, left: Expr, right: Expr) -> TypedExpr<T> {
    TypedExpr::new(Expr::Arith { op, kind: T::KIND, left: Box::new(left), right: Box::new(right) })
}

macro_rules! ops {
    ($($trait:ident $method:ident $op:ident),*) => {$(
        impl<T: Numeric, R: Operand<T>> std::ops::$trait<R> for TypedExpr<T> {
            type Output = TypedExpr<T>;
            fn $method(self, rhs: R) -> TypedExpr<T> {
                arith(ArithOp::$op, self.into_inner(), rhs.into_expr())
            }
        }
        impl<M, T: Numeric, R: Operand<T>> std::ops::$trait<R> for Column<M, T> {
            type Output = TypedExpr<T>;
            fn $method(self, rhs: R) -> TypedExpr<T> {
                arith(ArithOp::$op, self.expr(), rhs.into_expr())
            }
        }
    )*};
}
ops!(Add add Add, Sub sub Sub, Mul mul Mul, Div div Div);
