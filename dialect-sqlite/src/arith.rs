//! `athanor_add/sub/mul/div(a, b)` and `athanor_abs(x)`: the arithmetic core compiles for SQLite,
//! with the servers' meaning instead of SQLite's:
//!
//! - Two integers: 64-bit arithmetic where overflow is an error (SQLite's `+` would silently
//!   give a float), division truncating toward zero.
//! - A float on either side: double arithmetic; a result that is not finite is an error (the
//!   servers refuse it too).
//! - Text (a Decimal, stored as its exact text) with text or an integer: exact decimal
//!   arithmetic, the result as text (SQLite's `+` would convert the text to a double).
//! - NULL on either side, or division by zero: NULL.
//!
//! `athanor_fit_decimal(x, p, s)` brings a Decimal assigned to a `DECIMAL(p, s)` column to its
//! scale (rounding half away from zero) and refuses one with too many digits before the point,
//! as PostgreSQL and MySQL assign it.

use crate::functions::Callback;
use athanor_core::Decimal;
use libsqlite3_sys as ffi;
use std::os::raw::c_int;
use std::str::FromStr;

/// The functions, for registration: name, argument count, callback.
pub(crate) const FUNCTIONS: &[(&std::ffi::CStr, i32, Callback)] = &[
    (c"athanor_add", 2, add),
    (c"athanor_sub", 2, sub),
    (c"athanor_mul", 2, mul),
    (c"athanor_div", 2, div),
    (c"athanor_abs", 1, abs),
    (c"athanor_fit_decimal", 3, fit_decimal),
];

/// A number as SQLite holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i64),
    Real(f64),
    Dec(Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// What a function call returns.
#[derive(Debug, PartialEq)]
enum Out {
    Null,
    Num(Num),
    Err(&'static str),
}

fn binary(op: Op, a: Num, b: Num) -> Out {
    use Num::*;
    let overflow = Out::Err("arithmetic overflow");
    match (a, b) {
        (Int(x), Int(y)) => {
            let r = match op {
                Op::Add => x.checked_add(y),
                Op::Sub => x.checked_sub(y),
                Op::Mul => x.checked_mul(y),
                Op::Div if y == 0 => return Out::Null,
                Op::Div => x.checked_div(y),
            };
            r.map_or(overflow, |r| Out::Num(Int(r)))
        }
        (Real(_), Dec(_)) | (Dec(_), Real(_)) => Out::Err("arithmetic mixing a float and a decimal"),
        (Real(_), _) | (_, Real(_)) => {
            let (x, y) = (as_f64(a), as_f64(b));
            let r = match op {
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
                Op::Div if y == 0.0 => return Out::Null,
                Op::Div => x / y,
            };
            if r.is_finite() {
                Out::Num(Real(r))
            } else {
                overflow
            }
        }
        (Dec(_), _) | (_, Dec(_)) => {
            use athanor_core::exact_decimal as exact;
            let (x, y) = (as_dec(a), as_dec(b));
            // Exact or refused: rust_decimal would round a result past 28 digits.
            let r = match op {
                Op::Add => exact::add(x, y),
                Op::Sub => exact::add(x, -y),
                Op::Mul => exact::mul(x, y),
                Op::Div if y.is_zero() => return Out::Null,
                Op::Div => x.checked_div(y).ok_or("decimal overflow"),
            };
            r.map_or_else(|e| if e == exact::INEXACT { Out::Err(e) } else { overflow }, |r| Out::Num(Dec(r)))
        }
    }
}

fn absolute(a: Num) -> Out {
    match a {
        Num::Int(x) => x.checked_abs().map_or(Out::Err("arithmetic overflow"), |r| Out::Num(Num::Int(r))),
        Num::Real(x) => Out::Num(Num::Real(x.abs())),
        Num::Dec(x) => Out::Num(Num::Dec(x.abs())),
    }
}

fn fit(x: Num, p: Num, s: Num) -> Out {
    let (Num::Int(p), Num::Int(s)) = (p, s) else { return Out::Err("athanor_fit_decimal takes an integer precision and scale") };
    let (Ok(p), Ok(s)) = (u32::try_from(p), u32::try_from(s)) else {
        return Out::Err("athanor_fit_decimal: a negative precision or scale");
    };
    let d = match x {
        Num::Int(i) => Decimal::from(i),
        Num::Dec(d) => d,
        Num::Real(_) => return Out::Err("a float assigned to a decimal column"),
    };
    let mut r = d.round_dp_with_strategy(s, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let int_digits = r.trunc().abs().to_string().trim_start_matches('0').len() as u32;
    if int_digits > p.saturating_sub(s) {
        return Out::Err("numeric value out of range for the decimal column");
    }
    r.rescale(s);
    Out::Num(Num::Dec(r))
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Real(f) => f,
        Num::Dec(_) => f64::NAN,
    }
}

fn as_dec(n: Num) -> Decimal {
    match n {
        Num::Int(i) => Decimal::from(i),
        Num::Dec(d) => d,
        Num::Real(_) => Decimal::ZERO,
    }
}

/// Reads an argument: `Ok(None)` for NULL.
///
/// # Safety
/// `v` is a valid argument of the running function call.
unsafe fn read(v: *mut ffi::sqlite3_value) -> Result<Option<Num>, &'static str> {
    // SAFETY: per the function's contract.
    unsafe {
        match ffi::sqlite3_value_type(v) {
            ffi::SQLITE_NULL => Ok(None),
            ffi::SQLITE_INTEGER => Ok(Some(Num::Int(ffi::sqlite3_value_int64(v)))),
            ffi::SQLITE_FLOAT => Ok(Some(Num::Real(ffi::sqlite3_value_double(v)))),
            ffi::SQLITE_TEXT => {
                let p = ffi::sqlite3_value_text(v);
                let len = ffi::sqlite3_value_bytes(v);
                if p.is_null() || len < 0 {
                    return Err("out of memory");
                }
                let text = std::str::from_utf8(std::slice::from_raw_parts(p, len as usize))
                    .map_err(|_| "arithmetic on text that is not a number")?;
                Decimal::from_str(text).map(|d| Some(Num::Dec(d))).map_err(|_| "arithmetic on text that is not a number")
            }
            _ => Err("arithmetic on a blob"),
        }
    }
}

/// Sets the call's result.
///
/// # Safety
/// `ctx` is the running call's context.
unsafe fn result(ctx: *mut ffi::sqlite3_context, out: Out) {
    // SAFETY: per the function's contract; texts are copied by SQLite (SQLITE_TRANSIENT).
    unsafe {
        match out {
            Out::Null => ffi::sqlite3_result_null(ctx),
            Out::Num(Num::Int(i)) => ffi::sqlite3_result_int64(ctx, i),
            Out::Num(Num::Real(f)) => ffi::sqlite3_result_double(ctx, f),
            Out::Num(Num::Dec(d)) => {
                let s = d.to_string();
                ffi::sqlite3_result_text(ctx, s.as_ptr().cast(), s.len() as c_int, ffi::SQLITE_TRANSIENT());
            }
            Out::Err(msg) => ffi::sqlite3_result_error(ctx, msg.as_ptr().cast(), msg.len() as c_int),
        }
    }
}

/// # Safety
/// As SQLite calls a scalar function registered with `want` arguments.
unsafe fn call(ctx: *mut ffi::sqlite3_context, n: c_int, args: *mut *mut ffi::sqlite3_value, want: c_int, f: impl Fn(&[Num]) -> Out) {
    // SAFETY: SQLite passes `n` valid argument pointers.
    unsafe {
        if n != want {
            ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_MISUSE);
            return;
        }
        let mut nums = Vec::with_capacity(n as usize);
        for i in 0..n as usize {
            match read(*args.add(i)) {
                Ok(Some(x)) => nums.push(x),
                Ok(None) => return result(ctx, Out::Null),
                Err(msg) => return result(ctx, Out::Err(msg)),
            }
        }
        result(ctx, f(&nums));
    }
}

