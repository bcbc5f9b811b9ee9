//! Hostile values and identifiers round-trip on SQLite and MariaDB: 50 strings (quotes, backslashes,
//! injection attempts, bind look-alikes, control characters, RTL and combining marks, 4-byte
//! characters, 60 kB) stored through models, filters and raw SQL (text with a NUL is refused before
//! I/O, on every dialect), and tables and columns with names that need quoting, through DDL, insert,
//! select, update, delete and drop.

mod fault_support;

use athanor::prelude::*;
use athanor::schema::{ColumnDef, ColumnType, Table};
use athanor::{delete_from, insert_into, select, update, Value};
use fault_support::{serial, within, SHARED_MYSQL};

fn hostile_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "'",
        "''",
        "\"",
        "`",
        "\\",
        "\\'",
        "\\\"",
        "'; DROP TABLE fault_hostile; --",
        "1' OR '1'='1",
        "\" OR \"\"=\"",
        "%",
        "_",
        "%_%",
        "\\%\\_",
        "[a-z]*?",
        ":name",
        ":1 :2",
        "$1",
        "?",
        "@v := 1",
        "@@version",
        "/* comment */",
        "-- comment",
        "# comment",
        "\n",
        "\r\n",
        "\t\x0b\x0c",
        "\u{1}",
        "a\u{1f}b",
        "NULL",
        "null",
        "trailing ",
        " leading",
        "\x1b[31mred\x1b[0m",
        "${jndi:ldap://x/a}",
        "<script>alert(1)</script>",
        "\u{7f}\u{80}\u{85}\u{a0}",
        "\u{2028}\u{2029}",
        "\u{202e}gnp.exe",
        "\u{feff}bom",
        "e\u{301}\u{308}",
        "ｆｕｌｌｗｉｄｔｈ",
        "😀👨‍👩‍👧‍👦🏳️‍🌈",
        "\u{10ffff}\u{fffd}",
        "0x41; SELECT CHAR(39)",
        "Robert'); DROP TABLE Students;--",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("ab'c\\".repeat(12_000)); // 60,000 bytes
    v.push("ä".repeat(15_000) + "𝄞"); // 30,004 bytes, multi-byte throughout
    assert_eq!(v.len(), 50);
    v
}

/// Table and column names that need quoting on every dialect (each kept short for MySQL's 64).
const HOSTILE_IDENTS: &[&str] = &[
    "select",
    "order by",
    "we\"ird",
    "back`tick",
    "semi;colon",
    "dash-name",
    "dollar$",
    "per%cent",
    "quest?on",
    ":colon",
    "--comment",
    "/*c*/",
    "a'b",
    "back\\slash",
    "ünïcødé",
    "日本語",
    "tab\tname",
    "dot.name",
];

fn strings_table(name: &str) -> Table {
    Table::new(name.to_owned())
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("s", ColumnType::Text))
        .primary_key(["id"])
}

async fn strings_round_trip(e: &Engine, name: &str) {
    let t = strings_table(name);
    within(30, "create", e.create_all(&[&t])).await.unwrap();
    let strings = hostile_strings();
    let mut q = insert_into(&t).columns(["id", "s"]);
    for (i, s) in strings.iter().enumerate() {
        q = q.values([Value::I64(i as i64), Value::from(s.as_str())]);
    }
    assert_eq!(within(30, "insert", q.execute(e)).await.unwrap().rows_affected, 50);
    // Text with a NUL is refused before any I/O (PostgreSQL cannot store it): in a write and a filter.
    for nul in ["\0", "a\0b"] {
        let w = insert_into(&t).columns(["id", "s"]).values([Value::I64(99), Value::from(nul)]).execute(e).await;
        assert!(matches!(w, Err(athanor::Error::InvalidValue { .. })), "{}: {w:?}", e.dialect());
        let f = select(&t).filter(col("s").eq(nul)).all(e).await;
        assert!(matches!(f, Err(athanor::Error::InvalidQuery(_))), "{}: {f:?}", e.dialect());
    }
    let rows = within(30, "select", select(&t).order_by(col("id").asc()).all(e)).await.unwrap();
    let back: Vec<String> = rows.iter().map(|r| r.get::<String>("s").unwrap()).collect();
    for (i, (want, got)) in strings.iter().zip(&back).enumerate() {
        assert_eq!(got, want, "{}: string #{i} changed on the way", e.dialect());
    }
    assert_eq!(back.len(), 50);
    for (i, s) in strings.iter().enumerate() {
        // Each value finds its own row through a bound filter (MariaDB's collation may match more).
        let ids: Vec<i64> = within(15, "filter", select(&t).filter(col("s").eq(s.as_str())).all(e))
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<i64>("id").unwrap())
            .collect();
        assert!(ids.contains(&(i as i64)), "{}: string #{i} does not find its row: {ids:?}", e.dialect());
        if ids.len() > 1 {
            eprintln!("{}: `= string #{i}` also matches rows {ids:?} (the column's collation)", e.dialect());
        }
        // Raw SQL with a named bind returns it unchanged.
        let row = within(15, "raw", text("SELECT :v AS v").bind("v", s.as_str()).fetch_one(e)).await.unwrap();
        assert_eq!(&row.get::<String>("v").unwrap(), s, "{}: raw bind of string #{i}", e.dialect());
    }
    // Nothing was executed as SQL: the table is still there with its 50 rows.
    assert_eq!(within(15, "count", select(&t).count(e)).await.unwrap(), 50);
    within(30, "drop", e.drop_all(&[&t])).await.unwrap();
}

