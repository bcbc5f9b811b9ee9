//! Values round-trip exactly: money, Unicode and quotes, every mapped type, NULLs; upsert;
//! bulk insert of 100k rows × 8 columns; streaming; MariaDB RETURNING.

mod common;

use athanor_core::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, delete_from, insert_into, select, text, Decimal, Engine, Row, Value};
use futures_util::StreamExt;
use std::str::FromStr;

fn all_types(name: String) -> Table {
    Table::new(name)
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("flag", ColumnType::Bool))
        .column(ColumnDef::new("i8", ColumnType::I8))
        .column(ColumnDef::new("i32", ColumnType::I32))
        .column(ColumnDef::new("u8", ColumnType::U8))
        .column(ColumnDef::new("u64", ColumnType::U64))
        .column(ColumnDef::new("f32", ColumnType::F32))
        .column(ColumnDef::new("f64", ColumnType::F64))
        .column(ColumnDef::new("money", ColumnType::Decimal { precision: Some(38), scale: Some(18) }))
        .column(ColumnDef::new("price", ColumnType::Decimal { precision: None, scale: None }))
        .column(ColumnDef::new("s", ColumnType::String { max_len: Some(200) }))
        .column(ColumnDef::new("body", ColumnType::Text).index())
        .column(ColumnDef::new("bin", ColumnType::Bytes))
        .column(ColumnDef::new("d", ColumnType::Date))
        .column(ColumnDef::new("t", ColumnType::Time))
        .column(ColumnDef::new("dt", ColumnType::DateTime))
        .column(ColumnDef::new("utc", ColumnType::DateTimeUtc))
        .column(ColumnDef::new("doc", ColumnType::Json))
        .column(ColumnDef::new("uid", ColumnType::Uuid))
        .column(ColumnDef::new("maybe", ColumnType::I64).nullable())
        .primary_key(["id"])
}

async fn setup(t: &Table) -> Engine {
    let e = common::engine();
    e.create_all(&[t]).await.unwrap();
    e
}

