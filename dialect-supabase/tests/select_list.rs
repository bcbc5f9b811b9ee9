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
    Expr::Cast { expr: Box::new(col(column).expr()), from: athanor_core::ValueKind::Any, to }
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
            expr: Box::new(Expr::Cast { expr: Box::new(col("n").expr()), from: athanor_core::ValueKind::Any, to: CastType::Text }),
            from: athanor_core::ValueKind::Any,
            to: CastType::Text,
        }]),
        select(&t).columns([Expr::Cast { expr: Box::new(Expr::value(1)), from: athanor_core::ValueKind::Any, to: CastType::Text }]),
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

fn count_all() -> Expr {
    Expr::Agg { func: athanor_core::ast::AggFunc::Count, arg: None, kind: athanor_core::value::ValueKind::Any }
}

#[test]
fn aggregates_compile_to_postgrest_aggregate_items() {
    let t = table();
    let grouped = select(&t).columns([col("n").expr(), col("close").max(), col("close").sum(), count_all()]).group_by([col("n")]);
    assert_eq!(select_param(&grouped).unwrap(), "n,close.max(),close.sum(),count()");
    // A repeated default key gets an alias, so each object keeps every value.
    let twice = select(&t).columns([col("close").max(), col("n").max(), col("n").count(), count_all()]).column_as(col("id").min(), "lo");
    assert_eq!(select_param(&twice).unwrap(), "close.max(),max_2:n.max(),n.count(),count_2:count(),lo:id.min()");
    let whole = select(&t).columns([col("close").avg(), col("ts").min()]);
    assert_eq!(select_param(&whole).unwrap(), "close.avg(),ts.min()");
}

#[test]
fn groupings_postgrest_cannot_express_are_refused() {
    let t = table();
    let unsupported = |q: &athanor_core::query::Select<athanor_core::Row>, what: &str| {
        let err = select_param(q).expect_err(what);
        assert!(matches!(err, Error::Unsupported { dialect: "supabase", .. }), "{what}: {err}");
    };
    unsupported(&select(&t).columns([col("n").expr()]).group_by([col("n")]), "GROUP BY without aggregates");
    unsupported(&select(&t).columns([col("n").expr(), col("close").max()]), "a plain column not grouped");
    unsupported(&select(&t).columns([col("close").max()]).group_by([col("n")]), "a group column not selected");
    unsupported(
        &select(&t).columns([col("n").expr(), count_all()]).group_by([col("n")]).having(Expr::Binary {
            op: athanor_core::ast::BinOp::Gt,
            left: Box::new(count_all()),
            right: Box::new(Expr::value(1)),
        }),
        "HAVING",
    );
    let distinct = Expr::Agg {
        func: athanor_core::ast::AggFunc::CountDistinct,
        arg: Some(Box::new(col("n").expr())),
        kind: athanor_core::value::ValueKind::Any,
    };
    unsupported(&select(&t).columns([distinct]), "COUNT(DISTINCT)");
    let of_expr = Expr::Agg {
        func: athanor_core::ast::AggFunc::Sum,
        arg: Some(Box::new(cast("n", CastType::Text))),
        kind: athanor_core::value::ValueKind::Any,
    };
    unsupported(&select(&t).columns([of_expr]), "an aggregate of an expression");
    unsupported(&select(&t).columns([cast("n", CastType::Text), count_all()]).group_by([col("n")]), "a cast beside aggregates");
    let grouped = select(&t).columns([col("n").expr(), count_all()]).group_by([col("n")]);
    let e = common::engine("postgrest+http://localhost:3000");
    let mut count = grouped.ast().clone();
    count.kind = athanor_core::ast::SelectKind::Count;
    assert!(matches!(e.compile(&athanor_core::ast::Statement::Select(count)), Err(Error::Unsupported { .. })));
}

