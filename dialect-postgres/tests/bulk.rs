//! Bulk inserts through `unnest` against the local PostgreSQL, compared row by row with the
//! multi-row `VALUES` form they replace (`compile::values_plan`, run as raw SQL).

mod common;

use athanor_core::ast::Statement;
use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, insert_into, select, text, Engine, Error, ExecResult, Row, Value};
use athanor_postgres::compile::values_plan;
use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

const COLS: [&str; 12] = ["b", "i", "u", "f", "d", "s", "bytes", "day", "at", "at_utc", "doc", "uid"];

fn table(name: &str) -> Table {
    Table::new(name.to_string())
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("b", ColumnType::Bool).nullable())
        .column(ColumnDef::new("i", ColumnType::I32).nullable())
        .column(ColumnDef::new("u", ColumnType::U64).nullable())
        .column(ColumnDef::new("f", ColumnType::F64).nullable())
        .column(ColumnDef::new("d", ColumnType::Decimal { precision: Some(20), scale: Some(8) }).nullable())
        .column(ColumnDef::new("s", ColumnType::String { max_len: Some(50) }).nullable())
        .column(ColumnDef::new("bytes", ColumnType::Bytes).nullable())
        .column(ColumnDef::new("day", ColumnType::Date).nullable())
        .column(ColumnDef::new("at", ColumnType::DateTime).nullable())
        .column(ColumnDef::new("at_utc", ColumnType::DateTimeUtc).nullable())
        .column(ColumnDef::new("doc", ColumnType::Json).nullable())
        .column(ColumnDef::new("uid", ColumnType::Uuid).nullable())
        .primary_key(["id"])
        .unique(["i"])
}

/// Row `k` of the test batch: every type, NULLs scattered, `uid` NULL in every row below 2000.
fn row(k: i64) -> Vec<Value> {
    let at = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap().and_hms_micro_opt(23, 59, 58, 123_456).unwrap() + chrono::Duration::minutes(k);
    let null_if = |every: i64, v: Value| if k % every == 0 { Value::Null } else { v };
    vec![
        null_if(5, Value::Bool(k % 2 == 0)),
        Value::I64(k),
        null_if(7, Value::U64(if k == 1 { u64::MAX } else { k as u64 })),
        null_if(3, Value::F64(k as f64 / 3.0)),
        null_if(4, Value::Decimal(Decimal::from_str_exact("20000.12345678").unwrap() + Decimal::new(k, 8))),
        null_if(6, Value::from(format!("it's \"{k}\" \\ back\\slash %_ é"))),
        null_if(8, Value::Bytes(vec![0, 255, k as u8, b'\\', b'\''])),
        Value::Date(at.date()),
        null_if(9, Value::DateTime(at)),
        null_if(10, Value::DateTimeUtc(Utc.from_utc_datetime(&at))),
        null_if(11, Value::Json(serde_json::json!({"k": k, "q": "a'b\"c\\", "n": null}))),
        if k >= 2000 { null_if(3, Value::Uuid(uuid::Uuid::from_u128(k as u128 * 7919))) } else { Value::Null },
    ]
}

/// The statement's multi-row `VALUES` form, run as raw SQL (`$n` become named binds).
async fn run_values_form(e: &Engine, stmt: &Statement) -> Result<(ExecResult, Vec<Row>), Error> {
    let mut total = ExecResult::default();
    let mut rows = Vec::new();
    for q in values_plan(stmt).unwrap() {
        let mut sql = q.sql.clone();
        for k in (1..=q.params.len()).rev() {
            sql = sql.replace(&format!("${k}"), &format!(":p{k}"));
        }
        let mut t = text(sql);
        for (k, v) in q.params.iter().enumerate() {
            t = t.bind(&format!("p{}", k + 1), v.clone());
        }
        if q.sql.contains("RETURNING") {
            rows.extend(t.fetch_all(e).await?);
        } else {
            total.rows_affected += t.execute(e).await?.rows_affected;
        }
    }
    Ok((total, rows))
}

