//! The exact MySQL SQL for each statement kind (no server needed: engines connect lazily).

mod common;

use athanor_core::ast::{SelectKind, Statement};
use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, delete_from, insert_into, select, text, update, Compiled, Error, Value};
use std::sync::Arc;

fn candles() -> Table {
    Table::new("ohlcv_1m")
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("symbol", ColumnType::String { max_len: Some(16) }))
        .column(ColumnDef::new("ts", ColumnType::DateTime).index())
        .column(ColumnDef::new("close", ColumnType::Decimal { precision: None, scale: None }))
        .column(ColumnDef::new("note", ColumnType::Text).nullable())
        .primary_key(["id"])
        .unique(["symbol", "ts"])
}

fn sql(c: Compiled) -> (String, Vec<Value>) {
    let q = c.sql().expect("one SQL statement").clone();
    (q.sql, q.params)
}

#[test]
fn select_with_filter_order_limit_offset() {
    let e = common::engine();
    let q = select(&candles())
        .columns([col("symbol"), col("close")])
        .filter(col("symbol").eq("BTC").and(col("close").gt(100)))
        .order_by(col("ts").desc())
        .limit(10)
        .offset(5);
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(s, "SELECT `symbol`, `close` FROM `ohlcv_1m` WHERE `symbol` = ? AND `close` > ? ORDER BY `ts` DESC LIMIT ? OFFSET ?");
    assert_eq!(p, vec![Value::from("BTC"), Value::I64(100), Value::U64(10), Value::U64(5)]);
}

#[test]
fn nulls_last_and_first_are_emulated() {
    let e = common::engine();
    let (s, _) = sql(e.compile(&select(&candles()).order_by(col("note").desc().nulls_first())).unwrap());
    assert_eq!(s, "SELECT * FROM `ohlcv_1m` ORDER BY `note` IS NULL DESC, `note` DESC");
    let (s, _) = sql(e.compile(&select(&candles()).order_by(col("note").asc().nulls_last())).unwrap());
    assert_eq!(s, "SELECT * FROM `ohlcv_1m` ORDER BY `note` IS NULL ASC, `note` ASC");
}

#[test]
fn a_placement_mysql_gives_anyway_is_left_out() {
    // NULLs are MySQL's smallest value: first in ASC, last in DESC, with no `IS NULL` sort key
    // that would keep an index from serving the ORDER BY.
    let e = common::engine();
    let (s, _) = sql(e.compile(&select(&candles()).order_by(col("note").desc().nulls_last())).unwrap());
    assert_eq!(s, "SELECT * FROM `ohlcv_1m` ORDER BY `note` DESC");
    let (s, _) = sql(e.compile(&select(&candles()).order_by(col("note").asc().nulls_first())).unwrap());
    assert_eq!(s, "SELECT * FROM `ohlcv_1m` ORDER BY `note` ASC");
}

#[test]
fn ilike_is_emulated_with_lower() {
    let e = common::engine();
    let (s, p) = sql(e.compile(&select(&candles()).filter(col("symbol").ilike("btc%"))).unwrap());
    assert_eq!(s, "SELECT * FROM `ohlcv_1m` WHERE (LOWER(`symbol`) LIKE LOWER(?) ESCAPE X'5C')");
    assert_eq!(p, vec![Value::from("btc%")]);
}

#[test]
fn in_between_like_not_null_checks() {
    let e = common::engine();
    let q = select(&candles()).filter(
        col("symbol").in_list(["BTC", "ETH"]).or(col("id").between(1, 9)).and(!col("note").like("x%")).and(col("note").is_not_null()),
    );
    let (s, p) = sql(e.compile(&q).unwrap());
    assert_eq!(
        s,
        "SELECT * FROM `ohlcv_1m` WHERE (`symbol` IN (?, ?) OR (`id` BETWEEN ? AND ?)) AND (NOT ((`note` LIKE ? ESCAPE X'5C'))) AND `note` IS NOT NULL"
    );
    assert_eq!(p.len(), 5);
}

#[test]
fn count_exists_and_group_by() {
    let e = common::engine();
    let mut count = select(&candles()).filter(col("id").gt(1)).ast().clone();
    count.kind = SelectKind::Count;
    let (s, _) = sql(e.compile(&Statement::Select(count.clone())).unwrap());
    assert_eq!(s, "SELECT COUNT(*) AS `count` FROM `ohlcv_1m` WHERE `id` > ?");
    count.kind = SelectKind::Exists;
    let (s, _) = sql(e.compile(&Statement::Select(count)).unwrap());
    assert_eq!(s, "SELECT EXISTS(SELECT ? FROM `ohlcv_1m` WHERE `id` > ?) AS `exists`");
    let q = select(&candles()).columns([col("symbol")]).column_as(col("close").max(), "hi").group_by([col("symbol")]);
    let (s, _) = sql(e.compile(&q).unwrap());
    assert_eq!(s, "SELECT `symbol`, MAX(`close`) AS `hi` FROM `ohlcv_1m` GROUP BY `symbol`");
}