async fn identifiers_round_trip(e: &Engine, tag: &str) {
    for (k, ident) in HOSTILE_IDENTS.iter().enumerate() {
        let t = Table::new(format!("{ident} {tag}{k}"))
            .column(ColumnDef::new("id", ColumnType::I64))
            .column(ColumnDef::new(ident.to_string(), ColumnType::String { max_len: Some(32) }).index())
            .column(ColumnDef::new(format!("{ident}2"), ColumnType::I64).nullable())
            .primary_key(["id"]);
        let (c1, c2) = (ident.to_string(), format!("{ident}2"));
        let what = format!("{}: identifier {ident:?}", e.dialect());
        within(30, "create", e.create_all(&[&t])).await.unwrap_or_else(|err| panic!("{what}: create: {err}"));
        within(30, "create again", e.create_all(&[&t])).await.unwrap_or_else(|err| panic!("{what}: create again: {err}"));
        let ins = insert_into(&t)
            .columns(["id".to_string(), c1.clone(), c2.clone()])
            .values([Value::I64(1), Value::from("one"), Value::I64(10)])
            .values([Value::I64(2), Value::from("two"), Value::Null]);
        within(15, "insert", ins.execute(e)).await.unwrap_or_else(|err| panic!("{what}: insert: {err}"));
        let found = within(15, "select", select(&t).filter(col(c1.clone()).eq("two")).all(e)).await.unwrap();
        assert_eq!(found.len(), 1, "{what}");
        assert_eq!(found[0].get::<i64>("id").unwrap(), 2, "{what}");
        assert_eq!(found[0].get::<String>(&c1).unwrap(), "two", "{what}: read back by name");
        let n = within(15, "update", update(&t).set_value(c2.clone(), 20i64).filter(col(c1.clone()).eq("two")).execute(e))
            .await
            .unwrap_or_else(|err| panic!("{what}: update: {err}"));
        assert_eq!(n, 1, "{what}");
        let n = within(15, "delete", delete_from(&t).filter(col(c2.clone()).eq(10i64)).execute(e)).await.unwrap();
        assert_eq!(n, 1, "{what}");
        let left = within(15, "count", select(&t).count(e)).await.unwrap();
        assert_eq!(left, 1, "{what}");
        within(30, "drop", e.drop_all(&[&t])).await.unwrap_or_else(|err| panic!("{what}: drop: {err}"));
    }
}

fn sqlite_engine(name: &str) -> (std::path::PathBuf, Engine) {
    let path = std::env::temp_dir().join(format!("{}.db", fault_support::unique(name)));
    let e = create_engine(&format!("sqlite:///{}", path.display())).unwrap();
    (path, e)
}

fn remove_db(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn hostile_strings_round_trip_on_sqlite() {
    let _serial = serial().await;
    let (path, e) = sqlite_engine("fault_hostile");
    strings_round_trip(&e, "fault_hostile").await;
    e.dispose().await;
    remove_db(&path);
}

#[tokio::test]
async fn hostile_strings_round_trip_on_mariadb() {
    let _serial = serial().await;
    let e = create_engine(SHARED_MYSQL).unwrap();
    strings_round_trip(&e, &fault_support::unique("fault_hostile")).await;
}

#[tokio::test]
async fn hostile_identifiers_round_trip_on_sqlite() {
    let _serial = serial().await;
    let (path, e) = sqlite_engine("fault_idents");
    identifiers_round_trip(&e, "t").await;
    e.dispose().await;
    remove_db(&path);
}

#[tokio::test]
async fn hostile_identifiers_round_trip_on_mariadb() {
    let _serial = serial().await;
    let e = create_engine(SHARED_MYSQL).unwrap();
    let tag = format!("{}_", std::process::id() % 100_000);
    identifiers_round_trip(&e, &tag).await;
}