async fn contents(e: &Engine, t: &Table) -> Vec<Row> {
    let mut cols = vec![col("id")];
    cols.extend(COLS.map(col));
    select(t).columns(cols).order_by(col("id").asc()).all(e).await.unwrap()
}

fn rows_stmt(t: &Table, ks: impl Iterator<Item = i64>) -> athanor_core::query::Insert {
    let mut q = insert_into(t).columns(COLS);
    for k in ks {
        q = q.values(row(k));
    }
    q
}

#[tokio::test]
async fn unnest_inserts_what_values_inserts_row_by_row() {
    let e = common::engine();
    let (old, new) = (table(&common::unique("pg_bulk_old")), table(&common::unique("pg_bulk_new")));
    e.create_all(&[&old, &new]).await.unwrap();

    let q = rows_stmt(&new, 0..1000);
    let sql = e.compile(&q).unwrap().sql().unwrap().sql.clone();
    assert!(sql.contains("FROM unnest($1::boolean[]"), "{sql}");
    assert!(sql.contains("NULL"), "the all-NULL uid column is a NULL in the select list: {sql}");
    let got_new = q.execute(&e).await.unwrap();
    let stmt = rows_stmt(&old, 0..1000).as_statement_for_test();
    let (got_old, _) = run_values_form(&e, &stmt).await.unwrap();
    assert_eq!(got_new, got_old, "rows affected and last_insert_id");
    assert_eq!(got_new.rows_affected, 1000);
    let (a, b) = (contents(&e, &old).await, contents(&e, &new).await);
    assert_eq!(a.len(), 1000);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    // The generated keys and NUMERIC scale as the server stored them.
    assert_eq!(b[999].get::<i64>("id").unwrap(), 1000);
    let d: Vec<Row> = text(format!("SELECT d::text AS d FROM \"{}\" WHERE id = 2", new.name)).fetch_all(&e).await.unwrap();
    assert_eq!(d[0].get::<String>("d").unwrap(), "20000.12345679");

    // RETURNING, in insertion order, and upserts (DO UPDATE, DO NOTHING) on the unique key `i`.
    let upsert = |t: &Table| rows_stmt(t, 990..1010).on_conflict(["i"]).on_conflict_update(["s", "d"]).returning(["id", "i", "s"]);
    let ret_new = upsert(&new).fetch_all(&e).await.unwrap();
    let (_, ret_old) = run_values_form(&e, &upsert(&old).as_statement_for_test()).await.unwrap();
    assert_eq!(ret_new.len(), 20);
    assert_eq!(ret_new, ret_old);
    let nothing = |t: &Table| rows_stmt(t, 1005..1020).on_conflict(["i"]).on_conflict_do_nothing();
    let n_new = nothing(&new).execute(&e).await.unwrap();
    let (n_old, _) = run_values_form(&e, &nothing(&old).as_statement_for_test()).await.unwrap();
    assert_eq!((n_new, n_new.rows_affected), (n_old, 10));
    assert_eq!(contents(&e, &old).await, contents(&e, &new).await);
    // UUIDs (with NULLs) through a uuid[] array.
    let uuids = rows_stmt(&new, 2000..2100);
    assert!(e.compile(&uuids).unwrap().sql().unwrap().sql.contains("$12::uuid[]"));
    assert_eq!(uuids.execute(&e).await.unwrap().rows_affected, 100);
    run_values_form(&e, &rows_stmt(&old, 2000..2100).as_statement_for_test()).await.unwrap();
    assert_eq!(contents(&e, &old).await, contents(&e, &new).await);
    e.drop_all(&[&old, &new]).await.unwrap();
}

