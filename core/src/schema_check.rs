//! Values checked against their column before they are written, so no dialect changes one
//! silently (issue 11, defect 7): a Decimal is brought to its column's scale when that is exact
//! and refused when it is not (more digits after the point than the scale, or more before it than
//! precision − scale), as MySQL's strict mode and SQLAlchemy's `Numeric` users expect; a NaN or
//! infinite float is refused (MySQL rejects it, SQLite would store NaN as NULL, PostgreSQL would
//! keep it: one rule everywhere). A time with more fractional-second digits than its column's
//! precision (default 6) is refused too: MariaDB would truncate it, MySQL and PostgreSQL round it,
//! SQLite keep every digit.

use crate::error::{Error, Result};
use crate::schema::{ColumnDef, Table};
use crate::value::Value;
use chrono::Timelike;
use std::borrow::Cow;

/// Fractional-second digits a time column keeps when its `precision` is not given (MySQL's
/// `DATETIME(6)` as Athanor creates it, PostgreSQL's default).
pub const DEFAULT_TIME_PRECISION: u32 = 6;

/// Digits before the decimal point of `d` (0 for |d| < 1).
fn integer_digits(d: &rust_decimal::Decimal) -> u32 {
    let int = d.abs().trunc();
    if int.is_zero() {
        0
    } else {
        int.normalize().to_string().len() as u32
    }
}

impl ColumnDef {
    /// Checks `v` against this column and brings a Decimal to the column's scale (exactly, or not
    /// at all): `Error::InvalidValue` names the column when the value cannot be stored as given.
    pub fn check_value(&self, v: &mut Value) -> Result<()> {
        let refuse = |reason: String| Err(Error::InvalidValue { column: self.name.to_string(), reason });
        match v {
            Value::F64(f) if !f.is_finite() => refuse(format!("{} is not a finite number", if f.is_nan() { "NaN" } else { "an infinity" })),
            Value::String(s) if s.contains('\0') => refuse(NUL_TEXT.into()),
            Value::Decimal(d) => {
                let Some((p, s)) = self.ty.decimal_precision_scale() else { return Ok(()) };
                if d.round_dp(s) != *d {
                    return refuse(format!("DECIMAL({p}, {s}) keeps {s} digits after the point; the value has more (round it first)"));
                }
                if integer_digits(d) > p.saturating_sub(s) {
                    return refuse(format!("DECIMAL({p}, {s}) holds {} digits before the point; the value has more", p.saturating_sub(s)));
                }
                let mut scaled = *d;
                scaled.rescale(s);
                // rust_decimal holds 28 digits: keep the value as it is where the column's scale
                // would not fit (the server pads it).
                if scaled.scale() == s && scaled == *d {
                    *d = scaled;
                }
                Ok(())
            }
            Value::Time(t) => self.check_fraction(t.nanosecond()),
            Value::DateTime(t) => self.check_fraction(t.nanosecond()),
            Value::DateTimeUtc(t) => self.check_fraction(t.nanosecond()),
            _ => Ok(()),
        }
    }

    /// Refuses a time whose nanoseconds need more digits than the column keeps (a leap second's
    /// nanoseconds, 1e9 and above, are refused as well: no dialect stores them the same way).
    fn check_fraction(&self, nanos: u32) -> Result<()> {
        let p = self.time_precision.unwrap_or(DEFAULT_TIME_PRECISION).min(9);
        let unit = 10u32.pow(9 - p);
        if nanos < 1_000_000_000 && nanos.is_multiple_of(unit) {
            return Ok(());
        }
        Err(Error::InvalidValue {
            column: self.name.to_string(),
            reason: format!(
                "the column keeps {p} fractional-second digits; the value has more (truncate it first: \
                 `use chrono::SubsecRound; t.trunc_subsecs({p})`, e.g. for `Utc::now()`)"
            ),
        })
    }
}

impl Table {
    /// [`ColumnDef::check_value`] for every value of `rows`, whose values are in `columns` order.
    /// Columns the table does not declare only have their floats checked (the server judges
    /// the rest).
    pub fn check_rows<'a>(&self, columns: &[Cow<'static, str>], rows: impl IntoIterator<Item = &'a mut Vec<Value>>) -> Result<()> {
        let defs: Vec<Option<&ColumnDef>> = columns.iter().map(|c| self.get_column(c)).collect();
        for row in rows {
            for ((name, def), v) in columns.iter().zip(&defs).zip(row.iter_mut()) {
                match def {
                    Some(c) => c.check_value(v)?,
                    None => check_float(name, v)?,
                }
            }
        }
        Ok(())
    }
}

