//! What only SQL dialects can do: server defaults through raw SQL, raw SQL into a model, and
//! transactions.

use super::models::*;
use athanor::prelude::*;

/// Server defaults fill the columns an INSERT leaves out; raw SQL decodes into a model.
pub async fn defaults_and_raw_sql(engine: &Engine) {
    let c = Candle::select().filter(Candle::SYMBOL.eq("ETH")).order_by(Candle::TS.asc()).first(engine).await.unwrap().unwrap();
    let fills = Fill::select().count(engine).await.unwrap();
    athanor::text("INSERT INTO suite_fills (candle) VALUES (:c)")
        .bind("c", c.id)
        .execute(engine)
        .await
        .expect("insert relying on defaults");
    let defaulted = Fill::select().filter(Fill::SIDE.eq("buy")).one(engine).await.unwrap();
    assert_eq!((defaulted.qty, defaulted.side.as_str()), (1, "buy"));
    let raw: Vec<Fill> = athanor::text("SELECT id, candle, qty, side FROM suite_fills ORDER BY id")
        .fetch_all_as(engine)
        .await
        .expect("raw SQL into a model");
    assert_eq!(raw.len() as u64, fills + 1);
}

/// A transaction that is dropped rolls back; a committed one persists.
pub async fn transactions(engine: &Engine) {
    let before = Candle::select().count(engine).await.unwrap();
    {
        let mut tx = engine.begin().await.expect("begin");
        candle("XRP", 0, dec!(1)).insert().execute(&mut tx).await.expect("insert in a transaction");
        assert_eq!(Candle::select().count(&mut tx).await.unwrap(), before + 1);
    }
    assert_eq!(Candle::select().count(engine).await.unwrap(), before, "dropped transaction rolled back");
    let mut tx = engine.begin().await.expect("begin");
    let c = candle("XRP", 1, dec!(2)).insert().execute(&mut tx).await.unwrap();
    tx.commit().await.expect("commit");
    assert_eq!(Candle::get_by_key(c.id).one(engine).await.unwrap(), c);
}
