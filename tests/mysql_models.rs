//! The README flow on MariaDB through the facade: `create_engine`, a derived model, create_all,
//! insert/insert_many, select/count/exists/first/one/stream, upsert, update, delete, transactions.
//! Runs in its own scratch database so the fixed table name cannot collide.

use athanor::prelude::*;
use futures_util::StreamExt;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(unique_with = "ts", max_len = 16)]
    pub symbol: String,
    pub ts: chrono::NaiveDateTime,
    pub close: Decimal,
    #[athanor(precision = 28, scale = 8)]
    pub volume: Decimal,
    pub active: bool,
    pub note: Option<String>,
}

fn candle(symbol: &str, minute: u32, close: Decimal) -> Candle {
    let ts = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_micro_opt(9, minute, 0, 250_000).unwrap();
    Candle { id: 0, symbol: symbol.into(), ts, close, volume: dec!(1.5), active: minute.is_multiple_of(2), note: None }
}

async fn scratch() -> (String, Engine) {
    let name = format!(
        "athanor_models_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    );
    let admin = create_engine("mysql://root@127.0.0.1:3306/test").unwrap();
    text(format!("CREATE DATABASE `{name}`")).execute(&admin).await.unwrap();
    let e = create_engine(&format!("mysql+asyncmy://root@127.0.0.1:3306/{name}?minsize=1&maxsize=5")).unwrap();
    (name, e)
}

#[tokio::test]
async fn model_flow_on_mariadb() {
    let (db, e) = scratch().await;
    e.create_all(&[Candle::table()]).await.unwrap();
    e.create_all(&[Candle::table()]).await.unwrap();

    let first = candle("BTC", 0, dec!(67000.12345678)).insert().execute(&e).await.unwrap();
    assert_eq!(first.id, 1);
    let batch: Vec<Candle> =
        (1..30).flat_map(|m| [candle("BTC", m, dec!(67000) + Decimal::from(m)), candle("ETH", m, dec!(3500) + Decimal::from(m))]).collect();
    assert_eq!(Candle::insert_many(&batch).execute(&e).await.unwrap(), 58);

    let last: Vec<Candle> = Candle::select().filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.desc()).limit(3).all(&e).await.unwrap();
    assert_eq!(last.iter().map(|c| c.close).collect::<Vec<_>>(), vec![dec!(67029), dec!(67028), dec!(67027)]);
    assert_eq!(last[0].ts, candle("BTC", 29, dec!(0)).ts, "fractional seconds survive");
    assert!(!last[0].active && last[1].active, "TINYINT(1) decodes to bool");

    assert_eq!(Candle::select().filter(Candle::CLOSE.gt(dec!(67020))).count(&e).await.unwrap(), 9);
    assert!(Candle::select().filter(Candle::SYMBOL.eq("ETH")).exists(&e).await.unwrap());
    assert!(!Candle::select().filter(Candle::SYMBOL.eq("DOGE")).exists(&e).await.unwrap());
    let one = Candle::select().filter(Candle::ID.eq(first.id)).one(&e).await.unwrap();
    assert_eq!(one, first);

    Candle::insert_many(&[candle("BTC", 29, dec!(99999.5))]).on_conflict_update([Candle::CLOSE.name()]).execute(&e).await.unwrap();
    let fixed = Candle::select().filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.desc()).first(&e).await.unwrap().unwrap();
    assert_eq!(fixed.close, dec!(99999.5));
    assert_eq!(Candle::select().count(&e).await.unwrap(), 59);

    let n = Candle::update().set(Candle::NOTE, Some("checked")).filter(Candle::ID.eq(first.id)).execute(&e).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(Candle::select().filter(Candle::NOTE.is_not_null()).count(&e).await.unwrap(), 1);

    let mut tx = e.begin().await.unwrap();
    assert_eq!(Candle::delete().filter(Candle::SYMBOL.eq("ETH")).execute(&mut tx).await.unwrap(), 29);
    tx.rollback().await.unwrap();
    assert_eq!(Candle::select().filter(Candle::SYMBOL.eq("ETH")).count(&e).await.unwrap(), 29);

    let mut streamed = 0;
    let mut s = Candle::select().filter(Candle::SYMBOL.eq("ETH")).order_by(Candle::TS.asc()).stream(&e);
    while let Some(c) = s.next().await {
        let c = c.unwrap();
        assert_eq!(c.symbol, "ETH");
        streamed += 1;
    }
    drop(s);
    assert_eq!(streamed, 29);

    e.drop_all(&[Candle::table()]).await.unwrap();
    text(format!("DROP DATABASE `{db}`")).execute(&e).await.unwrap();
}
