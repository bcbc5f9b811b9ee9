//! What every SQLite connection gets so that text and decimals mean what they mean on the other
//! dialects:
//!
//! - `PRAGMA case_sensitive_like = ON`: `LIKE` is case-sensitive, as on PostgreSQL and on MySQL
//!   with Athanor's binary collations.
//! - `lower(X)` replaced by a Unicode one (SQLite's folds ASCII only), so the `ilike` emulation
//!   `LOWER(a) LIKE LOWER(b)` folds `Ä` as PostgreSQL and MySQL do. Each character maps to the
//!   first character of its lowercase form (simple case mapping, e.g. `İ` → `i`).
//! - `upper(X)` likewise (simple case mapping: `ß` stays `ß`, as on PostgreSQL and MySQL).
//! - The arithmetic functions of `crate::arith` (exact decimals, integer overflow an error).
//! - `sum(X)` replaced by one that adds Decimal text exactly (see `decimal_sum`).
//! - The collation [`DECIMAL_COLLATION`]: Decimal columns store their exact text (scale included)
//!   and compare, sort and index by numeric value.

use athanor_core::Decimal;
use libsqlite3_sys as ffi;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqliteConnection;
use std::cmp::Ordering;
use std::str::FromStr;

/// The collation of Decimal columns: numeric order of their text; text that is not a number sorts
/// after every number, by bytes.
pub const DECIMAL_COLLATION: &str = "athanor_decimal";

