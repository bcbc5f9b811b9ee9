//! Upserts: whole rows on the (symbol, ts) key (every dialect), and updating only some columns
//! (SQL dialects: PostgREST's merge-duplicates overwrites every column sent).

use super::models::*;
use athanor::prelude::*;

/// Late corrections replace whole candles on the (symbol, ts) key; `do nothing` keeps the row.
/// A dialect that can name the conflict target is given it (PostgREST otherwise resolves on the
/// primary key); MySQL cannot name one and resolves on any unique key.
pub async fn upsert_whole_rows(engine: &Engine) {
    let named = engine.capabilities().on_conflict_target;
    let with_target =
        |q: athanor::query::InsertMany<Candle>| if named { q.on_conflict([Candle::SYMBOL.name(), Candle::TS.name()]) } else { q };
    let before = Candle::select().filter(Candle::SYMBOL.eq("SOL").and(Candle::TS.eq(ts(1, 5)))).one(engine).await.unwrap();
    let count = Candle::select().count(engine).await.unwrap();

    let corrections = [Candle { note: Some("fixed".into()), ..candle("SOL", 5, dec!(55.5)) }, candle("DOT", 0, dec!(7))];
    with_target(Candle::insert_many(&corrections)).on_conflict_update_all().execute(engine).await.expect("upsert whole rows");
    assert_eq!(Candle::select().count(engine).await.unwrap(), count + 1, "one replaced, one inserted");
    let after = Candle::get_by_key(before.id).one(engine).await.unwrap();
    assert_eq!(after, Candle { id: before.id, ..corrections[0].clone() }, "the key keeps its row id, every other column is new");
    let dot = Candle::select().filter(Candle::SYMBOL.eq("DOT")).one(engine).await.unwrap();
    assert_eq!((dot.close, dot.note), (dec!(7), None));

    let ignored = [candle("SOL", 5, dec!(1))];
    let n = with_target(Candle::insert_many(&ignored)).on_conflict_do_nothing().execute(engine).await.expect("insert or ignore");
    // Rows affected differ here: SQLite and PostgREST report 0, MySQL 1 (its no-op `ON DUPLICATE
    // KEY UPDATE` counts as found with CLIENT_FOUND_ROWS). The row itself must be unchanged.
    assert!(n <= 1, "{n}");
    assert_eq!(Candle::get_by_key(before.id).one(engine).await.unwrap().close, dec!(55.5));
    assert_eq!(Candle::select().count(engine).await.unwrap(), count + 1);
}

/// Late corrections overwrite close and volume on the (symbol, ts) unique key; others are untouched.
/// SQL dialects only.
pub async fn upsert_some_columns(engine: &Engine) {
    let count = Candle::select().count(engine).await.unwrap();
    let before = Candle::select().filter(Candle::SYMBOL.eq("BTC").and(Candle::TS.eq(ts(1, 5)))).one(engine).await.unwrap();
    let corrections = [candle("BTC", 5, dec!(99.5)), candle("BTC", 6, dec!(98.25)), candle("ADA", 0, dec!(0.5))];
    let corrections = corrections.map(|c| Candle { volume: dec!(7), note: Some("late".into()), ..c });
    Candle::insert_many(&corrections).on_conflict_update([Candle::CLOSE, Candle::VOLUME]).execute(engine).await.expect("upsert");
    assert_eq!(Candle::select().count(engine).await.unwrap(), count + 1, "two updated, one inserted");
    let after = Candle::get_by_key(before.id).one(engine).await.unwrap();
    assert_eq!((after.close, after.volume, after.note), (dec!(99.5), dec!(7), None), "only the listed columns change");
    let ada = Candle::select().filter(Candle::SYMBOL.eq("ADA")).one(engine).await.unwrap();
    assert_eq!(ada.note.as_deref(), Some("late"));

    let again = Candle { note: Some("again".into()), ..candle("BTC", 5, dec!(97)) };
    again.insert().on_conflict_update([Candle::CLOSE.name(), Candle::NOTE.name()]).execute(engine).await.expect("single-row upsert");
    let after = Candle::get_by_key(before.id).one(engine).await.unwrap();
    assert_eq!((after.close, after.note.as_deref()), (dec!(97), Some("again")));

    let ignored = [candle("BTC", 5, dec!(1))];
    let n = Candle::insert_many(&ignored).on_conflict_do_nothing().execute(engine).await.expect("insert or ignore");
    // Rows affected differ here: SQLite reports 0, MySQL 1 (its no-op `ON DUPLICATE KEY UPDATE`
    // counts as found with sqlx's CLIENT_FOUND_ROWS). The row itself must be unchanged everywhere.
    assert!(n <= 1, "{n}");
    assert_eq!(Candle::get_by_key(before.id).one(engine).await.unwrap().close, dec!(97));
}
