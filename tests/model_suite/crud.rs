//! Bulk insert, the query terminals, streaming, composite keys and constraint errors: the query
//! API only, so every dialect runs these steps.

use super::models::*;
use athanor::prelude::*;
use athanor::DbErrorKind;
use futures_util::TryStreamExt;

const SYMBOLS: [&str; 3] = ["BTC", "ETH", "SOL"];

/// 3 symbols × 10 minutes, closes 100 + minute (+1000 per symbol index).
fn day() -> Vec<Candle> {
    SYMBOLS.iter().enumerate().flat_map(|(i, s)| (0..10).map(move |m| candle(s, m, Decimal::from(100 + m + 1000 * i as u32)))).collect()
}

/// insert_many, then count / exists / first / one / all with filters and ordering.
pub async fn bulk_insert_and_queries(engine: &Engine) {
    let n = Candle::insert_many(&day()).execute(engine).await.expect("insert_many");
    assert_eq!(n, 30);
    assert_eq!(Candle::insert_many(&[]).execute(engine).await.expect("an empty insert_many is a no-op"), 0);
    assert_eq!(Candle::select().count(engine).await.unwrap(), 30);
    assert_eq!(Candle::select().filter(Candle::SYMBOL.eq("ETH")).count(engine).await.unwrap(), 10);
    assert_eq!(Candle::select().filter(Candle::CLOSE.gt(dec!(1100))).count(engine).await.unwrap(), 19);
    assert!(Candle::select().filter(Candle::SYMBOL.eq("SOL")).exists(engine).await.unwrap());
    assert!(!Candle::select().filter(Candle::SYMBOL.eq("DOGE")).exists(engine).await.unwrap());

    let last = Candle::select().filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.desc()).first(engine).await.unwrap().expect("a row");
    assert_eq!((last.ts, last.close), (ts(1, 9), dec!(109)));
    assert!(last.id > 0);
    let none = Candle::select().filter(Candle::SYMBOL.eq("DOGE")).first(engine).await.unwrap();
    assert_eq!(none, None);

    let one = Candle::select().filter(Candle::SYMBOL.eq("ETH").and(Candle::TS.eq(ts(1, 3)))).one(engine).await.expect("one");
    assert_eq!(one.close, dec!(1103));
    assert_eq!(Candle::get_by_key(one.id).one(engine).await.unwrap(), one);
    let err = Candle::select().filter(Candle::SYMBOL.eq("ETH")).one(engine).await.expect_err("one of many");
    assert!(matches!(err, athanor::Error::MultipleRows), "{err}");
    let err = Candle::select().filter(Candle::SYMBOL.eq("DOGE")).one(engine).await.expect_err("one of none");
    assert!(matches!(err, athanor::Error::NotFound), "{err}");

    let page = Candle::select()
        .filter(Candle::SYMBOL.in_list(["BTC", "SOL"]).and(Candle::TS.between(ts(1, 2), ts(1, 4))))
        .order_by(Candle::SYMBOL.desc())
        .order_by(Candle::TS.asc())
        .limit(4)
        .offset(1)
        .all(engine)
        .await
        .expect("filtered, ordered page");
    let got: Vec<(&str, u32)> = page.iter().map(|c| (c.symbol.as_str(), c.volume.trunc().to_string().parse().unwrap())).collect();
    assert_eq!(got, [("SOL", 3), ("SOL", 4), ("BTC", 2), ("BTC", 3)]);
}

/// `.stream()` yields the same rows as `.all()`, decoded one by one.
pub async fn stream_rows(engine: &Engine) {
    let q = Candle::select().filter(Candle::SYMBOL.eq("SOL")).order_by(Candle::TS.asc());
    let all = q.clone().all(engine).await.unwrap();
    let streamed: Vec<Candle> = q.stream(engine).try_collect().await.expect("stream");
    assert_eq!(streamed, all);
    assert_eq!(streamed.len(), 10);
}

/// A two-column primary key: insert, get, update, upsert of every non-key column, delete.
pub async fn composite_key(engine: &Engine) {
    let p = Position { account: "acc-1".into(), symbol: "BTC".into(), qty: dec!(1.5), updated: ts(2, 0) };
    let q = Position { account: "acc-1".into(), symbol: "ETH".into(), qty: dec!(-3), updated: ts(2, 1) };
    let r = Position { account: "acc-2".into(), symbol: "BTC".into(), qty: dec!(0.000001), updated: ts(2, 2) };
    assert_eq!(p.insert().execute(engine).await.expect("insert with a composite key"), p, "no generated key to fill in");
    Position::insert_many(&[q.clone(), r.clone()]).execute(engine).await.unwrap();
    assert_eq!(Position::get_by_key(("acc-1", "ETH")).one(engine).await.unwrap(), q);
    assert_eq!(Position::get_by_key(("acc-2", "ETH")).first(engine).await.unwrap(), None);

    let n = Position::update()
        .set(Position::QTY, dec!(2))
        .filter(Position::ACCOUNT.eq("acc-1").and(Position::SYMBOL.eq("BTC")))
        .execute(engine)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(Position::get_by_key(("acc-1", "BTC")).one(engine).await.unwrap().qty, dec!(2));

    let moved = Position { qty: dec!(5), updated: ts(3, 0), ..r.clone() };
    Position::insert_many(std::slice::from_ref(&moved))
        .on_conflict_update_all()
        .execute(engine)
        .await
        .expect("upsert on the composite key");
    assert_eq!(Position::get_by_key(("acc-2", "BTC")).one(engine).await.unwrap(), moved);
    assert_eq!(Position::select().count(engine).await.unwrap(), 3);

    let n = Position::delete().filter(Position::ACCOUNT.eq("acc-1")).execute(engine).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(Position::select().all(engine).await.unwrap(), vec![moved]);
}

/// Unique and foreign-key violations are typed errors.
pub async fn constraints(engine: &Engine) {
    let dup = candle("ETH", 1, dec!(1));
    let err = dup.insert().execute(engine).await.expect_err("a duplicate (symbol, ts)");
    assert_eq!(err.db_kind(), Some(DbErrorKind::UniqueViolation), "{err}");

    let c = Candle::select().filter(Candle::SYMBOL.eq("ETH")).order_by(Candle::TS.asc()).first(engine).await.unwrap().unwrap();
    let fill = Fill { id: 0, candle_id: c.id, qty: 3, side: "sell".into() }.insert().execute(engine).await.expect("insert a fill");
    assert!(fill.id > 0);
    assert_eq!(Fill::get_by_key(fill.id).one(engine).await.unwrap(), fill);
    let err =
        Fill { id: 0, candle_id: 987_654, qty: 1, side: "buy".into() }.insert().execute(engine).await.expect_err("a dangling reference");
    assert_eq!(err.db_kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");
}