macro_rules! binary_fn {
    ($name:ident, $op:expr) => {
        unsafe extern "C" fn $name(ctx: *mut ffi::sqlite3_context, n: c_int, args: *mut *mut ffi::sqlite3_value) {
            // SAFETY: forwarded as SQLite gave them (registered with two arguments).
            unsafe { call(ctx, n, args, 2, |a| binary($op, a[0], a[1])) }
        }
    };
}
binary_fn!(add, Op::Add);
binary_fn!(sub, Op::Sub);
binary_fn!(mul, Op::Mul);
binary_fn!(div, Op::Div);

unsafe extern "C" fn fit_decimal(ctx: *mut ffi::sqlite3_context, n: c_int, args: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded as SQLite gave them (registered with three arguments).
    unsafe { call(ctx, n, args, 3, |a| fit(a[0], a[1], a[2])) }
}

unsafe extern "C" fn abs(ctx: *mut ffi::sqlite3_context, n: c_int, args: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded as SQLite gave them (registered with one argument).
    unsafe { call(ctx, n, args, 1, |a| absolute(a[0])) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Num::*;

    fn dec(s: &str) -> Num {
        Dec(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn integers_overflow_into_an_error_and_divide_toward_zero() {
        assert_eq!(binary(Op::Add, Int(i64::MAX), Int(1)), Out::Err("arithmetic overflow"));
        assert_eq!(binary(Op::Div, Int(-7), Int(2)), Out::Num(Int(-3)));
        assert_eq!(binary(Op::Div, Int(7), Int(0)), Out::Null);
        assert_eq!(binary(Op::Div, Int(i64::MIN), Int(-1)), Out::Err("arithmetic overflow"));
        assert_eq!(absolute(Int(i64::MIN)), Out::Err("arithmetic overflow"));
    }

    #[test]
    fn decimals_are_exact_and_keep_their_scale() {
        assert_eq!(binary(Op::Add, dec("0.10000000"), dec("0.2")), Out::Num(dec("0.30000000")));
        let Out::Num(Dec(d)) = binary(Op::Add, dec("100.50000000"), Int(1)) else { panic!() };
        assert_eq!(d.to_string(), "101.50000000");
        let Out::Num(Dec(d)) = binary(Op::Mul, dec("1.5"), dec("2.25")) else { panic!() };
        assert_eq!(d.to_string(), "3.375");
        assert_eq!(absolute(dec("-1.50")), Out::Num(dec("1.50")));
    }

    #[test]
    fn assigned_decimals_fit_the_column() {
        let fitted = |x: Num| match fit(x, Int(6), Int(2)) {
            Out::Num(Dec(d)) => d.to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(fitted(dec("0.125")), "0.13");
        assert_eq!(fitted(dec("-0.125")), "-0.13");
        assert_eq!(fitted(dec("1.5")), "1.50");
        assert_eq!(fitted(Int(9999)), "9999.00");
        assert_eq!(fitted(dec("9999.995")), "Err(\"numeric value out of range for the decimal column\")");
        assert_eq!(fitted(dec("10000")), "Err(\"numeric value out of range for the decimal column\")");
    }

    #[test]
    fn floats_stay_finite() {
        assert_eq!(binary(Op::Mul, Real(1e308), Real(10.0)), Out::Err("arithmetic overflow"));
        assert_eq!(binary(Op::Div, Real(1.0), Int(0)), Out::Null);
        assert_eq!(binary(Op::Add, Real(0.5), Int(1)), Out::Num(Real(1.5)));
    }
}