/// Numeric comparison of two decimal texts (the [`DECIMAL_COLLATION`]).
pub fn compare_decimal_text(a: &str, b: &str) -> Ordering {
    match (Decimal::from_str(a), Decimal::from_str(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// The pragma and collation, set on the connect options.
pub fn configure(connect: SqliteConnectOptions) -> SqliteConnectOptions {
    connect.pragma("case_sensitive_like", "ON").collation(DECIMAL_COLLATION, compare_decimal_text)
}

/// Lowercases `s` character by character (simple case mapping).
fn unicode_lower(s: &str) -> String {
    s.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect()
}

/// Uppercases `s` character by character (simple case mapping: `ß` stays `ß`).
fn unicode_upper(s: &str) -> String {
    s.chars().map(|c| c.to_uppercase().next().filter(|_| c.to_uppercase().count() == 1).unwrap_or(c)).collect()
}

/// An SQLite scalar function callback.
pub(crate) type Callback = unsafe extern "C" fn(*mut ffi::sqlite3_context, std::os::raw::c_int, *mut *mut ffi::sqlite3_value);

/// Registers the Unicode `lower(X)`/`upper(X)`, the exact arithmetic of `crate::arith` and the exact
/// `sum(X)` of `crate::decimal_sum` on a new connection.
pub async fn register(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    const DETERMINISTIC: i32 = ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC;
    let mut all: Vec<(&'static std::ffi::CStr, i32, Callback, i32)> =
        vec![(c"lower", 1, lower_func, DETERMINISTIC), (c"upper", 1, upper_func, DETERMINISTIC)];
    all.extend(crate::arith::FUNCTIONS.iter().map(|&(name, n_args, f)| (name, n_args, f, DETERMINISTIC)));
    // `athanor_error(msg)` fails the statement with `msg`. Not deterministic: SQLite evaluates a
    // deterministic call with constant arguments once up front, even in a CASE branch never taken.
    all.push((c"athanor_error", 1, error_func, ffi::SQLITE_UTF8));
    for (name, n_args, f, flags) in all {
        // SAFETY: `db` is the live connection handle, locked for the duration of this call; the
        // name is NUL-terminated and static, and the callback neither keeps nor frees what it is given.
        let rc =
            unsafe { ffi::sqlite3_create_function_v2(db, name.as_ptr(), n_args, flags, std::ptr::null_mut(), Some(f), None, None, None) };
        if rc != ffi::SQLITE_OK {
            return Err(sqlx::Error::Configuration(format!("registering {name:?} failed with SQLite code {rc}").into()));
        }
    }
    // SAFETY: as above.
    let rc = unsafe { crate::decimal_sum::register(db) };
    if rc != ffi::SQLITE_OK {
        return Err(sqlx::Error::Configuration(format!("registering the exact sum() failed with SQLite code {rc}").into()));
    }
    Ok(())
}

/// `athanor_error(msg)`: fails the statement with the text `msg`.
unsafe extern "C" fn error_func(ctx: *mut ffi::sqlite3_context, n: std::os::raw::c_int, args: *mut *mut ffi::sqlite3_value) {
    // SAFETY: SQLite calls this with `n` valid argument pointers (n == 1, as registered); the
    // message is copied by `sqlite3_result_error` before this returns.
    unsafe {
        let (mut p, mut len) = (std::ptr::null(), 0);
        if n == 1 {
            p = ffi::sqlite3_value_text(*args);
            len = ffi::sqlite3_value_bytes(*args);
        }
        if p.is_null() || len < 0 {
            ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_MISUSE);
            return;
        }
        ffi::sqlite3_result_error(ctx, p.cast(), len);
    }
}

/// `lower(X)`: NULL stays NULL, text is lowercased, any other value is lowercased as its text.
unsafe extern "C" fn lower_func(ctx: *mut ffi::sqlite3_context, n: std::os::raw::c_int, args: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded as SQLite gave them.
    unsafe { map_text(ctx, n, args, unicode_lower) }
}

/// `upper(X)`: as `lower(X)`, uppercasing.
unsafe extern "C" fn upper_func(ctx: *mut ffi::sqlite3_context, n: std::os::raw::c_int, args: *mut *mut ffi::sqlite3_value) {
    // SAFETY: forwarded as SQLite gave them.
    unsafe { map_text(ctx, n, args, unicode_upper) }
}

/// Applies `f` to the one text argument (NULL stays NULL).
///
/// # Safety
/// `ctx` and `args` as SQLite passes them to a scalar function registered with one argument.
unsafe fn map_text(ctx: *mut ffi::sqlite3_context, n: std::os::raw::c_int, args: *mut *mut ffi::sqlite3_value, f: fn(&str) -> String) {
    // SAFETY: SQLite calls this with `n` valid argument pointers (n == 1, as registered).
    unsafe {
        if n != 1 {
            ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_MISUSE);
            return;
        }
        let v = *args;
        if ffi::sqlite3_value_type(v) == ffi::SQLITE_NULL {
            ffi::sqlite3_result_null(ctx);
            return;
        }
        let p = ffi::sqlite3_value_text(v);
        let len = ffi::sqlite3_value_bytes(v);
        if p.is_null() || len < 0 {
            ffi::sqlite3_result_error_nomem(ctx);
            return;
        }
        let bytes = std::slice::from_raw_parts(p, len as usize);
        let mapped = f(&String::from_utf8_lossy(bytes));
        // SQLITE_TRANSIENT: SQLite copies the text before this function returns.
        ffi::sqlite3_result_text(ctx, mapped.as_ptr().cast(), mapped.len() as std::os::raw::c_int, ffi::SQLITE_TRANSIENT());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_compares_by_value() {
        assert_eq!(compare_decimal_text("100.50000000", "100.5"), Ordering::Equal);
        assert_eq!(compare_decimal_text("-2", "-10.5"), Ordering::Greater);
        assert_eq!(compare_decimal_text("9", "10"), Ordering::Less);
        assert_eq!(compare_decimal_text("1", "x"), Ordering::Less);
        assert_eq!(compare_decimal_text("b", "a"), Ordering::Greater);
    }

    #[test]
    fn lower_folds_unicode() {
        assert_eq!(unicode_lower("ÄPFEL Straße İ"), "äpfel straße i");
    }

    #[test]
    fn upper_folds_unicode_one_character_each() {
        assert_eq!(unicode_upper("äpfel straße"), "ÄPFEL STRAßE");
    }
}
