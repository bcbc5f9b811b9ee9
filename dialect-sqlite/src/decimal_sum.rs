//! `sum(X)` replaced by one that adds Decimal text exactly, so `SUM` of a Decimal column (stored
//! as its exact text) gives the exact Decimal, scale included, as on PostgreSQL and MySQL. It
//! also serves as a window function (`sum(x) OVER (…)`).
//!
//! The result: NULL for no non-NULL input; an INTEGER when every input is an integer (an error
//! "integer overflow" past `i64`, like SQLite's own); the decimal TEXT when every input is an
//! integer or a decimal text; otherwise a REAL, summed with Kahan–Babuška–Neumaier compensation
//! as SQLite's own `sum` does. Text that is not a plain decimal converts as SQLite converts it.

use athanor_core::Decimal;
use libsqlite3_sys as ffi;
use std::os::raw::c_int;
use std::str::FromStr;

/// One input value, classified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Item {
    Int(i64),
    Dec(Decimal),
    Real(f64),
}

/// What the sum yields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Total {
    Null,
    Int(i64),
    Dec(Decimal),
    Real(f64),
}

/// The running sum (also backwards, for window frames).
#[derive(Debug, Default)]
pub(crate) struct SumState {
    ints: i128,
    dec: Decimal,
    real: f64,
    comp: f64,
    n: i64,
    n_dec: i64,
    n_real: i64,
    /// The largest scale summed: the total keeps it (`0.00000000 + 0` is `0.00000000`).
    scale: u32,
    overflow: bool,
}

impl SumState {
    fn add_real(&mut self, x: f64) {
        // Neumaier's compensated sum.
        let t = self.real + x;
        if self.real.abs() >= x.abs() {
            self.comp += (self.real - t) + x;
        } else {
            self.comp += (x - t) + self.real;
        }
        self.real = t;
    }

    /// Adds (`sign` 1) or removes (`sign` -1) one value.
    pub(crate) fn apply(&mut self, item: Item, sign: i64) {
        self.n += sign;
        match item {
            Item::Int(i) => self.ints += i128::from(i) * i128::from(sign),
            Item::Dec(d) => {
                self.n_dec += sign;
                self.scale = self.scale.max(d.scale());
                let d = if sign < 0 { -d } else { d };
                // Exact or refused: rust_decimal would round a sum past 28 digits.
                match athanor_core::exact_decimal::add(self.dec, d) {
                    Ok(s) => self.dec = s,
                    Err(_) => self.overflow = true,
                }
            }
            Item::Real(x) => {
                self.n_real += sign;
                self.add_real(x * sign as f64);
            }
        }
    }

    /// The current total, or the reason there is none.
    pub(crate) fn total(&self) -> Result<Total, &'static str> {
        if self.n == 0 {
            return Ok(Total::Null);
        }
        if self.n_real > 0 {
            let dec = f64::try_from(self.dec).unwrap_or(f64::NAN);
            return Ok(Total::Real(self.ints as f64 + dec + self.real + self.comp));
        }
        if self.overflow {
            return Err("decimal overflow in sum()");
        }
        if self.n_dec > 0 {
            let ints = i64::try_from(self.ints).map(Decimal::from).map_err(|_| "integer overflow")?;
            let mut total = athanor_core::exact_decimal::add(self.dec, ints).map_err(|_| "decimal overflow in sum()")?;
            if total.scale() < self.scale {
                total.rescale(self.scale);
            }
            return Ok(Total::Dec(total));
        }
        i64::try_from(self.ints).map(Total::Int).map_err(|_| "integer overflow")
    }
}

/// Classifies a text input: a plain decimal is exact; anything else converts as SQLite would.
pub(crate) fn text_item(s: &str) -> Option<Item> {
    Decimal::from_str(s).ok().map(Item::Dec)
}

/// Registers `sum(X)` on a connection handle.
///
/// # Safety
/// `db` must be a live connection handle that no other thread uses during the call.
pub(crate) unsafe fn register(db: *mut ffi::sqlite3) -> c_int {
    // SAFETY: per the caller; the name is static and NUL-terminated.
    unsafe {
        ffi::sqlite3_create_window_function(
            db,
            c"sum".as_ptr(),
            1,
            ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC,
            std::ptr::null_mut(),
            Some(step),
            Some(final_),
            Some(value),
            Some(inverse),
            None,
        )
    }
}

/// The state pointer slot in SQLite's per-aggregate memory (zeroed on first use).
unsafe fn slot(ctx: *mut ffi::sqlite3_context, create: bool) -> *mut *mut SumState {
    let size = if create { std::mem::size_of::<*mut SumState>() as c_int } else { 0 };
    // SAFETY: SQLite owns `ctx` for the duration of the callback.
    unsafe { ffi::sqlite3_aggregate_context(ctx, size).cast() }
}

unsafe fn item(v: *mut ffi::sqlite3_value) -> Option<Item> {
    // SAFETY: `v` is a valid argument of the current callback.
    unsafe {
        match ffi::sqlite3_value_type(v) {
            ffi::SQLITE_NULL => None,
            ffi::SQLITE_INTEGER => Some(Item::Int(ffi::sqlite3_value_int64(v))),
            ffi::SQLITE_TEXT => {
                let p = ffi::sqlite3_value_text(v);
                let len = ffi::sqlite3_value_bytes(v);
                let text =
                    if p.is_null() || len < 0 { None } else { std::str::from_utf8(std::slice::from_raw_parts(p, len as usize)).ok() };
                match text.and_then(text_item) {
                    Some(i) => Some(i),
                    None if ffi::sqlite3_value_numeric_type(v) == ffi::SQLITE_INTEGER => Some(Item::Int(ffi::sqlite3_value_int64(v))),
                    None => Some(Item::Real(ffi::sqlite3_value_double(v))),
                }
            }
            _ => Some(Item::Real(ffi::sqlite3_value_double(v))),
        }
    }
}

