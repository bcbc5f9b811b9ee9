//! Values are stored exactly or refused, the same on every dialect (issue 10 defect 10, issue 11
//! defect 7): a Decimal round-trips at its column's scale (SQLite included, up to 28 digits) and
//! filters and ORDER BY on it are numeric; a Decimal with more digits than its column, or a NaN or
//! infinite float, is `Error::InvalidValue` naming the column, before any I/O, with nothing stored.

mod common_mysql;
mod pg_scratch;

use athanor::prelude::*;
use athanor_core::ast::Expr;
use std::str::FromStr;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "textsem_prices")]
struct Price {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(precision = 20, scale = 8)]
    p: Decimal,
    #[athanor(precision = 28, scale = 10)]
    big: Option<Decimal>,
    f: Option<f64>,
}

/// `(p as written, p as stored at scale 8, big)`.
const ROWS: &[(&str, &str, Option<&str>)] = &[
    ("100.50000000", "100.50000000", Some("123456789012345678.1234567890")),
    ("100.5", "100.50000000", Some("-123456789012345678.1234567890")),
    ("-0.00000001", "-0.00000001", None),
    ("999999999999.99999999", "999999999999.99999999", Some("0.0000000001")),
    ("-999999999999.99999999", "-999999999999.99999999", Some("-0.0000000001")),
    ("0", "0.00000000", Some("123456789012345678.1234567891")),
    ("-3.1", "-3.10000000", None),
    ("2.00000000000", "2.00000000", Some("9")),
    ("10", "10.00000000", Some("-10")),
    ("9.99999999", "9.99999999", None),
];

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn ids(engine: &Engine, e: Expr) -> Vec<i64> {
    let rows = Price::select().filter(e.clone()).order_by(Price::ID).all(engine).await;
    rows.unwrap_or_else(|err| panic!("{e:?}: {err}")).into_iter().map(|r| r.id).collect()
}

fn expect(f: impl Fn(Decimal, Option<Decimal>) -> bool) -> Vec<i64> {
    ROWS.iter().enumerate().filter(|(_, r)| f(d(r.0), r.2.map(d))).map(|(i, _)| i as i64 + 1).collect()
}

fn invalid(r: Result<impl std::fmt::Debug, athanor::Error>, column: &str) {
    match r {
        Err(athanor::Error::InvalidValue { column: c, .. }) if c == column => {}
        other => panic!("expected InvalidValue naming `{column}`, got {other:?}"),
    }
}