/// An expression assigned to a Decimal column (UPDATE SET, ON CONFLICT SET), wrapped in a cast to
/// the column's `DECIMAL(p, s)`: PostgreSQL and MySQL round an assigned value to the column's
/// scale (half away from zero) and refuse one too large, and SQLite, which stores decimals as text,
/// must do the same rather than store more digits. Values and plain columns are left alone (values
/// are checked by [`ColumnDef::check_value`]).
pub(crate) fn fit_assignment(def: Option<&ColumnDef>, e: crate::ast::Expr) -> crate::ast::Expr {
    use crate::ast::{CastType, Expr};
    let Some((p, s)) = def.and_then(|c| c.ty.decimal_precision_scale()) else { return e };
    match e {
        Expr::Value(_) | Expr::Column(_) | Expr::QualifiedColumn { .. } | Expr::Excluded(_) => e,
        e => match (u8::try_from(p), u8::try_from(s)) {
            (Ok(p), Ok(s)) => Expr::Cast { expr: Box::new(e), from: crate::value::ValueKind::Decimal, to: CastType::Decimal(p, s) },
            _ => e,
        },
    }
}

/// True for a NaN or infinite float, which no dialect reads the same way in a query.
pub fn nonfinite(v: &Value) -> bool {
    matches!(v, Value::F64(f) if !f.is_finite())
}

/// Why text holding a NUL character is refused.
const NUL_TEXT: &str = "text with a NUL character (\\0): PostgreSQL can neither store nor compare it, and SQLite's \
                        text functions stop at it; remove or replace it";

/// True for a value no dialect reads the same way in a query: a NaN or infinite float, or text
/// holding a NUL character.
pub fn unportable(v: &Value) -> bool {
    nonfinite(v) || matches!(v, Value::String(s) if s.contains('\0'))
}

/// The error for an [`unportable`] value in a query.
pub fn unportable_in_query(v: &Value) -> Error {
    match v {
        Value::String(_) => Error::InvalidQuery(format!("{NUL_TEXT} (in a query)")),
        _ => nonfinite_in_query(),
    }
}

/// The error for a NaN or infinite float in a query (a filter, an IN list, an expression).
pub fn nonfinite_in_query() -> Error {
    Error::InvalidQuery(
        "a NaN or infinite float in a query: PostgreSQL holds NaN = NaN true, SQLite reads NaN as NULL and MySQL refuses it; \
         compare with finite values"
            .into(),
    )
}

/// Refuses a NaN or infinite float for a column with no definition at hand.
pub(crate) fn check_float(column: &str, v: &Value) -> Result<()> {
    match v {
        Value::F64(f) if !f.is_finite() => {
            Err(Error::InvalidValue { column: column.to_owned(), reason: format!("{f} is not a finite number") })
        }
        Value::String(s) if s.contains('\0') => Err(Error::InvalidValue { column: column.to_owned(), reason: NUL_TEXT.into() }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ColumnType;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn col() -> ColumnDef {
        ColumnDef::new("price", ColumnType::Decimal { precision: Some(20), scale: Some(8) })
    }
    fn check(s: &str) -> Result<String> {
        let mut v = Value::Decimal(Decimal::from_str(s).unwrap());
        col().check_value(&mut v)?;
        match v {
            Value::Decimal(d) => Ok(d.to_string()),
            _ => unreachable!(),
        }
    }

    #[test]
    fn decimals_come_to_the_column_scale_or_are_refused() {
        assert_eq!(check("100.5").unwrap(), "100.50000000");
        assert_eq!(check("-0.00000001").unwrap(), "-0.00000001");
        assert_eq!(check("1.12345678000").unwrap(), "1.12345678");
        assert_eq!(check("999999999999.99999999").unwrap(), "999999999999.99999999");
        let e = check("1.123456789123").unwrap_err();
        assert!(matches!(&e, Error::InvalidValue { column, .. } if column == "price"), "{e}");
        assert!(check("1000000000000").is_err(), "13 integer digits in DECIMAL(20, 8)");
        assert!(check("-1000000000000.5").is_err());
    }

    #[test]
    fn floats_must_be_finite() {
        let c = ColumnDef::new("x", ColumnType::F64).nullable();
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = c.check_value(&mut Value::F64(f)).unwrap_err();
            assert!(matches!(&e, Error::InvalidValue { column, .. } if column == "x"), "{e}");
        }
        c.check_value(&mut Value::F64(1.5)).unwrap();
        assert!(check_float("y", &Value::F64(f64::NAN)).is_err());
    }

    #[test]
    fn times_keep_their_column_precision_or_are_refused() {
        let at = |nanos| chrono::NaiveTime::from_hms_nano_opt(1, 2, 3, nanos).unwrap();
        let micro = ColumnDef::new("t", ColumnType::Time);
        let whole = ColumnDef::new("t", ColumnType::Time).time_precision(0);
        micro.check_value(&mut Value::Time(at(123_456_000))).unwrap();
        assert!(micro.check_value(&mut Value::Time(at(123_456_700))).is_err());
        whole.check_value(&mut Value::Time(at(0))).unwrap();
        assert!(whole.check_value(&mut Value::Time(at(1))).is_err());
        let leap = chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, 1_000_000_000).unwrap();
        assert!(micro.check_value(&mut Value::Time(leap)).is_err(), "a leap second");
    }
}
