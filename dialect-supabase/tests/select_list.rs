//! Select lists with renames (`alias:col`) and casts (`col::type`): the exact request, the
//! refusals, and the answer of the stand-in on the real PostgreSQL (compared with the same
//! select in SQL).

mod common;

use athanor_core::ast::{CastType, Expr};
use athanor_core::query::{col, delete_from, insert_into, select, update, AsStatement};
use athanor_core::{ColumnDef, ColumnType, Error, Table, Value};
use common::split_url;
use postgrest_standin::{pg_url, StandIn};
use sqlx::{AssertSqlSafe, Row as _};

const KEY: &str = "select-list-anon-key-4242";

fn cast(column: &'static str, to: CastType) -> Expr {
    Expr::Cast { expr: Box::new(col(column).expr()), to }
}

fn table() -> Table {
    Table::new("sel_list")
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("close", ColumnType::Decimal { precision: Some(20), scale: Some(8) }))
        .column(ColumnDef::new("n", ColumnType::I64))
        .column(ColumnDef::new("ts", ColumnType::DateTime))
        .primary_key(["id"])
}

fn select_param(q: &impl AsStatement) -> athanor_core::Result<String> {
    let req = common::engine("postgrest+http://localhost:3000").compile(q)?;
    let (_, pairs) = split_url(req.http().unwrap());
    Ok(pairs.into_iter().find(|(k, _)| k == "select").map(|(_, v)| v).unwrap_or_default())
}

#[test]
fn casts_and_renames_compile_to_postgrest_select_items() {
    let t = table();
    let q = select(&t)
        .columns([cast("close", CastType::Text), cast("n", CastType::Double), cast("close", CastType::BigInt)])
        .column_as(cast("ts", CastType::Date), "day")
        .column_as(cast("ts", CastType::Timestamp), "at")
        .column_as(col("id"), "key");
    assert_eq!(select_param(&q).unwrap(), "close::text,n::float8,close::int8,day:ts::date,at:ts::timestamp,key:id");
    // A quoted column name keeps its quotes before the cast.
    let odd = select(&t).columns([cast("a b", CastType::Text)]);
    assert_eq!(select_param(&odd).unwrap(), "\"a b\"::text");
}

#[test]
fn casts_postgrest_cannot_express_are_refused() {
    let t = table();
    let refused = [
        select(&t).columns([cast("close", CastType::Decimal(10, 2))]),
        select(&t).columns([Expr::Cast {
            expr: Box::new(Expr::Cast { expr: Box::new(col("n").expr()), to: CastType::Text }),
            to: CastType::Text,
        }]),
        select(&t).columns([Expr::Cast { expr: Box::new(Expr::value(1)), to: CastType::Text }]),
    ];
    for q in refused {
        let err = select_param(&q).unwrap_err();
        assert!(matches!(err, Error::Unsupported { dialect: "supabase", .. }), "{err}");
    }
}

#[test]
fn returning_on_update_and_delete_asks_for_the_representation() {
    let t = table();
    let upd = update(&t).set_value("n", 2).filter(col("id").eq(1)).returning_columns(["id", "n"]);
    let req = common::engine("postgrest+http://localhost:3000").compile(&upd).unwrap();
    let req = req.http().unwrap();
    assert_eq!(req.method, "PATCH");
    assert_eq!(split_url(req).1, [("id".into(), "eq.1".into()), ("select".into(), "id,n".into())]);
    assert_eq!(common::prefer_parts(req), ["count=exact", "return=representation"]);
    let del = delete_from(&t).filter(col("id").eq(1)).returning_columns(["id"]);
    let req = common::engine("postgrest+http://localhost:3000").compile(&del).unwrap();
    let req = req.http().unwrap();
    assert_eq!(req.method, "DELETE");
    assert_eq!(split_url(req).1, [("id".into(), "eq.1".into()), ("select".into(), "id".into())]);
    assert_eq!(common::prefer_parts(req), ["count=exact", "return=representation"]);
}

#[tokio::test]
async fn the_standin_answers_casts_and_renames_as_sql_does() {
    let standin = StandIn::start(&pg_url(), KEY).await.expect("stand-in");
    let t = table();
    standin.create_tables(&[&t]).await.expect("create the table");
    let engine = common::engine(&standin.url());
    let ts = athanor_core::chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_micro_opt(12, 30, 7, 123_456).unwrap();
    insert_into(&t)
        .columns(["id", "close", "n", "ts"])
        .values([Value::I64(1), Value::Decimal("12.5".parse().unwrap()), Value::I64(7), Value::DateTime(ts)])
        .execute(&engine)
        .await
        .expect("insert");

    let q = select(&t)
        .columns([cast("close", CastType::Text), cast("n", CastType::Double)])
        .column_as(cast("ts", CastType::Date), "day")
        .column_as(col("id"), "key");
    let rows = q.all(&engine).await.expect("select with casts");
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.columns(), ["close", "n", "day", "key"]);

    let pg = sqlx::PgPool::connect(&pg_url()).await.expect("PostgreSQL");
    let sql = format!(r#"SELECT close::text, n::float8, ts::date::text, id FROM "{}".sel_list"#, standin.schema());
    let want = sqlx::query(AssertSqlSafe(sql)).fetch_one(&pg).await.expect("SQL");
    assert_eq!(r.get::<String>("close").unwrap(), want.get::<String, _>(0));
    assert_eq!(r.get::<String>("close").unwrap(), "12.50000000");
    assert_eq!(r.get::<f64>("n").unwrap(), want.get::<f64, _>(1));
    assert_eq!(r.get::<athanor_core::chrono::NaiveDate>("day").unwrap().to_string(), want.get::<String, _>(2));
    assert_eq!(r.get::<i64>("key").unwrap(), 1);

    // RETURNING rows of an UPDATE and a DELETE, through `select=` on the write.
    let upd =
        update(&t).set_value("n", 8).filter(col("id").eq(1)).returning_columns(["id", "n"]).all(&engine).await.expect("PATCH returning");
    assert_eq!((upd.len(), upd[0].get::<i64>("n").unwrap()), (1, 8));
    let del = delete_from(&t).filter(col("id").eq(1)).returning_columns(["id", "close"]).all(&engine).await.expect("DELETE returning");
    assert_eq!(del.len(), 1);
    assert_eq!(del[0].get::<athanor_core::Decimal>("close").unwrap(), "12.5".parse().unwrap());
    let left = sqlx::query(AssertSqlSafe(format!(r#"SELECT count(*) FROM "{}".sel_list"#, standin.schema()))).fetch_one(&pg).await.unwrap();
    assert_eq!(left.get::<i64, _>(0), 0);
    pg.close().await;
    standin.close().await;
}