#[tokio::test]
async fn a_refused_value_fails_the_whole_batch_in_both_forms() {
    let e = common::engine();
    let (old, new) = (table(&common::unique("pg_bulk_nul_old")), table(&common::unique("pg_bulk_nul_new")));
    e.create_all(&[&old, &new]).await.unwrap();
    let bad = |t: &Table| {
        let mut q = rows_stmt(t, 0..50);
        let mut r = row(50);
        // Too long for VARCHAR(50): refused by the server (text with a NUL is refused before I/O).
        r[5] = Value::from("x".repeat(51));
        q = q.values(r);
        q
    };
    let err_new = bad(&new).execute(&e).await.unwrap_err();
    let err_old = run_values_form(&e, &bad(&old).as_statement_for_test()).await.unwrap_err();
    assert_eq!(err_new.db_kind(), err_old.db_kind(), "{err_new} / {err_old}");
    assert!(err_new.to_string().contains("too long"), "{err_new}");
    assert_eq!(select(&new).count(&e).await.unwrap(), 0);
    assert_eq!(select(&old).count(&e).await.unwrap(), 0);
    // A duplicate key in the batch: nothing stays.
    let dup = rows_stmt(&new, 0..10).values(row(3));
    assert_eq!(dup.execute(&e).await.unwrap_err().db_kind(), Some(athanor_core::DbErrorKind::UniqueViolation));
    assert_eq!(select(&new).count(&e).await.unwrap(), 0);
    e.drop_all(&[&old, &new]).await.unwrap();
}

#[tokio::test]
async fn a_column_mixing_kinds_keeps_the_values_form() {
    let e = common::engine();
    let t = table(&common::unique("pg_bulk_mixed"));
    e.create_all(&[&t]).await.unwrap();
    // `f` gets an integer and a float: no exact array type, so VALUES (the server casts each).
    let q = insert_into(&t).columns(["i", "f"]).values([Value::I64(1), Value::I64(2)]).values([Value::I64(2), Value::F64(2.5)]);
    let sql = e.compile(&q).unwrap().sql().unwrap().sql.clone();
    assert!(sql.contains("VALUES"), "{sql}");
    assert_eq!(q.execute(&e).await.unwrap().rows_affected, 2);
    let rows = select(&t).columns([col("f")]).order_by(col("i").asc()).all(&e).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.get::<f64>("f").unwrap()).collect::<Vec<_>>(), vec![2.0, 2.5]);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn a_dropped_bulk_insert_leaves_no_rows_or_all() {
    let e = common::engine();
    let t = table(&common::unique("pg_bulk_cancel"));
    e.create_all(&[&t]).await.unwrap();
    let n = 60_000;
    for wait_ms in [5u64, 40, 120] {
        let _ = text(format!("DELETE FROM \"{}\"", t.name)).execute(&e).await.unwrap();
        let q = rows_stmt(&t, 0..n);
        let _ = tokio::time::timeout(std::time::Duration::from_millis(wait_ms), q.execute(&e)).await;
        // Until the server is done with the abandoned statement, every look sees none or all.
        for _ in 0..200 {
            let count = select(&t).count(&e).await.unwrap();
            assert!(count == 0 || count == n as u64, "{count} rows after a drop at {wait_ms} ms");
            // An INSERT, or (60,000 rows) a COPY.
            let busy: Vec<Row> = text("SELECT pid FROM pg_stat_activity WHERE state = 'active' AND (query LIKE :q OR query LIKE :c)")
                .bind("q", format!("INSERT INTO \"{}\"%", t.name))
                .bind("c", format!("COPY \"{}\"%", t.name))
                .fetch_all(&e)
                .await
                .unwrap();
            if busy.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let count = select(&t).count(&e).await.unwrap();
        assert!(count == 0 || count == n as u64, "{count}");
    }
    e.drop_all(&[&t]).await.unwrap();
}

/// The statement an insert builder runs.
trait ForTest {
    fn as_statement_for_test(&self) -> Statement;
}

impl ForTest for athanor_core::query::Insert {
    fn as_statement_for_test(&self) -> Statement {
        athanor_core::query::AsStatement::as_statement(self).unwrap()
    }
}