async fn check(engine: &Engine) {
    let rows: Vec<Price> =
        ROWS.iter().enumerate().map(|(i, r)| Price { id: i as i64 + 1, p: d(r.0), big: r.2.map(d), f: Some(1.5) }).collect();
    Price::insert_many(&rows).execute(engine).await.expect("insert");

    // Round trip, scale included.
    let back = Price::select().order_by(Price::ID).all(engine).await.expect("read back");
    let got: Vec<(String, Option<String>)> = back.iter().map(|r| (r.p.to_string(), r.big.map(|b| b.to_string()))).collect();
    let at_scale_10 = |s: &str| {
        let mut b = d(s);
        b.rescale(10);
        b.to_string()
    };
    let want: Vec<(String, Option<String>)> = ROWS.iter().map(|r| (r.1.to_owned(), r.2.map(at_scale_10))).collect();
    assert_eq!(want[7].1.as_deref(), Some("9.0000000000"));
    assert_eq!(got, want, "every Decimal comes back exactly, at its column's scale");

    // Filters are numeric.
    assert_eq!(ids(engine, Price::P.gt(d("0"))).await, expect(|p, _| p > d("0")), "gt 0");
    assert_eq!(ids(engine, Price::P.lt(d("10"))).await, expect(|p, _| p < d("10")), "lt 10 (not text order)");
    assert_eq!(ids(engine, Price::P.eq(d("100.5"))).await, vec![1, 2], "eq ignores trailing zeros");
    assert_eq!(ids(engine, Price::P.ge(d("-3.10"))).await, expect(|p, _| p >= d("-3.1")), "ge negative");
    assert_eq!(ids(engine, Price::P.between(d("-1"), d("100.5"))).await, expect(|p, _| p >= d("-1") && p <= d("100.5")), "between");
    assert_eq!(ids(engine, Price::P.in_list([d("10"), d("-0.00000001")])).await, vec![3, 9], "in_list");
    let big = d("123456789012345678.1234567890");
    assert_eq!(ids(engine, Price::BIG.gt(big)).await, vec![6], "28 digits compare exactly");
    assert_eq!(ids(engine, Price::BIG.eq(big)).await, vec![1], "28 digits are equal exactly");
    assert_eq!(ids(engine, Price::BIG.lt(d("0"))).await, expect(|_, b| b.is_some_and(|b| b < d("0"))), "negative 28-digit");

    // ORDER BY is numeric (ties broken by key).
    let ordered: Vec<i64> =
        Price::select().order_by(Price::P).order_by(Price::ID).all(engine).await.expect("order").into_iter().map(|r| r.id).collect();
    let mut want: Vec<(Decimal, i64)> = ROWS.iter().enumerate().map(|(i, r)| (d(r.0), i as i64 + 1)).collect();
    want.sort();
    assert_eq!(ordered, want.iter().map(|w| w.1).collect::<Vec<_>>(), "ORDER BY Decimal is numeric");
    let top = Price::select().order_by(Price::P.desc()).first(engine).await.expect("max").expect("a row");
    assert_eq!(top.p.to_string(), "999999999999.99999999");

    // Refused, before any I/O, naming the column; nothing stored.
    let row = |id: i64, p: &str, f: Option<f64>| Price { id, p: d(p), big: None, f };
    invalid(row(100, "1.123456789123", None).insert().execute(engine).await, "p");
    invalid(Price::insert_many(&[row(101, "1", None), row(102, "1.000000001", None)]).execute(engine).await, "p");
    invalid(row(103, "1000000000000", None).insert().execute(engine).await, "p");
    invalid(row(104, "-1000000000000.5", None).insert().execute(engine).await, "p");
    let mut too_big = row(105, "1", None);
    too_big.big = Some(d("1234567890123456789.5"));
    invalid(too_big.insert().execute(engine).await, "big");
    invalid(row(106, "1", Some(f64::NAN)).insert().execute(engine).await, "f");
    invalid(row(107, "1", Some(f64::INFINITY)).insert().execute(engine).await, "f");
    invalid(row(108, "1", Some(f64::NEG_INFINITY)).insert().execute(engine).await, "f");
    invalid(Price::update().set(Price::P, d("0.123456789")).filter(Price::ID.eq(1)).execute(engine).await, "p");
    invalid(Price::update().set(Price::F, Some(f64::NAN)).filter(Price::ID.eq(1)).execute(engine).await, "f");
    assert_eq!(Price::select().count(engine).await.expect("count"), ROWS.len() as u64, "nothing refused was stored");
    let first = Price::get_by_key(1i64).one(engine).await.expect("row 1");
    assert_eq!((first.p.to_string(), first.f), ("100.50000000".to_owned(), Some(1.5)), "refused updates changed nothing");

    // An exact value with more written digits is brought to the column's scale, not refused.
    Price::update().set(Price::P, d("7.1000000000")).filter(Price::ID.eq(1)).execute(engine).await.expect("exact update");
    let first = Price::get_by_key(1i64).one(engine).await.expect("row 1");
    assert_eq!(first.p.to_string(), "7.10000000");
}

#[tokio::test]
async fn values_exact_on_sqlite() {
    let engine = athanor::create_engine("sqlite://").expect("engine");
    engine.create_all(&[Price::table()]).await.expect("create");
    check(&engine).await;
}

#[tokio::test]
async fn values_exact_on_mariadb() {
    common_mysql::with_scratch_db("values", "", |engine, _| async move {
        engine.create_all(&[Price::table()]).await.expect("create");
        check(&engine).await;
    })
    .await;
}

#[tokio::test]
async fn values_exact_on_postgres() {
    pg_scratch::on_postgres(vec![Price::table()], |engine| async move { check(&engine).await }).await;
}

#[tokio::test]
async fn values_exact_on_supabase() {
    pg_scratch::on_supabase_standin("values-key", &[Price::table()], |engine| async move { check(&engine).await }).await;
}
