//! A trading bot's store of 1-minute candles: create the table, bulk insert a day of candles for a
//! few symbols, upsert late corrections, read the last N candles and a per-symbol summary.
//!
//! `cargo run --example ohlcv` (in-memory SQLite), or with
//! `DATABASE_URL=mysql+asyncmy://root@127.0.0.1:3306/test` on MariaDB.

use athanor::prelude::*;
use chrono::{Duration, NaiveDate, NaiveDateTime};

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(unique_with = "ts", max_len = 16)]
    pub symbol: String,
    #[athanor(index)]
    pub ts: NaiveDateTime,
    #[athanor(precision = 20, scale = 8)]
    pub open: Decimal,
    #[athanor(precision = 20, scale = 8)]
    pub high: Decimal,
    #[athanor(precision = 20, scale = 8)]
    pub low: Decimal,
    #[athanor(precision = 20, scale = 8)]
    pub close: Decimal,
    #[athanor(precision = 28, scale = 8)]
    pub volume: Decimal,
}

/// A deterministic day of candles: a slow random walk per symbol.
fn day(symbol: &str, start_price: Decimal, date: NaiveDate) -> Vec<Candle> {
    let mut price = start_price;
    let mut seed: u64 = symbol.bytes().fold(1469598103934665603, |h, b| (h ^ b as u64).wrapping_mul(1099511628211));
    (0..1440)
        .map(|minute| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let step = Decimal::new((seed >> 33) as i64 % 2001 - 1000, 4); // ±0.1000
            let open = price;
            price = (price + step).max(dec!(0.01));
            Candle {
                id: 0,
                symbol: symbol.to_string(),
                ts: date.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(minute),
                open,
                high: open.max(price) + dec!(0.05),
                low: open.min(price) - dec!(0.05),
                close: price,
                volume: Decimal::new((seed % 1_000_000) as i64, 3),
            }
        })
        .collect()
}

#[tokio::main]
async fn main() -> athanor::Result<()> {
    let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "sqlite://".into());
    let engine = create_engine(&url)?;
    engine.drop_all(&[Candle::table()]).await?;
    engine.create_all(&[Candle::table()]).await?;

    let date = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    let symbols = [("BTCUSDT", dec!(67000)), ("ETHUSDT", dec!(3500)), ("SOLUSDT", dec!(140))];
    let candles: Vec<Candle> = symbols.iter().flat_map(|(s, p)| day(s, *p, date)).collect();
    let started = std::time::Instant::now();
    let inserted = Candle::insert_many(&candles).execute(&engine).await?;
    println!("inserted {inserted} candles for {} symbols in {:?}", symbols.len(), started.elapsed());

    // The exchange corrects the last five BTC candles: upsert on (symbol, ts).
    let mut late: Vec<Candle> = candles.iter().filter(|c| c.symbol == "BTCUSDT").rev().take(5).cloned().collect();
    for c in &mut late {
        c.close += dec!(1.23456789);
        c.volume += dec!(10);
    }
    Candle::insert_many(&late).on_conflict_update([Candle::CLOSE.name(), Candle::VOLUME.name()]).execute(&engine).await?;
    println!("upserted {} late corrections; still {} candles", late.len(), Candle::select().count(&engine).await?);

    let last: Vec<Candle> = Candle::select().filter(Candle::SYMBOL.eq("BTCUSDT")).order_by(Candle::TS.desc()).limit(5).all(&engine).await?;
    for c in &last {
        println!("{} {} close {} volume {}", c.symbol, c.ts, c.close, c.volume);
    }
    assert_eq!(last[0].close, late[0].close, "the correction is stored exactly");

    // Per-symbol summary with the typed builder: each row is `(String, i64, Option<Decimal>, …)`,
    // the Decimal aggregates exact on every dialect.
    let summary = Candle::select()
        .columns((Candle::SYMBOL, count_star(), Candle::LOW.min(), Candle::HIGH.max(), Candle::VOLUME.sum()))
        .filter(Candle::TS.ge(date.and_hms_opt(0, 0, 0).unwrap()))
        .group_by([Candle::SYMBOL])
        .order_by(Candle::SYMBOL.asc())
        .all(&engine)
        .await?;
    println!("{:<8} {:>5} {:>14} {:>14} {:>16}", "symbol", "n", "low", "high", "volume");
    for (symbol, n, low, high, volume) in &summary {
        let show = |d: &Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        println!("{symbol:<8} {n:>5} {:>14} {:>14} {:>16}", show(low), show(high), show(volume));
    }
    // The five corrections added 10 each.
    let btc_volume = candles.iter().filter(|c| c.symbol == "BTCUSDT").map(|c| c.volume).sum::<Decimal>() + dec!(50);
    assert_eq!(summary[0].4, Some(btc_volume), "SUM(volume) is exact");

    // Symbols whose high went above 1000 that day: GROUP BY with HAVING on a typed aggregate.
    let pricey: Vec<String> =
        Candle::select().columns(Candle::SYMBOL).group_by([Candle::SYMBOL]).having(Candle::HIGH.max().gt(dec!(1000))).all(&engine).await?;
    println!("symbols above 1000: {pricey:?}");

    engine.drop_all(&[Candle::table()]).await?;
    Ok(())
}
