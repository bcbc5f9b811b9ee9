//! The expression language on real servers: SQLite (in memory), MariaDB and PostgreSQL (a fresh
//! database each, dropped afterwards) give the same answers.

mod expressions;

use athanor::chrono::{DateTime, NaiveDate, Utc};
use athanor::prelude::*;
use athanor::query::{abs, case_when, cast, cast_decimal, coalesce, excluded, exists, length, lower, now, scalar_subquery, select, upper};
use athanor::Row;
use expressions::*;

async fn seed(e: &Engine) {
    e.drop_all(&[Bar::table(), Watch::table()]).await.unwrap();
    e.create_all(&[Bar::table(), Watch::table()]).await.unwrap();
    Bar::insert_many(&[
        bar(1, "BTC", dec!(10.5), dec!(9.25), dec!(100.5), 7, 2.5, Some("Ä-note"), Some(dec!(0.1))),
        bar(2, "ETH", dec!(5), dec!(5), dec!(9.99), -7, 0.0, None, None),
        bar(3, "SOL", dec!(3), dec!(1), dec!(1000), 0, 1.0, Some("straße"), None),
    ])
    .execute(e)
    .await
    .unwrap();
    Watch::insert_many(&[Watch { symbol: "BTC".into() }, Watch { symbol: "SOL".into() }]).execute(e).await.unwrap();
}

async fn ids(e: &Engine, q: athanor::query::Select<Bar>) -> Vec<i64> {
    q.order_by(Bar::ID.asc()).all(e).await.unwrap().into_iter().map(|b| b.id).collect()
}

/// One expression per bar, in id order.
async fn column<T: athanor::FromValue>(e: &Engine, x: impl Into<athanor::ast::Expr>) -> Vec<T> {
    let rows: Vec<Row> = select(Bar::table()).columns([x.into()]).order_by(Bar::ID.asc()).all(e).await.unwrap();
    rows.iter().map(|r| r.get_index::<T>(0).unwrap_or_else(|err| panic!("{}: {err} in {r:?}", e.dialect()))).collect()
}