#[tokio::test]
async fn the_standin_aggregates_as_sql_does() {
    let standin = StandIn::start(&pg_url(), KEY).await.expect("stand-in");
    let t = table();
    standin.create_tables(&[&t]).await.expect("create the table");
    let engine = common::engine(&standin.url());
    let ts = athanor_core::chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_opt(12, 0, 0).unwrap();
    let mut ins = insert_into(&t).columns(["id", "close", "n", "ts"]);
    for (id, close, n) in [(1, "1.5", 1), (2, "2.25", 1), (3, "10", 2), (4, "0.125", 2), (5, "7", 3)] {
        ins = ins.values([
            Value::I64(id),
            Value::Decimal(close.parse().unwrap()),
            Value::I64(n),
            Value::DateTime(ts + athanor_core::chrono::Duration::minutes(id)),
        ]);
    }
    ins.execute(&engine).await.expect("insert");
    let pg = sqlx::PgPool::connect(&pg_url()).await.expect("PostgreSQL");
    let schema = standin.schema().to_owned();

    let q = select(&t)
        .columns([col("n").expr(), col("close").max(), col("close").sum(), col("close").avg(), count_all(), col("ts").min()])
        .group_by([col("n")])
        .filter(col("id").ne(5))
        .order_by(col("n").desc());
    let rows = q.all(&engine).await.expect("grouped aggregates");
    let sql = format!(
        r#"SELECT n, max(close)::text, sum(close)::text, avg(close)::text, count(*), min(ts) FROM "{schema}".sel_list WHERE id <> 5 GROUP BY n ORDER BY n DESC"#
    );
    let want = sqlx::query(AssertSqlSafe(sql)).fetch_all(&pg).await.expect("SQL");
    assert_eq!(rows.len(), want.len());
    assert_eq!(rows[0].columns(), ["n", "max", "sum", "avg", "count", "min"]);
    for (r, w) in rows.iter().zip(&want) {
        assert_eq!(r.get::<i64>("n").unwrap(), w.get::<i64, _>(0));
        for (i, name) in [(1, "max"), (2, "sum"), (3, "avg")] {
            let got = r.get::<athanor_core::Decimal>(name).unwrap();
            assert_eq!(got.to_string(), w.get::<String, _>(i), "{name}: value and scale as PostgreSQL's");
        }
        assert_eq!(r.get::<i64>("count").unwrap(), w.get::<i64, _>(4));
        assert_eq!(r.get::<athanor_core::chrono::NaiveDateTime>("min").unwrap(), w.get::<athanor_core::chrono::NaiveDateTime, _>(5));
    }

    // Over no row: one row of (0, NULL), as SQL.
    let none = select(&t).columns([count_all(), col("close").max()]).filter(col("id").gt(100)).all(&engine).await.expect("empty aggregate");
    assert_eq!(none.len(), 1);
    assert_eq!(none[0].get::<i64>("count").unwrap(), 0);
    assert_eq!(none[0].get::<Option<athanor_core::Decimal>>("max").unwrap(), None);

    // Two default names: the second is aliased and both values arrive.
    let two = select(&t).columns([col("close").max(), col("n").max()]).all(&engine).await.expect("two max");
    assert_eq!(two[0].columns(), ["max", "max_2"]);
    assert_eq!(two[0].get::<athanor_core::Decimal>("max").unwrap(), "10".parse().unwrap());
    assert_eq!(two[0].get::<i64>("max_2").unwrap(), 3);

    // Paged groups.
    let page = select(&t).columns([col("n").expr(), count_all()]).group_by([col("n")]).order_by(col("n").asc()).limit(2).offset(1);
    let page = page.all(&engine).await.expect("paged groups");
    assert_eq!(page.iter().map(|r| (r.get::<i64>("n").unwrap(), r.get::<i64>("count").unwrap())).collect::<Vec<_>>(), [(2, 2), (3, 1)]);

    // Exactly max_rows groups: the check for a cut result probes for the next group (a HEAD
    // probe would be an exists() of an aggregate query, which has no PostgREST form).
    let capped = common::engine(&format!("{}&max_rows=3", standin.url()));
    let groups =
        select(&t).columns([col("n").expr(), count_all()]).group_by([col("n")]).all(&capped).await.expect("three groups, cap three");
    assert_eq!(groups.len(), 3);
    pg.close().await;
    standin.close().await;
}