#[test]
fn insert_bulk_upsert_and_do_nothing() {
    let e = common::engine();
    let base = || {
        insert_into(&candles())
            .columns(["symbol", "close"])
            .values([Value::from("BTC"), Value::I64(1)])
            .values([Value::from("ETH"), Value::I64(2)])
    };
    let (s, p) = sql(e.compile(&base()).unwrap());
    assert_eq!(s, "INSERT INTO `ohlcv_1m` (`symbol`, `close`) VALUES (?, ?), (?, ?)");
    assert_eq!(p.len(), 4);
    let (s, _) = sql(e.compile(&base().on_conflict_update(["close"])).unwrap());
    assert_eq!(s, "INSERT INTO `ohlcv_1m` (`symbol`, `close`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `close` = VALUES(`close`)");
    let (s, _) = sql(e.compile(&base().on_conflict_do_nothing()).unwrap());
    assert_eq!(s, "INSERT INTO `ohlcv_1m` (`symbol`, `close`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `symbol` = `symbol`");
}

#[test]
fn conflict_target_is_unsupported() {
    let e = common::engine();
    let q = insert_into(&candles()).columns(["symbol"]).values([Value::from("BTC")]).on_conflict(["symbol"]).on_conflict_update(["symbol"]);
    match e.compile(&q) {
        Err(Error::Unsupported { dialect: "mysql", feature }) => assert!(feature.contains("ON CONFLICT target"), "{feature}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn returning_is_refused_before_the_server_is_known() {
    // MariaDB >= 10.5 RETURNING is enabled only after the first connect shows the server.
    let e = common::engine();
    assert!(!e.capabilities().insert_returning);
    let q = insert_into(&candles()).columns(["symbol"]).values([Value::from("BTC")]).returning(["id"]);
    assert!(matches!(e.compile(&q), Err(Error::Unsupported { dialect: "mysql", .. })));
}

#[test]
fn update_and_delete() {
    let e = common::engine();
    let (s, p) = sql(e.compile(&update(&candles()).set_value("note", "checked").filter(col("id").eq(7))).unwrap());
    assert_eq!(s, "UPDATE `ohlcv_1m` SET `note` = ? WHERE `id` = ?");
    assert_eq!(p, vec![Value::from("checked"), Value::I64(7)]);
    let (s, _) = sql(e.compile(&delete_from(&candles()).filter(col("ts").lt(Value::I64(5)))).unwrap());
    assert_eq!(s, "DELETE FROM `ohlcv_1m` WHERE `ts` < ?");
    assert!(matches!(e.compile(&delete_from(&candles())), Err(Error::MissingFilter { statement: "DELETE" })));
    assert!(matches!(e.compile(&update(&candles()).set_value("note", "x")), Err(Error::MissingFilter { statement: "UPDATE" })));
}

#[test]
fn raw_text_binds_are_positional() {
    let e = common::engine();
    let (s, p) = sql(e.compile(&text("SELECT * FROM t WHERE a = :a AND b = ':a' AND c = :a").bind("a", 3)).unwrap());
    assert_eq!(s, "SELECT * FROM t WHERE a = ? AND b = ':a' AND c = ?");
    assert_eq!(p, vec![Value::I64(3), Value::I64(3)]);
}

#[test]
fn create_table_ddl() {
    let e = common::engine();
    let t = candles()
        .column(ColumnDef::new("flag", ColumnType::Bool).default(true))
        .column(ColumnDef::new("n", ColumnType::U32))
        .column(ColumnDef::new("blob", ColumnType::Bytes).nullable())
        .column(ColumnDef::new("t", ColumnType::Time))
        .column(ColumnDef::new("doc", ColumnType::Json).nullable())
        .column(ColumnDef::new("uid", ColumnType::Uuid))
        .column(ColumnDef::new("label", ColumnType::String { max_len: None }).default("it's \\ ok"));
    let (s, p) = sql(e.compile(&Statement::CreateTable(Arc::new(t))).unwrap());
    assert!(p.is_empty());
    assert_eq!(
        s,
        "CREATE TABLE IF NOT EXISTS `ohlcv_1m` (\n  \
         `id` BIGINT NOT NULL AUTO_INCREMENT,\n  \
         `symbol` VARCHAR(16) /*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */ NOT NULL,\n  \
         `ts` DATETIME(6) NOT NULL,\n  \
         `close` DECIMAL(20, 8) NOT NULL,\n  \
         `note` TEXT /*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */ NULL,\n  \
         `flag` TINYINT(1) NOT NULL DEFAULT 1,\n  \
         `n` INT UNSIGNED NOT NULL,\n  \
         `blob` LONGBLOB NULL,\n  \
         `t` TIME(6) NOT NULL,\n  \
         `doc` JSON NULL,\n  \
         `uid` CHAR(36) /*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */ NOT NULL,\n  \
         `label` VARCHAR(255) /*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */ NOT NULL DEFAULT _utf8mb4 X'69742773205C206F6B',\n  \
         PRIMARY KEY (`id`),\n  \
         INDEX `ix_ohlcv_1m_ts` (`ts`),\n  \
         CONSTRAINT `uq_ohlcv_1m_symbol_ts` UNIQUE (`symbol`, `ts`)\n\
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    );
    let notes = Table::new("notes")
        .column(ColumnDef::new("body", ColumnType::Text).index())
        .column(ColumnDef::new("k", ColumnType::I32))
        .index(["k", "body"]);
    let (s, _) = sql(e.compile(&Statement::CreateTable(Arc::new(notes))).unwrap());
    assert!(s.contains("INDEX `ix_notes_body` (`body`(255))") && s.contains("INDEX `ix_notes_k_body` (`k`, `body`(255))"), "{s}");
    let (s, _) = sql(e.compile(&Statement::DropTable("we`ird".into())).unwrap());
    assert_eq!(s, "DROP TABLE IF EXISTS `we``ird`");
}

#[test]
fn bulk_insert_is_split_under_65535_placeholders() {
    let e = common::engine();
    let mut q = insert_into(&candles()).columns(["a", "b", "c", "d", "e", "f", "g", "h"]);
    for i in 0..20_000i64 {
        q = q.values((0..8).map(|j| Value::I64(i * 8 + j)));
    }
    let Compiled::Script(parts) = e.compile(&q).unwrap() else { panic!("expected several statements") };
    assert!(parts.iter().all(|p| p.params.len() <= 65_535));
    assert_eq!(parts.iter().map(|p| p.params.len()).sum::<usize>(), 160_000);
    // Rows stay in order across chunks.
    assert_eq!(parts[0].params[0], Value::I64(0));
    assert_eq!(parts[1].params[0], Value::I64(parts[0].params.len() as i64));
}

#[test]
fn returning_is_appended_when_the_server_has_it() {
    use athanor_mysql::compile::{capabilities, compile, DEFAULT_MAX_PACKET};
    let caps = capabilities(true);
    let ins = insert_into(&candles()).columns(["symbol"]).values([Value::from("BTC")]).returning(["id", "symbol"]);
    let (s, p) = sql(compile(&caps, &athanor_core::query::AsStatement::as_statement(&ins).unwrap(), DEFAULT_MAX_PACKET).unwrap());
    assert_eq!(s, "INSERT INTO `ohlcv_1m` (`symbol`) VALUES (?) RETURNING `id`, `symbol`");
    assert_eq!(p, vec![Value::from("BTC")]);
    let mut del = delete_from(&candles()).filter(col("id").eq(1)).ast().clone();
    del.returning = vec!["id".into()];
    let (s, _) = sql(compile(&caps, &Statement::Delete(del.clone()), DEFAULT_MAX_PACKET).unwrap());
    assert_eq!(s, "DELETE FROM `ohlcv_1m` WHERE `id` = ? RETURNING `id`");
    // UPDATE … RETURNING exists on neither MySQL nor MariaDB.
    let mut upd = update(&candles()).set_value("note", "x").filter(col("id").eq(1)).ast().clone();
    upd.returning = vec!["id".into()];
    assert!(matches!(compile(&caps, &Statement::Update(upd), DEFAULT_MAX_PACKET), Err(Error::Unsupported { dialect: "mysql", .. })));
    // MySQL (no RETURNING at all) refuses the DELETE form too.
    assert!(matches!(
        compile(&capabilities(false), &Statement::Delete(del), DEFAULT_MAX_PACKET),
        Err(Error::Unsupported { dialect: "mysql", .. })
    ));
}

#[test]
fn bulk_insert_is_split_under_the_packet_size() {
    use athanor_mysql::compile::{capabilities, packet_budget, plan};
    let mut q = insert_into(&candles()).columns(["symbol", "note"]);
    let big = "x".repeat(10_000);
    for i in 0..200 {
        q = q.values([Value::from(format!("s{i}")), Value::from(big.as_str())]);
    }
    let stmt = athanor_core::query::AsStatement::as_statement(&q).unwrap();
    let max_packet = 1024 * 1024;
    let parts = plan(&capabilities(false), &stmt, max_packet).unwrap();
    assert!(parts.len() >= 3, "{} parts", parts.len());
    for p in &parts {
        let bytes: usize = p.params.iter().map(|v| if let Value::String(s) = v { s.len() } else { 0 }).sum();
        assert!(bytes <= packet_budget(max_packet), "{bytes}");
        assert!(p.sql.starts_with("INSERT INTO `ohlcv_1m` (`symbol`, `note`) VALUES (?, ?), "));
    }
    assert_eq!(parts.iter().map(|p| p.params.len()).sum::<usize>(), 400);
    assert_eq!(parts[0].params[0], Value::from("s0"));
}

#[test]
fn engine_creation_does_not_connect_and_debug_hides_the_password() {
    // Port 1 has no server: building the engine and compiling must still work.
    let e = common::engine_at("mysql+pymysql://bot:Sekr1t%40pw@127.0.0.1:1/app?charset=utf8mb4");
    assert_eq!(e.dialect(), "mysql");
    let shown = format!("{e:?} {:?} {}", e.backend(), e.url());
    assert!(!shown.contains("Sekr1t"), "{shown}");
    assert!(shown.contains("127.0.0.1:1"), "{shown}");
    assert!(e.compile(&select(&candles()).limit(1)).is_ok());
}
