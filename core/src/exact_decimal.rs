//! Decimals exact or refused: [`Decimal`] holds 28–29 significant digits and a scale up to 28,
//! and `rust_decimal` silently rounds a result or a parsed text that needs more. PostgreSQL and
//! MySQL compute every digit; the readers and SQLite's arithmetic refuse what a `Decimal` would
//! round, so no dialect answers with a rounded value (`1e-8⁴` is an error, not `0`).

use rust_decimal::Decimal;
use std::str::FromStr;

/// Why a value was refused.
pub const INEXACT: &str = "a Decimal cannot hold this value exactly (more than 28 significant digits or digits after the point)";

/// Parses decimal text (`-0012.3400`, no exponent) exactly: an error where a [`Decimal`] would
/// round it. Trailing zeros after the point may be dropped (`1.000…` with 32 zeros reads as `1`
/// at scale 28).
pub fn parse_exact(s: &str) -> Result<Decimal, String> {
    let d = Decimal::from_str(s).map_err(|e| format!("cannot parse {s:?} as a decimal: {e}"))?;
    if canonical(s) != canonical(&d.to_string()) {
        return Err(format!("{s}: {INEXACT}"));
    }
    Ok(d)
}

/// `s` without sign of zero, leading zeros, trailing fractional zeros or a bare point.
fn canonical(s: &str) -> String {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let body = match (int.is_empty(), frac.is_empty()) {
        (true, true) => return "0".to_owned(),
        (_, true) => int.to_owned(),
        (true, false) => format!("0.{frac}"),
        (false, false) => format!("{int}.{frac}"),
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

const fn pow10(k: u32) -> u128 {
    10u128.pow(k)
}

/// `a * b mod m` for `m < 2^127` without overflow.
fn mulmod(a: u128, b: u128, m: u128) -> u128 {
    let (mut r, mut a, mut b) = (0u128, a % m, b);
    while b > 0 {
        if b & 1 == 1 {
            r = (r + a) % m;
        }
        a = (a << 1) % m;
        b >>= 1;
    }
    r
}

/// A zero result at the scale the servers give it (`-2.5 * 0` is `0.00000000` at scale 8 there;
/// rust_decimal returns a scale-0 zero, or a negative one).
fn zero_at(s: u32) -> Decimal {
    let mut z = Decimal::ZERO;
    z.rescale(s.min(28));
    z
}

/// `a + b` exactly: `Err` on overflow or where the sum would be rounded.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, &'static str> {
    let r = a.checked_add(b).ok_or("decimal overflow")?;
    let s = a.scale().max(b.scale());
    if a == -b {
        return Ok(zero_at(s));
    }
    if r.scale() >= s {
        return Ok(r);
    }
    // Rounded to fewer digits: exact only if the dropped digits of the exact sum are zeros.
    let k = s - r.scale();
    let m = pow10(k);
    let low = |d: Decimal| {
        let lo = mulmod(d.mantissa().unsigned_abs() % m, pow10(s - d.scale()) % m, m) as i128;
        if d.is_sign_negative() {
            -lo
        } else {
            lo
        }
    };
    if (low(a) + low(b)).rem_euclid(m as i128) == 0 {
        Ok(r)
    } else {
        Err(INEXACT)
    }
}

/// `a * b` exactly: `Err` on overflow or where the product would be rounded.
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, &'static str> {
    let r = a.checked_mul(b).ok_or("decimal overflow")?;
    let s = a.scale() + b.scale();
    if a.is_zero() || b.is_zero() {
        return Ok(zero_at(s));
    }
    if r.scale() >= s {
        return Ok(r);
    }
    let k = s - r.scale();
    if k > 38 {
        return Err(INEXACT);
    }
    let m = pow10(k);
    let (x, y) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    if mulmod(x % m, y % m, m) == 0 {
        Ok(r)
    } else {
        Err(INEXACT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parse_refuses_what_would_round() {
        assert_eq!(parse_exact("-0012.3400").unwrap().to_string(), "-12.3400");
        assert_eq!(parse_exact("0.00000000").unwrap().to_string(), "0.00000000");
        assert_eq!(parse_exact("-0.000").unwrap(), Decimal::ZERO);
        assert_eq!(parse_exact("1.00000000000000000000000000000000").unwrap(), Decimal::ONE);
        assert!(parse_exact("0.00000000000000000000000000000001").is_err());
        assert!(parse_exact("999999999999999999999.99999999").is_err());
        assert!(parse_exact("99999999999999999999999999999999").is_err());
        assert_eq!(parse_exact("79228162514264337593543950335").unwrap(), Decimal::MAX);
    }

    #[test]
    fn arithmetic_refuses_what_would_round() {
        let tiny = d("-0.00000001");
        let t2 = mul(tiny, tiny).unwrap();
        let t3 = mul(t2, tiny).unwrap();
        assert_eq!(mul(t3, tiny), Err(INEXACT));
        let one = d("1.00000000");
        let o3 = mul(mul(one, one).unwrap(), one).unwrap();
        assert_eq!(mul(o3, one).unwrap(), Decimal::ONE);
        let big = d("79228162514264337593543950.333");
        assert_eq!(add(big, big), Err(INEXACT));
        assert_eq!(add(big, -big).unwrap(), Decimal::ZERO);
        let even = d("79228162514264337593543950.330");
        assert_eq!(add(even, even).unwrap(), d("158456325028528675187087900.66"));
        assert_eq!(add(d("1.5"), d("-2.25")).unwrap(), d("-0.75"));
        assert_eq!(add(d("70000000000000000000.00000000"), d("30000000000000000000.00000000")).unwrap(), d("100000000000000000000"));
        assert_eq!(mul(d("10"), d("0.5")).unwrap().to_string(), "5.0");
        assert_eq!(mul(d("-2.50000000"), d("0")).unwrap().to_string(), "0.00000000");
        assert_eq!(add(d("-0.00000001"), d("0.00000001")).unwrap().to_string(), "0.00000000");
        assert_eq!(add(d("-1.5"), d("1.50")).unwrap().to_string(), "0.00");
    }
}