unsafe fn apply(ctx: *mut ffi::sqlite3_context, n: c_int, args: *mut *mut ffi::sqlite3_value, sign: i64) {
    // SAFETY: SQLite passes `n` valid argument pointers; the slot holds null or our Box.
    unsafe {
        if n != 1 {
            ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_MISUSE);
            return;
        }
        let Some(it) = item(*args) else { return };
        let slot = slot(ctx, true);
        if slot.is_null() {
            ffi::sqlite3_result_error_nomem(ctx);
            return;
        }
        if (*slot).is_null() {
            *slot = Box::into_raw(Box::<SumState>::default());
        }
        (**slot).apply(it, sign);
    }
}

unsafe extern "C" fn step(ctx: *mut ffi::sqlite3_context, n: c_int, args: *mut *mut ffi::sqlite3_value) {
    // SAFETY: called by SQLite as an aggregate step.
    unsafe { apply(ctx, n, args, 1) }
}

unsafe extern "C" fn inverse(ctx: *mut ffi::sqlite3_context, n: c_int, args: *mut *mut ffi::sqlite3_value) {
    // SAFETY: called by SQLite as a window inverse.
    unsafe { apply(ctx, n, args, -1) }
}

unsafe fn result(ctx: *mut ffi::sqlite3_context, state: Option<&SumState>) {
    let total = state.map_or(Ok(Total::Null), SumState::total);
    // SAFETY: `ctx` is the live context of the current callback; text is copied (TRANSIENT).
    unsafe {
        match total {
            Ok(Total::Null) => ffi::sqlite3_result_null(ctx),
            Ok(Total::Int(i)) => ffi::sqlite3_result_int64(ctx, i),
            Ok(Total::Real(x)) => ffi::sqlite3_result_double(ctx, x),
            Ok(Total::Dec(d)) => {
                let s = d.to_string();
                ffi::sqlite3_result_text(ctx, s.as_ptr().cast(), s.len() as c_int, ffi::SQLITE_TRANSIENT());
            }
            Err(msg) => ffi::sqlite3_result_error(ctx, msg.as_ptr().cast(), msg.len() as c_int),
        }
    }
}

unsafe extern "C" fn value(ctx: *mut ffi::sqlite3_context) {
    // SAFETY: the slot holds null or our Box, which stays owned by the aggregate.
    unsafe {
        let slot = slot(ctx, false);
        let state = if slot.is_null() || (*slot).is_null() { None } else { Some(&**slot) };
        result(ctx, state);
    }
}

unsafe extern "C" fn final_(ctx: *mut ffi::sqlite3_context) {
    // SAFETY: the slot holds null or our Box; it is taken back and freed exactly once here.
    unsafe {
        let slot = slot(ctx, false);
        let state = if slot.is_null() || (*slot).is_null() {
            None
        } else {
            Some(Box::from_raw(std::mem::replace(&mut *slot, std::ptr::null_mut())))
        };
        result(ctx, state.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(items: &[Item]) -> Result<Total, &'static str> {
        let mut s = SumState::default();
        items.iter().for_each(|i| s.apply(*i, 1));
        s.total()
    }

    #[test]
    fn decimals_add_exactly_with_their_scale() {
        let d = |s: &str| Item::Dec(Decimal::from_str(s).unwrap());
        let t = sum(&[d("0.10000000"), d("0.20000000"), d("12345678901.12345678"), Item::Int(1)]).unwrap();
        assert_eq!(t, Total::Dec(Decimal::from_str("12345678902.42345678").unwrap()));
        let Total::Dec(x) = t else { unreachable!() };
        assert_eq!(x.to_string(), "12345678902.42345678");
    }

    #[test]
    fn the_total_keeps_the_largest_scale() {
        let d = |s: &str| Item::Dec(Decimal::from_str(s).unwrap());
        let t = |items: &[Item]| match sum(items).unwrap() {
            Total::Dec(x) => x.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(t(&[d("0.00000000"), d("0.00000000")]), "0.00000000");
        assert_eq!(t(&[d("1.5"), d("0.00000000")]), "1.50000000");
        assert_eq!(t(&[d("70.00000000"), d("-70.00000000"), Item::Int(0)]), "0.00000000");
    }

    #[test]
    fn integers_stay_integers_and_overflow_is_an_error() {
        assert_eq!(sum(&[Item::Int(2), Item::Int(3)]), Ok(Total::Int(5)));
        assert_eq!(sum(&[Item::Int(i64::MAX), Item::Int(1)]), Err("integer overflow"));
        assert_eq!(sum(&[]), Ok(Total::Null));
    }

    #[test]
    fn any_real_makes_a_real_and_removal_undoes_adding() {
        assert_eq!(sum(&[Item::Int(1), Item::Real(0.5)]), Ok(Total::Real(1.5)));
        let mut s = SumState::default();
        let d = Item::Dec(Decimal::from_str("1.5").unwrap());
        s.apply(d, 1);
        s.apply(Item::Int(2), 1);
        s.apply(d, -1);
        assert_eq!(s.total(), Ok(Total::Int(2)));
        assert_eq!(text_item("abc"), None);
    }
}
