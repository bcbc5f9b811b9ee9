//! The exact SQL the SQLite dialect produces for each statement kind (no I/O).

use athanor::schema::{ColumnDef, ColumnType, Table};
use athanor::{col, create_engine, delete_from, insert_into, select, text, update, Compiled, Value};

fn candles() -> Table {
    Table::new("ohlcv_1m")
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("symbol", ColumnType::String { max_len: Some(16) }))
        .column(ColumnDef::new("ts", ColumnType::DateTime))
        .column(ColumnDef::new("close", ColumnType::Decimal { precision: Some(20), scale: Some(8) }))
        .column(ColumnDef::new("note", ColumnType::Text).nullable().index())
        .primary_key(["id"])
        .unique(["symbol", "ts"])
}

fn sql(c: Compiled) -> (String, Vec<Value>) {
    let q = c.sql().expect("one SQL statement").clone();
    (q.sql, q.params)
}

#[test]
fn select_with_filter_order_limit() {
    let e = create_engine("sqlite://").unwrap();
    let t = candles();
    let q = select(&t)
        .columns([col("symbol"), col("close")])
        .filter(col("symbol").eq("BTC").and(col("close").gt(100)))
        .order_by(col("ts").desc().nulls_last())
        .limit(10)
        .offset(5);
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(s, r#"SELECT "symbol", "close" FROM "ohlcv_1m" WHERE "symbol" = ? AND "close" > ? ORDER BY "ts" DESC LIMIT ? OFFSET ?"#);
    assert_eq!(p, vec![Value::from("BTC"), Value::I64(100), Value::U64(10), Value::U64(5)]);
}

#[test]
fn select_star_in_between_like_not_or() {
    let e = create_engine("sqlite://").unwrap();
    let t = candles();
    let q = select(&t).filter(
        col("symbol").in_list(["BTC", "ETH"]).or(col("id").between(1, 9)).and(!col("note").like("x%")).and(col("note").is_not_null()),
    );
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(
        s,
        r#"SELECT * FROM "ohlcv_1m" WHERE ("symbol" IN (?, ?) OR ("id" BETWEEN ? AND ?)) AND (NOT (("note" LIKE ? ESCAPE '\'))) AND "note" IS NOT NULL"#
    );
    assert_eq!(p.len(), 5);
}

#[test]
fn ilike_is_emulated_with_lower() {
    let e = create_engine("sqlite://").unwrap();
    let (s, _) = sql(e.compile(&select(&candles()).filter(col("symbol").ilike("btc%"))).unwrap());
    assert_eq!(s, r#"SELECT * FROM "ohlcv_1m" WHERE (LOWER("symbol") LIKE LOWER(?) ESCAPE '\')"#);
}

#[test]
fn empty_in_list_matches_nothing() {
    let e = create_engine("sqlite://").unwrap();
    let (s, p) = sql(e.compile(&select(&candles()).filter(col("id").in_list(Vec::<i64>::new()))).unwrap());
    assert_eq!(s, r#"SELECT * FROM "ohlcv_1m" WHERE ? = ?"#);
    assert_eq!(p, vec![Value::I64(1), Value::I64(2)]);
}

#[test]
fn group_by_with_aggregates() {
    let e = create_engine("sqlite://").unwrap();
    let q = select(&candles()).columns([col("symbol")]).column_as(col("close").max(), "hi").group_by([col("symbol")]);
    let (s, _) = sql(e.compile(&q).unwrap());
    assert_eq!(s, r#"SELECT "symbol", MAX("close") AS "hi" FROM "ohlcv_1m" GROUP BY "symbol""#);
}

#[test]
fn insert_bulk_and_upsert() {
    let e = create_engine("sqlite://").unwrap();
    let q = insert_into(&candles())
        .columns(["symbol", "close"])
        .values([Value::from("BTC"), Value::I64(1)])
        .values([Value::from("ETH"), Value::I64(2)]);
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(s, r#"INSERT INTO "ohlcv_1m" ("symbol", "close") VALUES (?, ?), (?, ?)"#);
    assert_eq!(p.len(), 4);

    let up = insert_into(&candles())
        .columns(["symbol", "close"])
        .values([Value::from("BTC"), Value::I64(1)])
        .on_conflict(["symbol"])
        .on_conflict_update(["close"]);
    let (s, _) = sql(e.compile(&up).unwrap());
    assert_eq!(
        s,
        r#"INSERT INTO "ohlcv_1m" ("symbol", "close") VALUES (?, ?) ON CONFLICT ("symbol") DO UPDATE SET "close" = "excluded"."close""#
    );

    let nothing = insert_into(&candles()).columns(["symbol"]).values([Value::from("BTC")]).on_conflict_do_nothing();
    let (s, _) = sql(e.compile(&nothing).unwrap());
    assert_eq!(s, r#"INSERT INTO "ohlcv_1m" ("symbol") VALUES (?) ON CONFLICT  DO NOTHING"#);

    let ret = insert_into(&candles()).columns(["symbol"]).values([Value::from("BTC")]).returning(["id"]);
    let (s, _) = sql(e.compile(&ret).unwrap());
    assert_eq!(s, r#"INSERT INTO "ohlcv_1m" ("symbol") VALUES (?) RETURNING "id""#);
}

#[test]
fn update_and_delete() {
    let e = create_engine("sqlite://").unwrap();
    let (s, p) = sql(e.compile(&update(&candles()).set_value("note", "checked").filter(col("id").eq(7))).unwrap());
    assert_eq!(s, r#"UPDATE "ohlcv_1m" SET "note" = ? WHERE "id" = ?"#);
    assert_eq!(p, vec![Value::from("checked"), Value::I64(7)]);
    let (s, _) = sql(e.compile(&delete_from(&candles()).filter(col("ts").lt("2024-01-01"))).unwrap());
    assert_eq!(s, r#"DELETE FROM "ohlcv_1m" WHERE "ts" < ?"#);
    let (s, _) = sql(e.compile(&delete_from(&candles()).all_rows()).unwrap());
    assert_eq!(s, r#"DELETE FROM "ohlcv_1m""#);
}

#[test]
fn raw_text_binds_by_name() {
    let e = create_engine("sqlite://").unwrap();
    let (s, p) = sql(e
        .compile(&text("SELECT symbol FROM t WHERE ts >= :since AND symbol = :s OR ts < :since").bind("since", "2024").bind("s", "BTC"))
        .unwrap());
    assert_eq!(s, "SELECT symbol FROM t WHERE ts >= ? AND symbol = ? OR ts < ?");
    assert_eq!(p, vec![Value::from("2024"), Value::from("BTC"), Value::from("2024")]);
}

#[test]
fn ddl_from_table() {
    let e = create_engine("sqlite://").unwrap();
    let c = e.compile(&athanor::ast::Statement::CreateTable(std::sync::Arc::new(candles()))).unwrap();
    let Compiled::Script(qs) = c else { panic!("expected a script") };
    assert_eq!(
        qs[0].sql,
        "CREATE TABLE IF NOT EXISTS \"ohlcv_1m\" (\n  \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n  \"symbol\" VARCHAR(16) NOT NULL,\n  \"ts\" DATETIME NOT NULL,\n  \"close\" DECIMAL_TEXT(20, 8) COLLATE \"athanor_decimal\" NOT NULL,\n  \"note\" TEXT NULL,\n  CONSTRAINT \"uq_ohlcv_1m_symbol_ts\" UNIQUE (\"symbol\", \"ts\")\n)"
    );
    assert_eq!(qs[1].sql, r#"CREATE INDEX IF NOT EXISTS "ix_ohlcv_1m_note" ON "ohlcv_1m" ("note")"#);
}

#[test]
fn quoted_identifiers_escape_quotes() {
    let e = create_engine("sqlite://").unwrap();
    let t = Table::new("we\"ird").column(ColumnDef::new("c\"ol", ColumnType::I64));
    let (s, _) = sql(e.compile(&select(&t).columns([col("c\"ol")])).unwrap());
    assert_eq!(s, r#"SELECT "c""ol" FROM "we""ird""#);
}

#[test]
fn update_and_delete_returning() {
    let e = create_engine("sqlite://").unwrap();
    let t = candles();
    let upd = update(&t).set_value("note", "x").filter(col("id").eq(7)).returning_columns(["id", "note"]);
    let (s, p) = sql(e.compile(&upd).unwrap());
    assert_eq!(s, r#"UPDATE "ohlcv_1m" SET "note" = ? WHERE "id" = ? RETURNING "id", "note""#);
    assert_eq!(p, vec![Value::from("x"), Value::I64(7)]);
    let del = delete_from(&t).filter(col("id").eq(7)).returning_columns(["id"]);
    let (s, p) = sql(e.compile(&del).unwrap());
    assert_eq!(s, r#"DELETE FROM "ohlcv_1m" WHERE "id" = ? RETURNING "id""#);
    assert_eq!(p, vec![Value::I64(7)]);
}
