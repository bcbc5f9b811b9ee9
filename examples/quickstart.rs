//! Quickstart: a table from a model, inserts, queries, an upsert, a transaction and raw SQL.
//!
//! Runs on in-memory SQLite with no server: `cargo run --example quickstart`.
//! Point it elsewhere with `DATABASE_URL`, e.g. `mysql+aiomysql://root@127.0.0.1:3306/test`.

use athanor::prelude::*;
use chrono::NaiveDate;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "quickstart_candles")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(unique_with = "ts", max_len = 16)]
    pub symbol: String,
    pub ts: chrono::NaiveDateTime,
    #[athanor(precision = 20, scale = 8)]
    pub close: Decimal,
    #[athanor(precision = 28, scale = 8)]
    pub volume: Decimal,
    pub note: Option<String>,
}

fn candle(symbol: &str, minute: u32, close: Decimal) -> Candle {
    let ts = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_opt(9, minute, 0).unwrap();
    Candle { id: 0, symbol: symbol.into(), ts, close, volume: dec!(1.5), note: None }
}

#[tokio::main]
async fn main() -> athanor::Result<()> {
    let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "sqlite://".into());
    let engine = create_engine(&url)?;
    println!("engine: {engine:?} (dialect {})", engine.dialect());

    engine.drop_all(&[Candle::table()]).await?;
    engine.create_all(&[Candle::table()]).await?;
    println!("created table {} from the model", Candle::TABLE);

    let first = candle("BTC", 0, dec!(67000.12345678)).insert().execute(&engine).await?;
    println!("inserted one candle, generated id {}", first.id);

    let batch: Vec<Candle> =
        (1..30).flat_map(|m| [candle("BTC", m, dec!(67000) + Decimal::from(m)), candle("ETH", m, dec!(3500) + Decimal::from(m))]).collect();
    let n = Candle::insert_many(&batch).execute(&engine).await?;
    println!("bulk-inserted {n} candles");

    let last: Vec<Candle> = Candle::select().filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.desc()).limit(3).all(&engine).await?;
    println!("last 3 BTC closes: {:?}", last.iter().map(|c| c.close).collect::<Vec<_>>());

    let above = Candle::select().filter(Candle::CLOSE.gt(dec!(67020))).count(&engine).await?;
    println!("{above} candles closed above 67020");

    let late = vec![candle("BTC", 29, dec!(99999.5))];
    Candle::insert_many(&late).on_conflict_update([Candle::CLOSE.name(), Candle::VOLUME.name()]).execute(&engine).await?;
    let fixed = Candle::select().filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.desc()).first(&engine).await?;
    println!("upserted a late correction: {:?}", fixed.map(|c| c.close));

    let updated = Candle::update().set(Candle::NOTE, Some("checked")).filter(Candle::ID.eq(first.id)).execute(&engine).await?;
    println!("updated {updated} row(s)");

    let mut tx = engine.begin().await?;
    Candle::delete().filter(Candle::SYMBOL.eq("ETH")).execute(&mut tx).await?;
    tx.rollback().await?;
    println!(
        "deleted ETH inside a transaction and rolled back: {} ETH candles remain",
        Candle::select().filter(Candle::SYMBOL.eq("ETH")).count(&engine).await?
    );

    let rows =
        text("SELECT symbol, MAX(close) AS hi, COUNT(*) AS n FROM quickstart_candles WHERE close > :floor GROUP BY symbol ORDER BY symbol")
            .bind("floor", dec!(0))
            .fetch_all(&engine)
            .await?;
    for r in &rows {
        println!("{}: high {} over {} candles", r.get::<String>("symbol")?, r.get::<Decimal>("hi")?, r.get::<i64>("n")?);
    }

    let q = Candle::select().filter(Candle::SYMBOL.eq("BTC").and(Candle::NOTE.is_null())).order_by(Candle::TS.desc()).limit(10);
    println!("compiled:\n{}", engine.compile(&q)?);

    engine.drop_all(&[Candle::table()]).await?;
    println!("done");
    Ok(())
}