#[tokio::test]
async fn every_type_round_trips() {
    let t = all_types(common::unique("types"));
    let e = setup(&t).await;
    // (A NUL character is refused before I/O on every dialect: PostgreSQL cannot store it.)
    let tricky = "naïve café 日本語 🚀 it's \"quoted\" back\\slash `tick` ; -- DROP TABLE x; nul";
    let dt = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap().and_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    let utc: DateTime<Utc> = NaiveDate::from_ymd_opt(2030, 1, 2).unwrap().and_hms_micro_opt(3, 4, 5, 600_007).unwrap().and_utc();
    let uid = athanor_core::uuid::Uuid::new_v4();
    let doc = athanor_core::serde_json::json!({"a": [1, 2.5, "x"], "ü": null});
    let money = Decimal::from_str("9999999999.999999999999999999").unwrap();
    let price = Decimal::from_str("0.00000001").unwrap();
    let bytes: Vec<u8> = (0..=255u8).collect();
    let row = vec![
        Value::Bool(true),
        Value::I64(-128),
        Value::I64(i32::MIN as i64),
        Value::U64(255),
        Value::U64(u64::MAX),
        Value::F64(1.5),
        Value::F64(std::f64::consts::PI),
        Value::Decimal(money),
        Value::Decimal(price),
        Value::from(tricky),
        Value::from(tricky.repeat(100)),
        Value::Bytes(bytes.clone()),
        Value::Date(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()),
        Value::Time(NaiveTime::from_hms_micro_opt(13, 14, 15, 999_999).unwrap()),
        Value::DateTime(dt),
        Value::DateTimeUtc(utc),
        Value::Json(doc.clone()),
        Value::Uuid(uid),
        Value::Null,
    ];
    let cols = [
        "flag", "i8", "i32", "u8", "u64", "f32", "f64", "money", "price", "s", "body", "bin", "d", "t", "dt", "utc", "doc", "uid", "maybe",
    ];
    let r = insert_into(&t).columns(cols).values(row).execute(&e).await.unwrap();
    assert_eq!(r.last_insert_id, Some(1));
    let got: Vec<Row> = select(&t).all(&e).await.unwrap();
    let g = &got[0];
    // ValueKind::Any infers from the column type: TINYINT(1) is a bool, unsigned stays unsigned.
    assert_eq!(g.values()[1], Value::Bool(true));
    assert_eq!(g.values()[5], Value::U64(u64::MAX));
    assert_eq!(g.values()[8], Value::Decimal(money));
    assert!(g.get::<bool>("flag").unwrap());
    assert_eq!(g.get::<i8>("i8").unwrap(), -128);
    assert_eq!(g.get::<i32>("i32").unwrap(), i32::MIN);
    assert_eq!(g.get::<u8>("u8").unwrap(), 255);
    assert_eq!(g.get::<u64>("u64").unwrap(), u64::MAX);
    assert_eq!(g.get::<f32>("f32").unwrap(), 1.5);
    assert_eq!(g.get::<f64>("f64").unwrap(), std::f64::consts::PI);
    assert_eq!(g.get::<Decimal>("money").unwrap().to_string(), "9999999999.999999999999999999");
    assert_eq!(g.get::<Decimal>("price").unwrap().to_string(), "0.00000001");
    assert_eq!(g.get::<String>("s").unwrap(), tricky);
    assert_eq!(g.get::<String>("body").unwrap(), tricky.repeat(100));
    assert_eq!(g.get::<Vec<u8>>("bin").unwrap(), bytes);
    assert_eq!(g.get::<NaiveDate>("d").unwrap(), NaiveDate::from_ymd_opt(1999, 12, 31).unwrap());
    assert_eq!(g.get::<NaiveTime>("t").unwrap(), NaiveTime::from_hms_micro_opt(13, 14, 15, 999_999).unwrap());
    assert_eq!(g.get::<NaiveDateTime>("dt").unwrap(), dt);
    assert_eq!(g.get::<Option<i64>>("maybe").unwrap(), None);

    // Typed reads straight from the row ask the dialect for the kind they need.
    let mut seen = 0;
    select(&t)
        .columns([col("utc"), col("doc"), col("uid"), col("flag")])
        .stream(&e)
        .for_each(|r| {
            let r = r.unwrap();
            assert_eq!(r.get::<String>("uid").unwrap(), uid.to_string());
            assert_eq!(r.get::<athanor_core::serde_json::Value>("doc").unwrap(), doc);
            seen += 1;
            futures_util::future::ready(())
        })
        .await;
    assert_eq!(seen, 1);
    // Kind-driven decoding straight from the MySQL row (what derived models do).
    let stmt = athanor_core::ast::Statement::Raw(athanor_core::ast::Raw {
        sql: format!("SELECT utc, doc, uid, flag, u8 FROM `{}`", t.name),
        binds: vec![],
    });
    let mut decoded = Vec::new();
    e.backend()
        .fetch(&stmt, &mut |r| {
            use athanor_core::row::get_at;
            decoded.push((
                get_at::<DateTime<Utc>>(r, 0)?,
                get_at::<athanor_core::serde_json::Value>(r, 1)?,
                get_at::<athanor_core::uuid::Uuid>(r, 2)?,
                get_at::<bool>(r, 3)?,
                get_at::<i16>(r, 4)?,
            ));
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(decoded, vec![(utc, doc.clone(), uid, true, 255)]);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn money_sums_exactly() {
    let t = Table::new(common::unique("money"))
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("amount", ColumnType::Decimal { precision: None, scale: None }))
        .primary_key(["id"]);
    let e = setup(&t).await;
    let mut q = insert_into(&t).columns(["amount"]);
    for _ in 0..10 {
        q = q.values([Value::Decimal(Decimal::from_str("0.10000001").unwrap())]);
    }
    q.execute(&e).await.unwrap();
    let r = text(format!("SELECT SUM(amount) AS total FROM `{}`", t.name)).fetch_one(&e).await.unwrap();
    assert_eq!(r.get::<Decimal>("total").unwrap(), Decimal::from_str("1.00000010").unwrap());
    let n = select(&t).filter(col("amount").eq(Decimal::from_str("0.10000001").unwrap())).count(&e).await.unwrap();
    assert_eq!(n, 10);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn upsert_updates_or_keeps() {
    let t = Table::new(common::unique("upsert"))
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("symbol", ColumnType::String { max_len: Some(16) }).unique())
        .column(ColumnDef::new("close", ColumnType::Decimal { precision: None, scale: None }))
        .primary_key(["id"]);
    let e = setup(&t).await;
    let put = |s: &str, c: i64| insert_into(&t).columns(["symbol", "close"]).values([Value::from(s), Value::Decimal(Decimal::from(c))]);
    put("BTC", 1).execute(&e).await.unwrap();
    put("BTC", 2).on_conflict_update(["close"]).execute(&e).await.unwrap();
    put("BTC", 3).on_conflict_do_nothing().execute(&e).await.unwrap();
    put("ETH", 4).on_conflict_do_nothing().execute(&e).await.unwrap();
    let rows = select(&t).order_by(col("symbol").asc()).all(&e).await.unwrap();
    let got: Vec<(String, Decimal)> = rows.iter().map(|r| (r.get("symbol").unwrap(), r.get("close").unwrap())).collect();
    assert_eq!(got, vec![("BTC".into(), Decimal::from(2)), ("ETH".into(), Decimal::from(4))]);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_insert_100k_rows_of_8_columns() {
    let t = Table::new(common::unique("bulk"))
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("symbol", ColumnType::String { max_len: Some(16) }))
        .column(ColumnDef::new("ts", ColumnType::DateTime))
        .column(ColumnDef::new("open", ColumnType::Decimal { precision: None, scale: None }))
        .column(ColumnDef::new("high", ColumnType::Decimal { precision: None, scale: None }))
        .column(ColumnDef::new("low", ColumnType::Decimal { precision: None, scale: None }))
        .column(ColumnDef::new("close", ColumnType::Decimal { precision: None, scale: None }))
        .column(ColumnDef::new("volume", ColumnType::Decimal { precision: None, scale: None }))
        .column(ColumnDef::new("note", ColumnType::String { max_len: Some(64) }).nullable())
        .primary_key(["id"]);
    let e = setup(&t).await;
    let base = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let mut q = insert_into(&t).columns(["symbol", "ts", "open", "high", "low", "close", "volume", "note"]);
    for i in 0..100_000i64 {
        let d = Decimal::new(i * 1_000 + 1, 8);
        q = q.values([
            Value::from("BTC"),
            Value::DateTime(base + chrono::Duration::minutes(i)),
            Value::Decimal(d),
            Value::Decimal(d),
            Value::Decimal(d),
            Value::Decimal(d),
            Value::Decimal(d),
            if i % 7 == 0 { Value::Null } else { Value::from(format!("n{i}")) },
        ]);
    }
    let r = q.execute(&e).await.unwrap();
    assert_eq!(r.rows_affected, 100_000);
    assert_eq!(select(&t).count(&e).await.unwrap(), 100_000);
    let last = text(format!("SELECT close, note FROM `{}` ORDER BY id DESC LIMIT 1", t.name)).fetch_one(&e).await.unwrap();
    assert_eq!(last.get::<Decimal>("close").unwrap(), Decimal::new(99_999 * 1_000 + 1, 8));
    assert_eq!(last.get::<String>("note").unwrap(), "n99999");
    // Streaming reads the rows back without collecting them.
    let mut n = 0u64;
    let mut s = select(&t).stream(&e);
    while let Some(r) = s.next().await {
        r.unwrap();
        n += 1;
    }
    assert_eq!(n, 100_000);
    drop(s);
    let gone = delete_from(&t).filter(col("id").gt(50_000)).execute(&e).await.unwrap();
    assert_eq!(gone, 50_000);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn mariadb_returning_after_first_connect() {
    let t = Table::new(common::unique("ret"))
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("name", ColumnType::String { max_len: Some(16) }))
        .primary_key(["id"]);
    let e = setup(&t).await;
    let version = text("SELECT VERSION() AS v").fetch_one(&e).await.unwrap().get::<String>("v").unwrap();
    let expect = athanor_mysql::backend::mariadb_has_returning(&version);
    assert_eq!(e.capabilities().insert_returning, expect, "{version}");
    assert_eq!(e.capabilities().delete_returning, expect);
    assert!(!e.capabilities().update_returning);
    let q = insert_into(&t).columns(["name"]).values([Value::from("a")]).values([Value::from("b")]).returning(["id", "name"]);
    if expect {
        let rows = q.fetch_all(&e).await.unwrap();
        let got: Vec<(i64, String)> = rows.iter().map(|r| (r.get("id").unwrap(), r.get("name").unwrap())).collect();
        assert_eq!(got, vec![(1, "a".into()), (2, "b".into())]);
    } else {
        assert!(matches!(q.fetch_all(&e).await, Err(athanor_core::Error::Unsupported { dialect: "mysql", .. })));
    }
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn multi_statement_bulk_insert_is_all_or_nothing() {
    let t = Table::new(common::unique("atomic"))
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("a", ColumnType::I64))
        .column(ColumnDef::new("b", ColumnType::I64))
        .primary_key(["id"]);
    let e = setup(&t).await;
    // 30k rows × 3 columns = 90k placeholders: two statements; the duplicate key is in the second.
    let mut q = insert_into(&t).columns(["id", "a", "b"]);
    for i in 0..30_000i64 {
        q = q.values([Value::I64(if i == 29_999 { 0 } else { i }), Value::I64(i), Value::I64(-i)]);
    }
    let err = q.clone().execute(&e).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(athanor_core::DbErrorKind::UniqueViolation), "{err}");
    assert_eq!(select(&t).count(&e).await.unwrap(), 0, "the first statement's rows were rolled back");
    // Inside a caller's transaction the caller decides.
    let mut tx = e.begin().await.unwrap();
    let mut ok = insert_into(&t).columns(["id", "a", "b"]);
    for i in 0..30_000i64 {
        ok = ok.values([Value::I64(i), Value::I64(i), Value::I64(-i)]);
    }
    assert_eq!(ok.execute(&mut tx).await.unwrap().rows_affected, 30_000);
    tx.rollback().await.unwrap();
    assert_eq!(select(&t).count(&e).await.unwrap(), 0);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn repeated_statements_are_prepared_once_per_connection() {
    let e = common::engine();
    let mut c = e.connect().await.unwrap();
    let prepares = |r: Row| r.get::<String>("Value").unwrap().parse::<u64>().unwrap();
    let before = prepares(text("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").fetch_one(&mut c).await.unwrap());
    for i in 0..10i64 {
        let r = text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s")
            .bind("s", format!("nope{i}"))
            .fetch_all(&mut c)
            .await;
        assert!(r.unwrap().is_empty());
    }
    let after = prepares(text("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").fetch_one(&mut c).await.unwrap());
    assert_eq!(after - before, 1, "ten runs of one SQL text should prepare once");
}

#[tokio::test]
async fn dropped_streams_give_their_connections_back() {
    let e = common::engine_at(&format!("{}?maxsize=2&pool_timeout=5", common::URL));
    let q = "SELECT seq FROM seq_1_to_5000";
    for i in 0..20 {
        let mut s = e.backend().stream(athanor_core::ast::Statement::Raw(athanor_core::ast::Raw { sql: q.into(), binds: vec![] }));
        let first = s.next().await.unwrap().unwrap();
        assert_eq!(first.get::<u64>("seq").unwrap(), 1, "iteration {i}");
        drop(s);
        // Dropped before its first row arrives, too.
        let s = e.backend().stream(athanor_core::ast::Statement::Raw(athanor_core::ast::Raw { sql: q.into(), binds: vec![] }));
        drop(s);
    }
    let mut c = e.connect().await.unwrap();
    let n = text("SELECT COUNT(*) AS n FROM seq_1_to_5000").fetch_one(&mut c).await.unwrap().get::<i64>("n").unwrap();
    assert_eq!(n, 5000);
}

/// An UPDATE that matches a row but changes nothing reports the row (CLIENT_FOUND_ROWS, which
/// sqlx-mysql always sends): `Model::save` of an unchanged instance depends on it for NotFound.
#[tokio::test]
async fn an_unchanged_update_counts_the_matched_row() {
    let t = Table::new(common::unique("found"))
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("name", ColumnType::String { max_len: Some(16) }))
        .primary_key(["id"]);
    let e = setup(&t).await;
    insert_into(&t).columns(["id", "name"]).values([Value::I64(1), Value::from("a")]).execute(&e).await.unwrap();
    let same = athanor_core::update(&t).set_value("name", "a").filter(col("id").eq(1)).execute(&e).await.unwrap();
    assert_eq!(same, 1, "matched rows, not changed rows");
    let none = athanor_core::update(&t).set_value("name", "a").filter(col("id").eq(2)).execute(&e).await.unwrap();
    assert_eq!(none, 0);
    e.drop_all(&[&t]).await.unwrap();
}

/// DELETE … RETURNING as the first statement of a new engine (the server's version is not known
/// before it): MariaDB ≥ 10.5 answers the rows, MySQL refuses before sending; UPDATE … RETURNING
/// is refused on both and changes nothing.
#[tokio::test]
async fn delete_returning_on_a_fresh_engine() {
    let t = Table::new(common::unique("dret"))
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("name", ColumnType::String { max_len: Some(16) }))
        .primary_key(["id"]);
    let setup_engine = setup(&t).await;
    insert_into(&t).columns(["id", "name"]).values([Value::I64(1), Value::from("a")]).execute(&setup_engine).await.unwrap();
    let version = text("SELECT VERSION() AS v").fetch_one(&setup_engine).await.unwrap().get::<String>("v").unwrap();

    let fresh = common::engine();
    let upd = athanor_core::update(&t).set_value("name", "b").filter(col("id").eq(1)).returning_columns(["id"]).all(&fresh).await;
    assert!(matches!(upd, Err(athanor_core::Error::Unsupported { dialect: "mysql", .. })), "{upd:?}");
    let del = delete_from(&t).filter(col("id").eq(1)).returning_columns(["id", "name"]).all(&fresh).await;
    if athanor_mysql::backend::mariadb_has_returning(&version) {
        let rows = del.expect("DELETE … RETURNING on MariaDB");
        assert_eq!((rows.len(), rows[0].get::<String>("name").unwrap()), (1, "a".to_owned()), "UPDATE changed nothing");
    } else {
        assert!(matches!(del, Err(athanor_core::Error::Unsupported { dialect: "mysql", .. })), "{del:?}");
    }
    setup_engine.drop_all(&[&t]).await.unwrap();
}
