//! Typed projections, aggregates, GROUP BY / HAVING and DISTINCT through the model API, on a
//! table of their own (SQL dialects: the Supabase dialect refuses aggregates).

use super::models::{ts as suite_ts, Candle};
use athanor::chrono::{NaiveDate, NaiveDateTime};
use athanor::prelude::*;

/// A trade: a Decimal with 20 significant digits (a double keeps 15–17), an integer quantity.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "suite_trades")]
pub struct Trade {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 16)]
    pub symbol: String,
    pub ts: NaiveDateTime,
    #[athanor(precision = 20, scale = 8)]
    pub price: Decimal,
    pub qty: i64,
    pub note: Option<String>,
}

/// A summary matched by column name (labels), declared in another order than the select list.
#[derive(FromRow, Debug, PartialEq)]
struct Summary {
    n: i64,
    #[athanor(column = "hi")]
    high: Option<Decimal>,
    symbol: String,
}

fn ts(minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_opt(9, minute, 0).unwrap()
}

fn trades() -> Vec<Trade> {
    let t = |id: i64, symbol: &str, price: Decimal, qty: i64, note: Option<&str>| Trade {
        id,
        symbol: symbol.into(),
        ts: ts(id as u32),
        price,
        qty,
        note: note.map(Into::into),
    };
    vec![
        t(1, "BTC", dec!(123456789012.12345678), 3, Some("a")),
        t(2, "BTC", dec!(123456789012.12345679), 4, None),
        t(3, "BTC", dec!(0.00000001), 5, Some("b")),
        t(4, "ETH", dec!(2500.50000000), 10, Some("c")),
        t(5, "ETH", dec!(2499.49999999), 20, None),
        t(6, "SOL", dec!(99.99000000), 7, Some("d")),
    ]
}

