//! Bulk inserts through `COPY … FROM STDIN` against the local PostgreSQL (and PgBouncer),
//! compared row by row with the `unnest` INSERT the same rows take in batches under
//! `COPY_MIN_ROWS`. A statement trigger logs which command each insert ran as.

mod pooler;

use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{insert_into, text, DbErrorKind, Engine, Error, Value};
use athanor_postgres::copy::{copy_insert, COPY_MIN_ROWS};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use pooler::common;
use rust_decimal::Decimal;
use std::time::Duration;

const COLS: [&str; 20] =
    ["k", "i16", "i32", "i64", "u", "f32", "f64", "b", "s", "vs", "d", "dn", "day", "t", "at", "at_utc", "doc", "uid", "bytes", "spare"];

fn table(name: &str) -> Table {
    let null = |c: &'static str, ty| ColumnDef::new(c, ty).nullable();
    Table::new(name.to_string())
        .column(ColumnDef::new("k", ColumnType::I64))
        .column(null("i16", ColumnType::I16))
        .column(null("i32", ColumnType::I32))
        .column(null("i64", ColumnType::I64))
        .column(null("u", ColumnType::U64))
        .column(null("f32", ColumnType::F32))
        .column(null("f64", ColumnType::F64))
        .column(null("b", ColumnType::Bool))
        .column(null("s", ColumnType::Text))
        .column(null("vs", ColumnType::String { max_len: Some(40) }))
        .column(null("d", ColumnType::Decimal { precision: Some(20), scale: Some(8) }))
        .column(null("day", ColumnType::Date))
        .column(null("t", ColumnType::Time))
        .column(null("at", ColumnType::DateTime))
        .column(null("at_utc", ColumnType::DateTimeUtc))
        .column(null("doc", ColumnType::Json))
        .column(null("uid", ColumnType::Uuid))
        .column(null("bytes", ColumnType::Bytes))
        .column(null("spare", ColumnType::Text))
        .primary_key(["k"])
}