async fn run(e: &Engine) {
    seed(e).await;
    let d = e.dialect();

    // Column against column, and arithmetic compared by value (SQLite: not as text).
    assert_eq!(ids(e, Bar::select().filter(Bar::HIGH.gt(Bar::LOW))).await, [1, 3], "{d}");
    assert_eq!(ids(e, Bar::select().filter((Bar::HIGH - Bar::LOW).ge(dec!(2)))).await, [3], "{d}");
    assert_eq!(ids(e, Bar::select().filter((Bar::VOLUME + dec!(0)).gt(dec!(200)))).await, [3], "{d}");
    assert_eq!(ids(e, Bar::select().filter((Bar::TRADES * 2i64).lt(Bar::TRADES))).await, [2], "{d}");
    assert_eq!(column::<Decimal>(e, Bar::HIGH - Bar::LOW).await, [dec!(1.25), dec!(0), dec!(2)], "{d}");
    assert_eq!(column::<Decimal>(e, Bar::VOLUME * dec!(2)).await, [dec!(201), dec!(19.98), dec!(2000)], "{d}");

    // Integer division truncates toward zero; division by zero is NULL.
    assert_eq!(column::<i64>(e, Bar::TRADES / 2i64).await, [3, -3, 0], "{d}");
    assert_eq!(column::<Option<i64>>(e, Bar::TRADES / 0i64).await, [None, None, None], "{d}");
    assert_eq!(column::<Option<f64>>(e, Bar::PRICE * 2.0 / Bar::PRICE).await, [Some(2.0), None, Some(2.0)], "{d}");

    // SET volume = volume + 1.
    let n = Bar::update()
        .set(Bar::VOLUME, Bar::VOLUME + dec!(1))
        .set(Bar::TRADES, Bar::TRADES + 1i64)
        .filter(Bar::ID.eq(1))
        .execute(e)
        .await
        .unwrap();
    assert_eq!(n, 1, "{d}");
    let b = Bar::get_by_key(1i64).one(e).await.unwrap();
    assert_eq!((b.volume, b.volume.to_string(), b.trades), (dec!(101.5), "101.50000000".to_string(), 8), "{d}");

    // A Decimal result assigned to a DECIMAL(20, 8) column is rounded to its scale, half away
    // from zero, everywhere (SQLite would store all 9 digits); one too large is refused.
    Bar::update().set(Bar::HIGH, Bar::HIGH * dec!(0.00000001) + dec!(0.000000005)).filter(Bar::ID.eq(3)).execute(e).await.unwrap();
    assert_eq!(Bar::get_by_key(3i64).one(e).await.unwrap().high.to_string(), "0.00000004", "{d}");
    let r = Bar::update().set(Bar::HIGH, Bar::HIGH + dec!(9999999999999)).filter(Bar::ID.eq(3)).execute(e).await;
    assert!(r.is_err(), "{d}: {r:?}");
    Bar::update().set(Bar::HIGH, dec!(3)).filter(Bar::ID.eq(3)).execute(e).await.unwrap();

    // 64-bit overflow is an error everywhere (SQLite would silently give a float).
    let r = Bar::update().set(Bar::TRADES, Bar::TRADES + i64::MAX).filter(Bar::ID.eq(1)).execute(e).await;
    assert!(r.is_err(), "{d}: {r:?}");
    assert_eq!(Bar::get_by_key(1i64).one(e).await.unwrap().trades, 8, "{d}");

    // IN / NOT IN (SELECT …), EXISTS.
    let watched = select(Watch::table()).columns([Watch::SYMBOL]);
    assert_eq!(ids(e, Bar::select().filter(Bar::SYMBOL.in_subquery(&watched))).await, [1, 3], "{d}");
    assert_eq!(ids(e, Bar::select().filter(Bar::SYMBOL.not_in_subquery(&watched))).await, [2], "{d}");
    assert_eq!(ids(e, Bar::select().filter(exists(&watched.clone().filter(Watch::SYMBOL.eq("BTC"))))).await, [1, 2, 3], "{d}");
    assert_eq!(ids(e, Bar::select().filter(exists(&watched.clone().filter(Watch::SYMBOL.eq("ETH"))))).await, Vec::<i64>::new(), "{d}");

    // A Decimal scalar subquery compares by value (SQLite: not as text).
    let max_volume = select(Bar::table()).columns([Bar::VOLUME.max()]);
    let top = scalar_subquery::<Option<Decimal>, _>(&max_volume);
    assert_eq!(ids(e, Bar::select().filter(top.clone().gt(dec!(200)))).await, [1, 2, 3], "{d}");
    assert_eq!(ids(e, Bar::select().filter(top.le(Bar::VOLUME))).await, [3], "{d}");

    // CASE, COALESCE, NULLs.
    let size = case_when::<String>(Bar::VOLUME.gt(dec!(500)), "big").when(Bar::VOLUME.gt(dec!(50)), "mid").otherwise("small");
    assert_eq!(column::<String>(e, size).await, ["mid", "small", "big"], "{d}");
    let fee_or_high = case_when::<Option<Decimal>>(Bar::FEE.is_null(), Bar::HIGH).otherwise(Bar::FEE);
    assert_eq!(ids(e, Bar::select().filter(fee_or_high.ge(dec!(3)))).await, [2, 3], "{d}");
    assert_eq!(column::<String>(e, coalesce(Bar::NOTE, "-")).await, ["Ä-note", "-", "straße"], "{d}");
    assert_eq!(ids(e, Bar::select().filter(coalesce(Bar::FEE, dec!(0)).gt(dec!(0)))).await, [1], "{d}");
    assert_eq!(column::<Decimal>(e, coalesce(Bar::FEE, Bar::VOLUME)).await, [dec!(0.1), dec!(9.99), dec!(1000)], "{d}");

    // Text functions count and fold characters, not bytes.
    assert_eq!(column::<Option<i64>>(e, length(Bar::NOTE)).await, [Some(6), None, Some(6)], "{d}");
    assert_eq!(column::<Option<String>>(e, upper(Bar::NOTE)).await, [Some("Ä-NOTE".into()), None, Some("STRAßE".into())], "{d}");
    assert_eq!(column::<Option<String>>(e, lower(Bar::NOTE)).await, [Some("ä-note".into()), None, Some("straße".into())], "{d}");

    // ABS, casts.
    assert_eq!(column::<i64>(e, abs(Bar::TRADES)).await, [8, 7, 0], "{d}");
    assert_eq!(column::<Decimal>(e, abs(Bar::LOW - Bar::HIGH)).await, [dec!(1.25), dec!(0), dec!(2)], "{d}");
    assert_eq!(column::<f64>(e, cast::<f64>(Bar::TRADES)).await, [8.0, -7.0, 0.0], "{d}");
    assert_eq!(column::<String>(e, cast::<String>(Bar::VOLUME)).await, ["101.50000000", "9.99000000", "1000.00000000"], "{d}");
    assert_eq!(column::<String>(e, cast::<String>(Bar::TRADES)).await, ["8", "-7", "0"], "{d}");
    let as_dec = column::<Decimal>(e, cast_decimal(Bar::TRADES, 30, 2)).await;
    assert_eq!(as_dec.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["8.00", "-7.00", "0.00"], "{d}");
    let day = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    assert_eq!(column::<NaiveDate>(e, cast::<NaiveDate>(Bar::TS)).await, [day, day, day], "{d}");

    // now(): the current instant in UTC whatever the session's zone.
    // (A `Row` reads MySQL's DATETIME as a naive value; a `DateTime<Utc>` field reads it as UTC.)
    let rows: Vec<Row> = select(Bar::table()).columns([now()]).all(e).await.unwrap();
    let t: DateTime<Utc> = match &rows[0].values()[0] {
        athanor::Value::DateTimeUtc(t) => *t,
        athanor::Value::DateTime(t) if d == "mysql" => t.and_utc(),
        other => rows[0].get_index(0).unwrap_or_else(|err| panic!("{d}: {err}: {other:?}")),
    };
    let skew = (t - Utc::now()).num_seconds().abs();
    assert!(skew < 300, "{d}: now() is {t} vs {}", Utc::now());

    // Upsert: volume = volume + excluded.volume (MySQL names no target).
    let again = bar(1, "BTC", dec!(10.5), dec!(9.25), dec!(5), 7, 2.5, None, None);
    let up = again.insert().on_conflict_set(Bar::VOLUME, Bar::VOLUME + excluded(Bar::VOLUME));
    let up = if d == "mysql" { up } else { up.on_conflict([Bar::ID]) };
    up.execute(e).await.unwrap();
    let b = Bar::get_by_key(1i64).one(e).await.unwrap();
    assert_eq!((b.volume, b.note.as_deref()), (dec!(106.5), Some("Ä-note")), "{d}");
    assert_eq!(Bar::select().count(e).await.unwrap(), 3, "{d}");
    // The same upsert for a batch (PostgreSQL sends batches through unnest).
    let batch = [again.clone(), bar(2, "ETH", dec!(10.5), dec!(9.25), dec!(1.5), 7, 2.5, None, None)];
    let up = Bar::insert_many(&batch).on_conflict_set(Bar::VOLUME, Bar::VOLUME + excluded(Bar::VOLUME));
    let up = if d == "mysql" { up } else { up.on_conflict([Bar::ID]) };
    up.execute(e).await.unwrap_or_else(|err| panic!("{d}: {err}"));
    let vols: Vec<Decimal> =
        Bar::select().filter(Bar::ID.le(2)).order_by(Bar::ID).all(e).await.unwrap().into_iter().map(|b| b.volume).collect();
    assert_eq!(vols[0], dec!(111.5), "{d}");
    assert_eq!(Bar::select().count(e).await.unwrap(), 3, "{d}");

    e.drop_all(&[Bar::table(), Watch::table()]).await.unwrap();
}

#[tokio::test]
async fn expressions_on_sqlite() {
    let e = create_engine("sqlite://").unwrap();
    run(&e).await;
}

/// `url` with its database replaced by `db`.
fn url_for(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{db}")
}

async fn on_scratch_database(url: &str, quote: char) {
    let admin = create_engine(url).unwrap();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let db = format!("athanor_expr_{}_{nanos}", std::process::id());
    athanor::text(format!("CREATE DATABASE {quote}{db}{quote}")).execute(&admin).await.unwrap();
    let engine = create_engine(&url_for(url, &db)).unwrap();
    let outcome = {
        let engine = engine.clone();
        tokio::spawn(async move { run(&engine).await }).await
    };
    engine.dispose().await;
    let force = if quote == '"' { " WITH (FORCE)" } else { "" };
    athanor::text(format!("DROP DATABASE IF EXISTS {quote}{db}{quote}{force}")).execute(&admin).await.unwrap();
    admin.dispose().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test]
async fn expressions_on_mariadb() {
    let url = std::env::var("ATHANOR_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    on_scratch_database(&url, '`').await;
}

#[tokio::test]
async fn expressions_on_postgres() {
    let url = std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/test".into());
    on_scratch_database(&url, '"').await;
}
