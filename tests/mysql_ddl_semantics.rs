//! What MySQL/MariaDB DDL declares (issue 10 defects 8 and 11): a time column's fractional-second
//! precision; tables in utf8mb4 with the server's default collation or the URL's `collation=`,
//! text columns binary and no-pad unless the URL names a collation; string defaults stored as
//! written with and without `NO_BACKSLASH_ESCAPES`.

mod common_mysql;

use athanor::prelude::*;
use athanor_core::{insert_into, select, ColumnDef, ColumnType, Row, Table};

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "textsem_ticks")]
struct Tick {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(precision = 3)]
    ms: athanor::chrono::NaiveDateTime,
    at: athanor::chrono::NaiveDateTime,
    #[athanor(precision = 0)]
    t: athanor::chrono::NaiveTime,
    #[athanor(max_len = 20)]
    name: String,
}

async fn one_string(engine: &Engine, sql: String) -> String {
    let rows = athanor::text(sql.clone()).fetch_all(engine).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows[0].get::<String>("v").unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn column_info(engine: &Engine, db: &str, column: &str, what: &str) -> String {
    one_string(
        engine,
        format!("SELECT CAST({what} AS CHAR) AS v FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'textsem_ticks' AND COLUMN_NAME = '{column}'"),
    )
    .await
}

async fn table_collation(engine: &Engine, db: &str) -> String {
    one_string(
        engine,
        format!("SELECT TABLE_COLLATION AS v FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = 'textsem_ticks'"),
    )
    .await
}

#[tokio::test]
async fn time_precision_and_binary_text_by_default() {
    common_mysql::with_scratch_db("ddl", "", |engine, db| async move {
        engine.create_all(&[Tick::table()]).await.expect("create");
        assert_eq!(column_info(&engine, &db, "ms", "DATETIME_PRECISION").await, "3");
        assert_eq!(column_info(&engine, &db, "at", "DATETIME_PRECISION").await, "6", "the default stays 6");
        assert_eq!(column_info(&engine, &db, "t", "DATETIME_PRECISION").await, "0");
        let default = one_string(
            &engine,
            "SELECT DEFAULT_COLLATE_NAME AS v FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME = 'utf8mb4'".into(),
        )
        .await;
        assert_eq!(table_collation(&engine, &db).await, default, "the table takes the server's utf8mb4 default");
        let version = one_string(&engine, "SELECT VERSION() AS v".into()).await;
        let binary = if version.to_lowercase().contains("mariadb") { "utf8mb4_nopad_bin" } else { "utf8mb4_0900_bin" };
        assert_eq!(column_info(&engine, &db, "name", "COLLATION_NAME").await, binary, "text columns compare binary, no pad");
    })
    .await;
}

#[tokio::test]
async fn url_collation_applies_to_tables_and_text() {
    common_mysql::with_scratch_db("ddlc", "collation=utf8mb4_unicode_ci", |engine, db| async move {
        engine.create_all(&[Tick::table()]).await.expect("create");
        assert_eq!(table_collation(&engine, &db).await, "utf8mb4_unicode_ci");
        assert_eq!(column_info(&engine, &db, "name", "COLLATION_NAME").await, "utf8mb4_unicode_ci");
    })
    .await;
    common_mysql::with_scratch_db("ddll", "collation=latin1_swedish_ci&charset=latin1", |engine, _| async move {
        let err = engine.create_all(&[Tick::table()]).await.unwrap_err();
        assert!(matches!(&err, athanor::Error::InvalidOption { key, .. } if key == "collation"), "{err}");
    })
    .await;
}

const DEFAULTS: &[&str] = &["C:\\dir\\", "it's", "a\\'b", "\\0 and \\n", "plain", "100%_", "emoji 🦀 ä"];

fn defaults_table() -> Table {
    let mut t = Table::new("textsem_defaults").column(ColumnDef::new("id", ColumnType::I64)).primary_key(["id"]);
    for (i, d) in DEFAULTS.iter().enumerate() {
        t = t.column(ColumnDef::new(format!("s{i}"), ColumnType::String { max_len: Some(40) }).default(*d));
    }
    t
}

async fn defaults_round_trip(extra: &'static str) {
    common_mysql::with_scratch_db("ddld", extra, |engine, _| async move {
        let t = defaults_table();
        engine.create_all(&[&t]).await.expect("create");
        insert_into(&t).columns(["id"]).values([1i64]).execute(&engine).await.expect("insert");
        let row: Row = select(&t).one(&engine).await.expect("row");
        for (i, d) in DEFAULTS.iter().enumerate() {
            assert_eq!(row.get::<String>(&format!("s{i}")).unwrap(), *d, "default {i} with `{extra}`");
        }
    })
    .await;
}

#[tokio::test]
async fn string_defaults_are_stored_as_written() {
    defaults_round_trip("").await;
    defaults_round_trip("sql_mode=NO_BACKSLASH_ESCAPES").await;
}