/// The table, an unconstrained `NUMERIC` column `dn`, and a trigger logging each insert's command.
async fn create(e: &Engine, t: &Table) {
    e.create_all(&[t]).await.unwrap();
    let n = &t.name;
    for sql in [
        format!(r#"ALTER TABLE "{n}" ADD COLUMN dn NUMERIC"#),
        format!(r#"CREATE TABLE "{n}_log" (id SERIAL, q TEXT)"#),
        format!(
            r#"CREATE FUNCTION "{n}_fn"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "{n}_log"(q) VALUES (upper(split_part(ltrim(current_query()), ' ', 1))); RETURN NULL; END $$"#
        ),
        format!(r#"CREATE TRIGGER "{n}_tr" AFTER INSERT ON "{n}" FOR EACH STATEMENT EXECUTE FUNCTION "{n}_fn"()"#),
    ] {
        text(sql).execute(e).await.unwrap();
    }
}

async fn drop_tables(e: &Engine, t: &Table) {
    let n = &t.name;
    for sql in [format!(r#"DROP TABLE "{n}", "{n}_log""#), format!(r#"DROP FUNCTION "{n}_fn""#)] {
        text(sql).execute(e).await.unwrap();
    }
}

/// The commands the inserts into `t` ran as, in order (`COPY`, `INSERT`).
async fn commands(e: &Engine, t: &Table) -> Vec<String> {
    let rows = text(format!(r#"SELECT q FROM "{}_log" ORDER BY id"#, t.name)).fetch_all(e).await.unwrap();
    rows.iter().map(|r| r.get::<String>("q").unwrap()).collect()
}

/// Every row as PostgreSQL's text of the whole row, by key.
async fn contents(e: &Engine, t: &Table) -> Vec<String> {
    let rows = text(format!(r#"SELECT "{0}"::text AS r FROM "{0}" ORDER BY k"#, t.name)).fetch_all(e).await.unwrap();
    rows.iter().map(|r| r.get::<String>("r").unwrap()).collect()
}

async fn count(e: &Engine, t: &Table) -> i64 {
    text(format!(r#"SELECT count(*) AS n FROM "{}""#, t.name)).fetch_all(e).await.unwrap()[0].get::<i64>("n").unwrap()
}

fn pick<T: Clone>(k: i64, items: &[T]) -> T {
    items[k as usize % items.len()].clone()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(d: NaiveDate, nanos: u32) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_nano_opt(13, 14, 15, nanos).unwrap())
}

/// Row `k`: the edge values of every type in turn, every nullable column NULL in every 13th row.
fn row(k: i64) -> Vec<Value> {
    let strings = [
        "",
        "\\N",
        "\\.",
        "a\tb",
        "line\nbreak",
        "cr\r\nlf",
        "back\\slash\\",
        "\\\\N",
        "é 日本 🎉",
        "'q\"",
        " pad ",
        "NULL",
        "\\x41",
        "plain",
    ];
    let f64s = [0.1, -0.0, 1e300, -1e-300, 5e-324, f64::MAX, f64::MIN_POSITIVE, 1.0 / 3.0, -123.456];
    let f32s = [0.1f32, f32::MAX, f32::MIN_POSITIVE, 1e-45, -2.5, 16_777_217.0];
    let decs = ["999999999999.99999999", "-999999999999.99999999", "0.00000001", "-0.00000001", "1.5", "0.12345678", "-0", "12.000"];
    let big = ["79228162514264337593543950335", "-79228162514264337593543950335", "0.0000000000000000000000000001", "-1.10", "0"];
    let days = [ymd(2024, 2, 29), ymd(1, 1, 1), ymd(0, 12, 31), ymd(-4000, 6, 15), ymd(9999, 12, 31), ymd(10000, 1, 1), ymd(1999, 12, 31)];
    let nanos = [0, 1_000, 123_456_000, 999_999_000];
    let times =
        [NaiveTime::MIN, NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap(), NaiveTime::from_hms_micro_opt(12, 0, 0, 1).unwrap()];
    let docs = [
        serde_json::json!({"a": "tab\t", "b": "\\N", "n": null, "u": "é", "q": "\"\\"}),
        serde_json::json!([]),
        serde_json::json!("\\."),
        serde_json::json!(1.5),
        serde_json::json!({"deep": [1, {"x": [true, false, null]}], "big": 12345678901234567890u64}),
    ];
    let bytes: [Vec<u8>; 5] = [vec![], vec![0], (0..=255).collect(), b"\\N".to_vec(), b"\\.\n\t".to_vec()];
    let dt = at(pick(k, &days), pick(k / 7, &nanos));
    let mut r = vec![
        Value::I64(k),
        Value::I64(pick(k, &[i16::MIN as i64, i16::MAX as i64, 0, -1])),
        Value::I64(pick(k, &[i32::MIN as i64, i32::MAX as i64, 7])),
        Value::I64(pick(k, &[i64::MIN, i64::MAX, 0, 42])),
        Value::U64(pick(k, &[u64::MAX, 0, 1 << 63])),
        Value::F64(pick(k, &f32s) as f64),
        Value::F64(pick(k, &f64s)),
        Value::Bool(k % 2 == 0),
        Value::from(format!("{}{}", pick(k, &strings), if k % 3 == 0 { format!(" {k}") } else { String::new() })),
        Value::from(pick(k / 3, &strings)),
        Value::Decimal(Decimal::from_str_exact(pick(k, &decs)).unwrap()),
        Value::Decimal(Decimal::from_str_exact(pick(k, &big)).unwrap()),
        Value::Date(pick(k, &days)),
        Value::Time(pick(k, &times)),
        Value::DateTime(dt),
        Value::DateTimeUtc(Utc.from_utc_datetime(&dt)),
        Value::Json(pick(k, &docs)),
        Value::Uuid(pick(k, &[uuid::Uuid::nil(), uuid::Uuid::max(), uuid::Uuid::from_u128(k as u128 * 7919)])),
        Value::Bytes(pick(k, &bytes)),
        Value::Null,
    ];
    if k % 13 == 0 {
        r.iter_mut().skip(1).for_each(|v| *v = Value::Null);
    }
    r
}

fn insert(t: &Table, ks: impl Iterator<Item = i64>) -> athanor_core::query::Insert {
    let mut q = insert_into(t).columns(COLS);
    for k in ks {
        q = q.values(row(k));
    }
    q
}

/// The same rows in batches just under the COPY threshold: the `unnest` INSERT.
async fn insert_by_unnest(e: &Engine, t: &Table, ks: std::ops::Range<i64>) -> Result<u64, Error> {
    let mut n = 0;
    let step = COPY_MIN_ROWS as i64 - 1;
    let mut k = ks.start;
    while k < ks.end {
        let q = insert(t, k..(k + step).min(ks.end));
        let stmt = athanor_core::query::AsStatement::as_statement(&q).unwrap();
        assert!(copy_insert(&stmt).is_none());
        n += q.execute(e).await?.rows_affected;
        k += step;
    }
    Ok(n)
}

#[tokio::test]
async fn copy_stores_what_unnest_stores_row_by_row() {
    let e = common::engine();
    let (by_copy, by_unnest) = (table(&common::unique("pg_copy_new")), table(&common::unique("pg_copy_old")));
    create(&e, &by_copy).await;
    create(&e, &by_unnest).await;
    let n = 2 * COPY_MIN_ROWS as i64 + 500;
    let q = insert(&by_copy, 0..n);
    assert!(copy_insert(&athanor_core::query::AsStatement::as_statement(&q).unwrap()).is_some());
    assert_eq!(q.execute(&e).await.unwrap().rows_affected, n as u64);
    assert_eq!(insert_by_unnest(&e, &by_unnest, 0..n).await.unwrap(), n as u64);
    assert_eq!(commands(&e, &by_copy).await, ["COPY"]);
    assert!(commands(&e, &by_unnest).await.iter().all(|c| c == "INSERT"));
    let (a, b) = (contents(&e, &by_copy).await, contents(&e, &by_unnest).await);
    assert_eq!(a.len(), n as usize);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    // Spot checks of what was stored: a literal `\N` and an empty string are not NULL.
    let probe = |sql: String| text(sql).fetch_all(&e);
    let r =
        probe(format!(r#"SELECT count(*) FILTER (WHERE vs = '\N') AS a, count(*) FILTER (WHERE vs = '') AS b FROM "{}""#, by_copy.name))
            .await
            .unwrap();
    assert!(r[0].get::<i64>("a").unwrap() > 0 && r[0].get::<i64>("b").unwrap() > 0);
    drop_tables(&e, &by_copy).await;
    drop_tables(&e, &by_unnest).await;
}

#[tokio::test]
async fn the_threshold_picks_the_form() {
    let e = common::engine();
    let t = table(&common::unique("pg_copy_threshold"));
    create(&e, &t).await;
    let m = COPY_MIN_ROWS as i64;
    insert(&t, 0..m - 1).execute(&e).await.unwrap();
    insert(&t, m..2 * m).execute(&e).await.unwrap();
    // A conflict clause keeps the INSERT.
    insert(&t, 3 * m..4 * m).on_conflict(["k"]).on_conflict_do_nothing().execute(&e).await.unwrap();
    assert_eq!(commands(&e, &t).await, ["INSERT", "COPY", "INSERT"]);
    assert_eq!(count(&e, &t).await, 3 * m - 1);
    drop_tables(&e, &t).await;
}

/// A duplicate key, a string too long for its VARCHAR and a date before 4713 BC, late or early in the batch: the same error kind as the
/// `unnest` form, nothing written, and the engine's one connection still serves.
#[tokio::test]
async fn a_failing_row_writes_nothing_with_the_unnest_error() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::url()));
    let (by_copy, by_unnest) = (table(&common::unique("pg_copy_err_new")), table(&common::unique("pg_copy_err_old")));
    create(&e, &by_copy).await;
    create(&e, &by_unnest).await;
    let spoils: [fn(&mut Vec<Value>); 3] = [
        |r| r[0] = Value::I64(5),               // a duplicate key: UniqueViolation
        |r| r[9] = Value::from("x".repeat(41)), // too long for VARCHAR(40): 22001 at the server
        |r| r[12] = Value::Date(ymd(-5000, 1, 1)),
    ];
    for spoil in spoils {
        let mut r = row(5_000);
        spoil(&mut r);
        // unnest: 97 good rows, the bad one, one more.
        let unnest = insert(&by_unnest, 0..97).values(r.clone()).values(row(5_001));
        assert!(copy_insert(&athanor_core::query::AsStatement::as_statement(&unnest).unwrap()).is_none());
        let err_unnest = unnest.execute(&e).await.unwrap_err();
        // COPY with the bad row near the end (5,000 good rows before it; the server fails the COPY
        // at its end), and first (key 5 again second: it fails it at once and drops the 6 MB after).
        let late = insert(&by_copy, 0..5_000).values(r.clone()).values(row(5_001));
        let early = insert_into(&by_copy).columns(COLS).values(r.clone()).values(row(5));
        let early = (8..60_000).filter(|k| *k != 5_000).fold(early, |q, k| q.values(row(k)));
        for copy in [late, early] {
            assert!(copy_insert(&athanor_core::query::AsStatement::as_statement(&copy).unwrap()).is_some());
            let err_copy = copy.execute(&e).await.unwrap_err();
            assert!(sqlstate(&err_copy).is_some(), "{err_copy}");
            assert_eq!(err_copy.db_kind(), err_unnest.db_kind(), "{err_copy} / {err_unnest}");
            assert_eq!(sqlstate(&err_copy), sqlstate(&err_unnest), "{err_copy} / {err_unnest}");
            assert_eq!(count(&e, &by_copy).await, 0);
        }
        assert_eq!(count(&e, &by_unnest).await, 0);
    }
    // The connection is clean: the next COPY goes through.
    let m = COPY_MIN_ROWS as i64;
    assert_eq!(insert(&by_copy, 0..m).execute(&e).await.unwrap().rows_affected, m as u64);
    assert_eq!(commands(&e, &by_copy).await, ["COPY"]);
    drop_tables(&e, &by_copy).await;
    drop_tables(&e, &by_unnest).await;
}

fn sqlstate(e: &Error) -> Option<String> {
    match e {
        Error::Database(d) => d.code.clone(),
        _ => None,
    }
}

/// A COPY dropped mid-stream (timeouts from 1 ms up): no rows or all of them, and the engine's
/// only connection is never pooled mid-COPY (the next statements run).
#[tokio::test]
async fn a_dropped_copy_leaves_no_rows_or_all() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::url()));
    let t = table(&common::unique("pg_copy_cancel"));
    create(&e, &t).await;
    let n = 60_000;
    let q = insert(&t, 0..n);
    for wait_ms in [1u64, 5, 20, 60, 150, 400] {
        text(format!(r#"DELETE FROM "{}""#, t.name)).execute(&e).await.unwrap();
        let _ = tokio::time::timeout(Duration::from_millis(wait_ms), q.clone().execute(&e)).await;
        for _ in 0..200 {
            let c = count(&e, &t).await;
            assert!(c == 0 || c == n, "{c} rows after a drop at {wait_ms} ms");
            let busy = text("SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE :q")
                .bind("q", format!("COPY \"{}\"%", t.name))
                .fetch_all(&e)
                .await
                .unwrap();
            if busy.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let c = count(&e, &t).await;
        assert!(c == 0 || c == n, "{c}");
    }
    text(format!(r#"DELETE FROM "{}""#, t.name)).execute(&e).await.unwrap();
    assert_eq!(q.execute(&e).await.unwrap().rows_affected, n as u64);
    drop_tables(&e, &t).await;
}

/// Inside a transaction the COPY joins it: a rollback removes the rows, a commit keeps them; a
/// COPY dropped mid-stream loses the transaction (reported), and nothing stays.
#[tokio::test]
async fn copy_joins_the_transaction() {
    let e = common::engine();
    let t = table(&common::unique("pg_copy_tx"));
    create(&e, &t).await;
    let m = COPY_MIN_ROWS as i64;
    let mut tx = e.begin().await.unwrap();
    assert_eq!(insert(&t, 0..m).execute(&mut tx).await.unwrap().rows_affected, m as u64);
    let n: i64 = text(format!(r#"SELECT count(*) AS n FROM "{}""#, t.name)).fetch_all(&mut tx).await.unwrap()[0].get("n").unwrap();
    assert_eq!(n, m);
    tx.rollback().await.unwrap();
    assert_eq!(count(&e, &t).await, 0);

    let mut tx = e.begin().await.unwrap();
    insert(&t, 0..m).execute(&mut tx).await.unwrap();
    insert(&t, m..2 * m).execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&e, &t).await, 2 * m);
    // The rolled-back COPY's log row went with it.
    assert_eq!(commands(&e, &t).await, ["COPY", "COPY"]);

    // A COPY dropped in flight, whatever the machine's speed: another session holds its last key
    // uncommitted, so the COPY waits on that key until the time limit drops it.
    let last = 20 * m + 59_999;
    let mut blocker = e.begin().await.unwrap();
    insert(&t, last..last + 1).execute(&mut blocker).await.unwrap();
    let mut tx = e.begin().await.unwrap();
    insert(&t, 10 * m..10 * m + 100).execute(&mut tx).await.unwrap();
    let cut = tokio::time::timeout(Duration::from_millis(1500), insert(&t, 20 * m..20 * m + 60_000).execute(&mut tx)).await;
    assert!(cut.is_err(), "the COPY ended although it waits on the blocker's key: {cut:?}");
    let after = insert(&t, 11 * m..11 * m + 100).execute(&mut tx).await;
    assert!(after.is_err(), "a transaction whose COPY was dropped is lost");
    let _ = tx.rollback().await;
    blocker.rollback().await.unwrap();
    assert_eq!(count(&e, &t).await, 2 * m);
    drop_tables(&e, &t).await;
}

/// Through PgBouncer in transaction mode: COPY holds one server session from the `COPY` to its
/// end, so it runs there too: all rows, none on a failing row, and inside a transaction.
#[tokio::test]
async fn copy_through_pgbouncer() {
    let direct = common::engine();
    let t = table(&common::unique("pg_copy_pgb"));
    create(&direct, &t).await;
    let e = pooler::through_pgbouncer("pgbouncer=true&maxsize=4").await;
    assert!(pooler::behind_pooler(&e));
    let m = COPY_MIN_ROWS as i64;
    let batches: Vec<_> = (0..6i64).map(|b| insert(&t, b * m..(b + 1) * m)).collect();
    let runs = batches.into_iter().map(|q| {
        let e = e.clone();
        tokio::spawn(async move { q.execute(&e).await.unwrap().rows_affected })
    });
    for r in runs {
        assert_eq!(r.await.unwrap(), m as u64);
    }
    assert_eq!(count(&direct, &t).await, 6 * m);
    let dup = insert(&t, 10 * m..11 * m).values(row(3));
    assert_eq!(dup.execute(&e).await.unwrap_err().db_kind(), Some(DbErrorKind::UniqueViolation));
    let mut tx = e.begin().await.unwrap();
    insert(&t, 20 * m..21 * m).execute(&mut tx).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count(&direct, &t).await, 6 * m);
    assert_eq!(commands(&direct, &t).await, vec!["COPY"; 6]);
    e.dispose().await;
    drop_tables(&direct, &t).await;
}

/// What the README notes for a value stored into a column of another kind: COPY reads it with the
/// column's text input where `unnest` casts it.
#[tokio::test]
async fn a_value_of_another_kind_is_read_by_the_column_text_input() {
    let e = common::engine();
    let name = common::unique("pg_copy_kinds");
    // The model's view (what the values are) differs from the table's columns on purpose.
    let t = Table::new(name.clone())
        .column(ColumnDef::new("k", ColumnType::I64))
        .column(ColumnDef::new("n", ColumnType::F64).nullable())
        .column(ColumnDef::new("i", ColumnType::Decimal { precision: Some(20), scale: Some(8) }).nullable())
        .column(ColumnDef::new("ts", ColumnType::DateTimeUtc).nullable());
    text(format!(r#"CREATE TABLE "{name}" (k BIGINT PRIMARY KEY, n NUMERIC, i INTEGER, ts TIMESTAMP)"#)).execute(&e).await.unwrap();
    let m = COPY_MIN_ROWS as i64;
    let noon = Utc.from_utc_datetime(&ymd(2024, 6, 1).and_hms_opt(12, 0, 0).unwrap());
    let rows = |ks: std::ops::Range<i64>, col: &'static str, v: Value| {
        let q = insert_into(&t).columns(["k", col]);
        ks.fold(q, |q, k| q.values([Value::I64(k), v.clone()]))
    };
    let one = |sql: String| async { text(sql).fetch_all(&e).await.unwrap()[0].get::<String>("v").unwrap() };
    // A float into an unconstrained NUMERIC: its shortest digits (COPY), 15 digits (the cast).
    rows(0..m, "n", Value::F64(0.1 + 0.2)).execute(&e).await.unwrap();
    rows(m..m + 10, "n", Value::F64(0.1 + 0.2)).execute(&e).await.unwrap();
    assert_eq!(one(format!(r#"SELECT n::text AS v FROM "{name}" WHERE k = 0"#)).await, "0.30000000000000004");
    assert_eq!(one(format!(r#"SELECT n::text AS v FROM "{name}" WHERE k = {m}"#)).await, "0.3");
    // A decimal into an INTEGER: refused (COPY), rounded (the cast).
    let d = Value::Decimal(Decimal::new(15, 1));
    let err = rows(10 * m..11 * m, "i", d.clone()).execute(&e).await.unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some("22P02"), "{err}");
    rows(11 * m..11 * m + 10, "i", d).execute(&e).await.unwrap();
    assert_eq!(one(format!(r#"SELECT i::text AS v FROM "{name}" WHERE k = {}"#, 11 * m)).await, "2");
    // A UTC date-time into TIMESTAMP, session time zone Tokyo: UTC wall time (COPY), Tokyo's (the cast).
    let mut tx = e.begin().await.unwrap();
    text("SET LOCAL TimeZone = 'Asia/Tokyo'").execute(&mut tx).await.unwrap();
    rows(20 * m..21 * m, "ts", Value::DateTimeUtc(noon)).execute(&mut tx).await.unwrap();
    rows(21 * m..21 * m + 10, "ts", Value::DateTimeUtc(noon)).execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(one(format!(r#"SELECT ts::text AS v FROM "{name}" WHERE k = {}"#, 20 * m)).await, "2024-06-01 12:00:00");
    assert_eq!(one(format!(r#"SELECT ts::text AS v FROM "{name}" WHERE k = {}"#, 21 * m)).await, "2024-06-01 21:00:00");
    text(format!(r#"DROP TABLE "{name}""#)).execute(&e).await.unwrap();
}