/// Every projection and aggregate form, with exact answers.
pub async fn projections_and_aggregates(engine: &Engine) {
    engine.drop_all(&[Trade::table()]).await.expect("drop");
    engine.create_all(&[Trade::table()]).await.expect("create");
    Trade::insert_many(&trades()).execute(engine).await.expect("insert");

    // A tuple of columns, a bare column.
    let btc: Vec<(NaiveDateTime, Decimal)> = Trade::select()
        .columns((Trade::TS, Trade::PRICE))
        .filter(Trade::SYMBOL.eq("BTC"))
        .order_by(Trade::TS.asc())
        .all(engine)
        .await
        .unwrap();
    assert_eq!(btc, vec![(ts(1), dec!(123456789012.12345678)), (ts(2), dec!(123456789012.12345679)), (ts(3), dec!(0.00000001))]);
    let symbols = Trade::select().columns(Trade::SYMBOL).distinct().order_by(Trade::SYMBOL.asc()).all(engine).await.unwrap();
    assert_eq!(symbols, ["BTC", "ETH", "SOL"]);
    assert_eq!(Trade::select().columns(Trade::SYMBOL).distinct().count(engine).await.unwrap(), 3);
    let notes: Vec<Option<String>> =
        Trade::select().columns(Trade::NOTE).filter(Trade::ID.le(2)).order_by(Trade::ID.asc()).all(engine).await.unwrap();
    assert_eq!(notes, [Some("a".to_owned()), None]);

    // Every aggregate in one row; the Decimal sum is exact (21 digits) on every dialect.
    let (n, notes, syms, sum, qty, avg, lo, hi, last) = Trade::select()
        .columns((
            count_star(),
            Trade::NOTE.count(),
            Trade::SYMBOL.count_distinct(),
            Trade::PRICE.sum(),
            Trade::QTY.sum(),
            Trade::QTY.avg(),
            Trade::PRICE.min(),
            Trade::PRICE.max(),
            Trade::TS.max(),
        ))
        .one(engine)
        .await
        .unwrap();
    assert_eq!((n, notes, syms), (6, 4, 3));
    assert_eq!(sum.map(|d| d.to_string()).as_deref(), Some("246913583124.23691357"), "value and scale");
    assert_eq!(qty, Some(49));
    assert!((avg.unwrap() - 49.0 / 6.0).abs() < 1e-9, "{avg:?}");
    assert_eq!((lo, hi, last), (Some(dec!(0.00000001)), Some(dec!(123456789012.12345679)), Some(ts(6))));

    // No rows: COUNT is 0, the others NULL.
    let empty = Trade::select().columns((count_star(), Trade::PRICE.sum(), Trade::QTY.sum(), Trade::QTY.avg(), Trade::TS.min()));
    let none = empty.filter(Trade::SYMBOL.eq("DOGE")).one(engine).await.unwrap();
    assert_eq!(none, (0, None, None, None, None));

    // GROUP BY with HAVING on typed aggregates; count()/exists() of the groups.
    let grouped = || {
        Trade::select()
            .columns((Trade::SYMBOL, count_star(), Trade::PRICE.max()))
            .group_by([Trade::SYMBOL])
            .having(Trade::PRICE.max().gt(dec!(100)))
    };
    let rows = grouped().order_by(Trade::SYMBOL.asc()).all(engine).await.unwrap();
    assert_eq!(rows, vec![("BTC".to_owned(), 3, Some(dec!(123456789012.12345679))), ("ETH".to_owned(), 2, Some(dec!(2500.5)))]);
    assert_eq!(grouped().count(engine).await.unwrap(), 2);
    assert!(grouped().exists(engine).await.unwrap());
    let none = grouped().having(count_star().gt(3));
    assert_eq!(none.clone().count(engine).await.unwrap(), 0);
    assert!(!none.exists(engine).await.unwrap());
    // Groups ordered by a Decimal aggregate sort by value on every dialect (not as text).
    let by_high: Vec<String> = Trade::select()
        .columns(Trade::SYMBOL)
        .group_by([Trade::SYMBOL])
        .having(Trade::PRICE.max().gt(Trade::PRICE.min()))
        .order_by(Trade::PRICE.max().desc())
        .all(engine)
        .await
        .unwrap();
    assert_eq!(by_high, ["BTC", "ETH"]);
    let by_sum: Vec<(String, Option<Decimal>)> = Trade::select()
        .columns((Trade::SYMBOL, Trade::PRICE.sum()))
        .group_by([Trade::SYMBOL])
        .order_by(Trade::PRICE.sum().asc())
        .all(engine)
        .await
        .unwrap();
    assert_eq!(by_sum.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["SOL", "ETH", "BTC"]);
    assert_eq!(by_sum[1].1.map(|d| d.to_string()).as_deref(), Some("4999.99999999"));
    let big: Vec<String> =
        Trade::select().columns(Trade::SYMBOL).group_by([Trade::SYMBOL]).having(Trade::QTY.sum().ge(30)).all(engine).await.unwrap();
    assert_eq!(big, ["ETH"]);

    // By name: labels matched to fields once per result, whatever the order.
    let by_name = Trade::select()
        .columns((Trade::PRICE.max().label("hi"), Trade::SYMBOL, count_star().label("n")))
        .group_by([Trade::SYMBOL])
        .order_by(Trade::SYMBOL.desc())
        .decode_as::<Summary>()
        .all(engine)
        .await
        .unwrap();
    assert_eq!(by_name[0], Summary { n: 1, high: Some(dec!(99.99)), symbol: "SOL".into() });
    assert_eq!(by_name.len(), 3);
    let err = Trade::select().columns((Trade::SYMBOL, count_star())).group_by([Trade::SYMBOL]).decode_as::<Summary>().all(engine).await;
    assert!(matches!(err, Err(athanor::Error::Decode { .. })), "an unlabelled column is a decode error: {err:?}");

    // An integer SUM past i64 is an error on every dialect, never a wrapped value.
    Trade::update().set(Trade::QTY, i64::MAX).filter(Trade::SYMBOL.eq("ETH")).execute(engine).await.unwrap();
    let err = Trade::select().columns(Trade::QTY.sum()).one(engine).await;
    assert!(err.is_err(), "SUM past i64: {err:?}");

    engine.drop_all(&[Trade::table()]).await.expect("drop");
}

/// Column projections on every dialect (Supabase included: a select list of columns), on the
/// suite's candles right after `crud::bulk_insert_and_queries` (closes 100 + minute for BTC).
pub async fn column_projections(engine: &Engine) {
    let q = Candle::select().columns((Candle::TS, Candle::CLOSE)).filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.asc()).limit(3);
    let rows: Vec<(NaiveDateTime, Decimal)> = q.all(engine).await.expect("tuple projection");
    assert_eq!(rows, [(suite_ts(1, 0), dec!(100)), (suite_ts(1, 1), dec!(101)), (suite_ts(1, 2), dec!(102))]);
    let closes = Candle::select().columns(Candle::CLOSE).filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.desc()).first(engine).await;
    assert_eq!(closes.expect("one column"), Some(dec!(109)));
    let labelled =
        Candle::select().columns((Candle::SYMBOL.label("s"), Candle::NOTE)).filter(Candle::TS.eq(suite_ts(1, 0))).count(engine).await;
    assert_eq!(labelled.expect("count of a projection"), 3);
}
