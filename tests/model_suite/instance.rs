//! Writes of one instance by its key (save, update_columns, delete_instance, refresh) and rows
//! back from UPDATE/DELETE (`.returning()`), on every dialect.

use super::models::*;
use athanor::prelude::*;
use athanor::Error;

fn not_found(r: athanor::Result<()>) {
    let err = r.expect_err("no row has the key");
    assert!(matches!(err, Error::NotFound), "{err}");
}

fn invalid(r: athanor::Result<()>) {
    let err = r.expect_err("refused before any I/O");
    assert!(matches!(err, Error::InvalidQuery(_)), "{err}");
}

/// save / update_columns / refresh / delete_instance, NotFound for a missing key, an unchanged
/// save (MySQL counts matched rows only with CLIENT_FOUND_ROWS), and the value checks.
pub async fn save_refresh_delete(engine: &Engine) {
    let mut c = Candle::insert(&candle("INST", 1, dec!(10))).execute(engine).await.expect("insert");
    let other = Candle::insert(&candle("INST", 2, dec!(20))).execute(engine).await.expect("insert");

    c.close = dec!(11.5);
    c.note = Some("saved".into());
    c.save(engine).await.expect("save");
    let stored = Candle::get_by_key(c.id).one(engine).await.unwrap();
    assert_eq!(stored, c);
    assert_eq!(Candle::get_by_key(other.id).one(engine).await.unwrap(), other, "only the instance's row changed");

    c.save(engine).await.expect("saving an unchanged instance finds its row");

    // Only the listed columns are written.
    c.close = dec!(12);
    c.volume = dec!(999);
    c.update_columns(engine, [Candle::CLOSE]).await.expect("update_columns");
    let stored = Candle::get_by_key(c.id).one(engine).await.unwrap();
    assert_eq!((stored.close, stored.volume), (dec!(12), dec!(1.5)));
    c.update_columns(engine, &["close", "note"]).await.expect("unchanged update_columns by name");
    invalid(c.update_columns(engine, [Candle::ID]).await);
    invalid(c.update_columns(engine, ["no_such_column"]).await);
    invalid(c.update_columns(engine, Vec::<&'static str>::new()).await);

    // refresh reloads every field.
    c.refresh(engine).await.expect("refresh");
    assert_eq!(c, stored);

    // Out-of-range values are refused as in every write.
    let mut wide = c.clone();
    wide.close = Decimal::from(10_u64.pow(15));
    let err = wide.save(engine).await.expect_err("20,8 holds no 1e15");
    assert!(matches!(err, Error::InvalidValue { .. }), "{err}");

    c.delete_instance(engine).await.expect("delete_instance");
    assert!(!Candle::select().filter(Candle::ID.eq(c.id)).exists(engine).await.unwrap());
    not_found(c.delete_instance(engine).await);
    not_found(c.save(engine).await);
    not_found(c.update_columns(engine, [Candle::NOTE]).await);
    not_found(c.refresh(engine).await);
    assert_eq!(Candle::get_by_key(other.id).one(engine).await.unwrap(), other, "the other row is untouched");
    other.delete_instance(engine).await.unwrap();

    // A composite key: every key column finds the row.
    let mut p = Position { account: "acc-i".into(), symbol: "BTC".into(), qty: dec!(1), updated: ts(2, 0) };
    p.insert().execute(engine).await.unwrap();
    let q = Position { symbol: "ETH".into(), ..p.clone() };
    q.insert().execute(engine).await.unwrap();
    p.qty = dec!(2.5);
    p.save(engine).await.expect("save by a composite key");
    let mut back = Position { qty: dec!(0), ..p.clone() };
    back.refresh(engine).await.unwrap();
    assert_eq!(back, p);
    assert_eq!(Position::get_by_key(("acc-i", "ETH")).one(engine).await.unwrap().qty, dec!(1));
    p.delete_instance(engine).await.unwrap();
    q.delete_instance(engine).await.unwrap();
    not_found(q.clone().refresh(engine).await);
}

/// Which RETURNING forms the server has: (UPDATE, DELETE).
async fn returning_support(engine: &Engine) -> (bool, bool) {
    if engine.dialect() == "sqlite" {
        // The capability claims both; the linked SQLite (sqlx's bundled one) must be ≥ 3.35.
        let row = athanor::text("SELECT sqlite_version() AS v").fetch_one(engine).await.expect("SQLite version");
        let v: String = row.get("v").unwrap();
        let n: Vec<u32> = v.split('.').map(|p| p.parse().unwrap()).collect();
        assert!((n[0], n[1]) >= (3, 35), "SQLite {v} has no UPDATE/DELETE … RETURNING");
    }
    if engine.dialect() != "mysql" {
        return (true, true);
    }
    let row = athanor::text("SELECT VERSION() AS v").fetch_one(engine).await.expect("server version");
    let v: String = row.get("v").unwrap();
    let mariadb_10_5 = v.to_lowercase().contains("mariadb") && {
        let mut n = v.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
        (n.next().unwrap_or(0), n.next().unwrap_or(0)) >= (10, 5)
    };
    (false, mariadb_10_5)
}

fn unsupported<T: std::fmt::Debug>(r: athanor::Result<T>) {
    let err = r.expect_err("the dialect has no such RETURNING");
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
}

/// `update().returning()` / `delete().returning()` give the changed rows as models, or
/// Unsupported where the server has no such clause (and then change nothing).
pub async fn returning_rows(engine: &Engine) {
    let (update_ok, delete_ok) = returning_support(engine).await;
    let rows: Vec<Candle> = (0..3).map(|m| candle("RET", m, dec!(5))).collect();
    Candle::insert_many(&rows).execute(engine).await.unwrap();
    let upd = Candle::update().set(Candle::NOTE, Some("r".to_string())).filter(Candle::SYMBOL.eq("RET").and(Candle::TS.le(ts(1, 1))));
    if update_ok {
        let mut got = upd.returning().all(engine).await.expect("UPDATE … RETURNING");
        got.sort_by_key(|c| c.ts);
        assert_eq!(got.iter().map(|c| (c.ts, c.note.as_deref())).collect::<Vec<_>>(), [(ts(1, 0), Some("r")), (ts(1, 1), Some("r"))]);
        assert_eq!(got[0], Candle::get_by_key(got[0].id).one(engine).await.unwrap(), "the returned row is the stored row");
    } else {
        unsupported(upd.returning().all(engine).await);
        assert_eq!(Candle::select().filter(Candle::NOTE.is_not_null().and(Candle::SYMBOL.eq("RET"))).count(engine).await.unwrap(), 0);
    }
    let del = Candle::delete().filter(Candle::SYMBOL.eq("RET").and(Candle::TS.ge(ts(1, 1))));
    if delete_ok {
        let mut got = del.returning().all(engine).await.expect("DELETE … RETURNING");
        got.sort_by_key(|c| c.ts);
        assert_eq!(got.iter().map(|c| (c.ts, c.close)).collect::<Vec<_>>(), [(ts(1, 1), dec!(5)), (ts(1, 2), dec!(5))]);
        let none = Candle::delete().filter(Candle::SYMBOL.eq("RET-none")).returning().all(engine).await.unwrap();
        assert!(none.is_empty());
    } else {
        unsupported(del.returning().all(engine).await);
        assert_eq!(Candle::select().filter(Candle::SYMBOL.eq("RET")).count(engine).await.unwrap(), 3);
    }
    let err = Candle::delete().returning().all(engine).await.expect_err("a filterless DELETE needs all_rows()");
    assert!(matches!(err, Error::MissingFilter { .. }), "{err}");
    Candle::delete().filter(Candle::SYMBOL.eq("RET")).execute(engine).await.unwrap();
}
