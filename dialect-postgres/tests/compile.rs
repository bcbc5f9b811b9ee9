//! The exact PostgreSQL SQL for each statement kind (no server needed: engines connect lazily).

mod common;

use athanor_core::ast::{OnConflict, OnConflictAction, Statement};
use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, delete_from, insert_into, select, text, update, Compiled, Error, Value};

fn candles() -> Table {
    Table::new("ohlcv_1m")
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("symbol", ColumnType::String { max_len: Some(16) }))
        .column(ColumnDef::new("ts", ColumnType::DateTime).index())
        .column(ColumnDef::new("close", ColumnType::Decimal { precision: Some(20), scale: Some(8) }))
        .column(ColumnDef::new("note", ColumnType::Text).nullable())
        .primary_key(["id"])
        .unique(["symbol", "ts"])
}

fn sql(c: Compiled) -> (String, Vec<Value>) {
    let q = c.sql().expect("one SQL statement").clone();
    (q.sql, q.params)
}

#[test]
fn select_with_dollar_placeholders() {
    let e = common::engine();
    let q = select(&candles())
        .columns([col("symbol"), col("close")])
        .filter(col("symbol").eq("BTC").and(col("close").gt(100)))
        .order_by(col("ts").desc())
        .limit(10)
        .offset(5);
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(s, r#"SELECT "symbol", "close" FROM "ohlcv_1m" WHERE "symbol" = $1 AND "close" > $2 ORDER BY "ts" DESC LIMIT $3 OFFSET $4"#);
    assert_eq!(p, vec![Value::from("BTC"), Value::I64(100), Value::U64(10), Value::U64(5)]);
}

#[test]
fn nulls_first_last_and_ilike_are_native() {
    let e = common::engine();
    let (s, _) = sql(e.compile(&select(&candles()).order_by(col("note").desc().nulls_last())).unwrap());
    assert_eq!(s, r#"SELECT * FROM "ohlcv_1m" ORDER BY "note" DESC NULLS LAST"#);
    let (s, _) = sql(e.compile(&select(&candles()).order_by(col("note").asc().nulls_first())).unwrap());
    assert_eq!(s, r#"SELECT * FROM "ohlcv_1m" ORDER BY "note" ASC NULLS FIRST"#);
    let (s, p) = sql(e.compile(&select(&candles()).filter(col("symbol").ilike("btc%"))).unwrap());
    assert_eq!(s, r#"SELECT * FROM "ohlcv_1m" WHERE ("symbol" ILIKE $1 ESCAPE '\')"#);
    assert_eq!(p, vec![Value::from("btc%")]);
    let (s, _) = sql(e.compile(&select(&candles()).filter(col("symbol").like("b_c"))).unwrap());
    assert_eq!(s, r#"SELECT * FROM "ohlcv_1m" WHERE ("symbol" LIKE $1 ESCAPE '\')"#);
    // NULLs are PostgreSQL's largest value: a placement it gives anyway is left out (a plain
    // index still serves the ORDER BY).
    let (s, _) = sql(e.compile(&select(&candles()).order_by(col("note").asc().nulls_last())).unwrap());
    assert_eq!(s, r#"SELECT * FROM "ohlcv_1m" ORDER BY "note" ASC"#);
}

fn insert(on_conflict: Option<OnConflict>, returning: Vec<&'static str>) -> Statement {
    let mut i = insert_into(&candles()).columns(["symbol", "close"]).values([Value::from("BTC"), Value::I64(1)]).ast().clone();
    i.on_conflict = on_conflict;
    i.returning = returning.into_iter().map(Into::into).collect();
    Statement::Insert(i)
}

#[test]
fn upserts_and_returning() {
    let e = common::engine();
    let target = || vec!["symbol".into()];
    let up = OnConflict { target: target(), action: OnConflictAction::Update(vec!["close".into()]) };
    let (s, _) = sql(e.compile(&insert(Some(up), vec!["id"])).unwrap());
    assert_eq!(
        s,
        r#"INSERT INTO "ohlcv_1m" ("symbol", "close") VALUES ($1, $2) ON CONFLICT ("symbol") DO UPDATE SET "close" = "excluded"."close" RETURNING "id""#
    );
    let nothing = OnConflict { target: vec![], action: OnConflictAction::DoNothing };
    let (s, _) = sql(e.compile(&insert(Some(nothing), vec![])).unwrap());
    // sea-query's text for a target-less conflict clause (two spaces) is valid PostgreSQL.
    assert_eq!(s, r#"INSERT INTO "ohlcv_1m" ("symbol", "close") VALUES ($1, $2) ON CONFLICT  DO NOTHING"#);
    let mut upd = update(&candles()).set_value("close", 2).filter(col("id").eq(7)).ast().clone();
    upd.returning = vec!["id".into(), "close".into()];
    let (s, p) = sql(e.compile(&Statement::Update(upd)).unwrap());
    assert_eq!(s, r#"UPDATE "ohlcv_1m" SET "close" = $1 WHERE "id" = $2 RETURNING "id", "close""#);
    assert_eq!(p, vec![Value::I64(2), Value::I64(7)]);
    let mut del = delete_from(&candles()).filter(col("id").eq(7)).ast().clone();
    del.returning = vec!["id".into()];
    let (s, _) = sql(e.compile(&Statement::Delete(del)).unwrap());
    assert_eq!(s, r#"DELETE FROM "ohlcv_1m" WHERE "id" = $1 RETURNING "id""#);
}

#[test]
fn do_update_without_a_known_target_is_refused() {
    let e = common::engine();
    let up = OnConflict { target: vec![], action: OnConflictAction::Update(vec!["close".into()]) };
    match e.compile(&insert(Some(up), vec![])) {
        Err(Error::Unsupported { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn do_update_without_target_uses_the_only_covered_unique_key() {
    let e = common::engine();
    e.compile(&Statement::CreateTable(std::sync::Arc::new(candles()))).unwrap();
    let mut i =
        insert_into(&candles()).columns(["symbol", "ts", "close"]).values([Value::from("BTC"), Value::I64(1), Value::I64(2)]).ast().clone();
    i.on_conflict = Some(OnConflict { target: vec![], action: OnConflictAction::Update(vec!["close".into()]) });
    let (s, _) = sql(e.compile(&Statement::Insert(i)).unwrap());
    assert!(s.ends_with(r#"ON CONFLICT ("symbol", "ts") DO UPDATE SET "close" = "excluded"."close""#), "{s}");
}

#[test]
fn raw_sql_binds_become_dollar_placeholders() {
    let e = common::engine();
    let q = text("SELECT data ? 'k', :a::int FROM t WHERE x = :b AND y = :a").bind("a", 1).bind("b", "x");
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(s, "SELECT data ? 'k', $1::int FROM t WHERE x = $2 AND y = $3");
    assert_eq!(p, vec![Value::I64(1), Value::from("x"), Value::I64(1)]);
}

#[test]
fn ddl_types() {
    let e = common::engine();
    let t = Table::new("types")
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("flag", ColumnType::Bool))
        .column(ColumnDef::new("big", ColumnType::U64))
        .column(ColumnDef::new("price", ColumnType::Decimal { precision: Some(20), scale: Some(8) }))
        .column(ColumnDef::new("at", ColumnType::DateTime))
        .column(ColumnDef::new("at_utc", ColumnType::DateTimeUtc))
        .column(ColumnDef::new("u", ColumnType::Uuid))
        .column(ColumnDef::new("doc", ColumnType::Json).nullable())
        .column(ColumnDef::new("blob", ColumnType::Bytes))
        .primary_key(["id"]);
    let script = match e.compile(&Statement::CreateTable(std::sync::Arc::new(t))).unwrap() {
        Compiled::Sql(q) => vec![q.sql],
        Compiled::Script(qs) => qs.into_iter().map(|q| q.sql).collect(),
        other => panic!("{other:?}"),
    };
    let create = &script[0];
    for part in [
        r#""id" BIGINT NOT NULL GENERATED BY DEFAULT AS IDENTITY"#,
        r#""flag" BOOLEAN NOT NULL"#,
        r#""big" NUMERIC(20, 0) NOT NULL"#,
        r#""price" NUMERIC(20, 8) NOT NULL"#,
        r#""at" TIMESTAMP NOT NULL"#,
        r#""at_utc" TIMESTAMPTZ NOT NULL"#,
        r#""u" UUID NOT NULL"#,
        r#""doc" JSONB"#,
        r#""blob" BYTEA NOT NULL"#,
    ] {
        assert!(create.contains(part), "{part} not in {create}");
    }
}

#[test]
fn bulk_inserts_bind_one_array_per_column() {
    let e = common::engine();
    let ts = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let close = |c: i64| Value::Decimal(rust_decimal::Decimal::new(c, 8));
    let q = insert_into(&candles())
        .columns(["symbol", "ts", "close", "note"])
        .values([Value::from("BTC"), Value::DateTime(ts), close(1), Value::Null])
        .values([Value::from("ETH"), Value::DateTime(ts), close(2), Value::Null])
        .on_conflict(["symbol", "ts"])
        .on_conflict_update(["close"])
        .returning(["id"]);
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(
        s,
        r#"INSERT INTO "ohlcv_1m" ("symbol", "ts", "close", "note") SELECT "u"."c0", "u"."c1", "u"."c2", NULL FROM unnest($1::text[], $2::timestamp[], $3::numeric[]) AS "u"("c0", "c1", "c2") ON CONFLICT ("symbol", "ts") DO UPDATE SET "close" = "excluded"."close" RETURNING "id""#
    );
    assert_eq!(
        p,
        vec![
            Value::Array(vec![Value::from("BTC"), Value::from("ETH")]),
            Value::Array(vec![Value::DateTime(ts); 2]),
            Value::Array(vec![close(1), close(2)]),
        ]
    );
    // 100,000 rows of 3 columns: still one statement of 3 parameters.
    let mut big = insert_into(&candles()).columns(["symbol", "ts", "close"]);
    for i in 0..100_000 {
        big = big.values([Value::from("BTC"), Value::DateTime(ts), close(i)]);
    }
    let (s, p) = sql(e.compile(&big).unwrap());
    assert_eq!(s, r#"INSERT INTO "ohlcv_1m" ("symbol", "ts", "close") SELECT * FROM unnest($1::text[], $2::timestamp[], $3::numeric[])"#);
    assert_eq!(p.len(), 3);
}
