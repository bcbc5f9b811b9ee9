//! Encoding defects of issue 10.13 and count/exists of issue 10.4, end to end: each query goes
//! through the encoder to the PostgREST stand-in (which reads the query string with a port of
//! PostgREST's own parser) and runs on the real PostgreSQL; the answer is compared with the same
//! question asked in SQL on the same table.

mod common;

use athanor_core::ast::Expr;
use athanor_core::query::{col, select};
use athanor_core::{ColumnDef, Engine, Error, SqlType, Table, Value};
use postgrest_standin::{pg_url, StandIn};
use sqlx::postgres::PgPool;
use sqlx::{AssertSqlSafe, Row as _};

const KEY: &str = "semantics-anon-key-7311";

/// Column names PostgREST's unquoted grammar reads differently than Rust's `is_alphanumeric`.
const ODD: &[&str] = &["x²", "Ⅻ", "n٣", "नाम", "Ⓐ", "０", "a - b", "-a", "a-", "a--b", "order", "sp ace"];

fn def<T: SqlType>(name: &'static str) -> ColumnDef {
    let mut c = ColumnDef::new(name, T::column_type());
    c.nullable = T::NULLABLE;
    c
}

fn table() -> Table {
    let mut t = Table::new("sem")
        .column(def::<i64>("id"))
        .column(def::<Option<String>>("t"))
        .column(def::<Option<i64>>("n"))
        // Decoys: where a misread odd name would land.
        .column(def::<Option<i64>>("x"))
        .column(def::<Option<i64>>("a-b"))
        .column(def::<Option<i64>>("a"));
    for name in ODD {
        t = t.column(def::<Option<i64>>(name));
    }
    t.primary_key(["id"])
}

fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

struct Fixture {
    standin: StandIn,
    engine: Engine,
    pg: PgPool,
}

impl Fixture {
    async fn start() -> Fixture {
        let standin = StandIn::start(&pg_url(), KEY).await.expect("stand-in");
        standin.create_tables(&[&table()]).await.expect("create the table");
        let pg = PgPool::connect(&pg_url()).await.expect("PostgreSQL");
        // id, t, n; every numeric column holds id * 10 + its position, so no two columns agree.
        let rows: &[(i64, Option<&str>, Option<i64>)] = &[
            (1, Some("a"), Some(1)),
            (2, Some("null"), Some(2)),
            (3, None, None),
            (4, Some(""), Some(0)),
            (5, Some("b"), Some(-1)),
            (6, Some(" "), Some(2)),
        ];
        let mut cols = vec!["x", "a-b", "a"];
        cols.extend_from_slice(ODD);
        for (id, t, n) in rows {
            let names = cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
            let values = (0..cols.len()).map(|i| (id * 10 + i as i64).to_string()).collect::<Vec<_>>().join(", ");
            let sql = format!("INSERT INTO {}.sem (id, t, n, {names}) VALUES ($1, $2, $3, {values})", q(standin.schema()));
            sqlx::query(AssertSqlSafe(sql)).bind(id).bind(t).bind(n).execute(&pg).await.expect("insert");
        }
        let engine = common::engine(&standin.url());
        Fixture { standin, engine, pg }
    }

    /// The ids SQL returns for `sql_where` (ordered by id).
    async fn sql_ids(&self, sql_where: &str) -> Vec<i64> {
        let sql = format!("SELECT id FROM {}.sem WHERE {sql_where} ORDER BY id", q(self.standin.schema()));
        sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pg).await.expect("SQL").iter().map(|r| r.get::<i64, _>(0)).collect()
    }

    /// The ids the Supabase dialect returns for `filter` (ordered by id).
    async fn ids(&self, filter: Expr) -> athanor_core::Result<Vec<i64>> {
        let rows = select(&table()).columns([col("id")]).filter(filter).order_by(col("id").asc()).all(&self.engine).await?;
        Ok(rows.iter().map(|r| r.get::<i64>("id").unwrap()).collect())
    }

    async fn close(self) {
        self.pg.close().await;
        self.standin.close().await;
    }
}

#[tokio::test]
async fn odd_names_are_read_as_the_columns_meant() {
    let f = Fixture::start().await;
    let mut failures = Vec::new();
    for (i, name) in ODD.iter().enumerate() {
        let v = 2 * 10 + 3 + i as i64; // row 2's value in this column
        let got = f.ids(col(*name).eq(v)).await;
        let want = f.sql_ids(&format!("{} = {v}", q(name))).await;
        if got.as_ref().ok() != Some(&want) {
            failures.push(format!("filter {name:?} = {v}: got {got:?}, SQL {want:?}"));
        }
        let rows = select(&table()).columns([col(*name)]).order_by(col(*name).desc()).all(&f.engine).await;
        match rows {
            Ok(rows)
                if rows.len() == 6 && rows[0].columns() == [name.to_string()] && rows[0].get::<i64>(name).ok() == Some(63 + i as i64) => {}
            other => failures.push(format!("select/order {name:?}: {:?}", other.map(|r| r.first().map(|r| r.columns().to_vec())))),
        }
    }
    f.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn null_and_empty_string_in_in_lists_follow_sql() {
    let f = Fixture::start().await;
    let null = || Value::Null;
    let cases: Vec<(Expr, &str)> = vec![
        (col("t").in_list([Value::from("a"), null()]), "t IN ('a', NULL)"),
        (!col("t").in_list([Value::from("a"), null()]), "NOT (t IN ('a', NULL))"),
        (col("t").not_in_list([Value::from("a"), null()]), "t NOT IN ('a', NULL)"),
        (col("n").in_list([Value::from(1i64), null()]), "n IN (1, NULL)"),
        (!col("n").in_list([Value::from(1i64), null()]), "NOT (n IN (1, NULL))"),
        (col("t").in_list([null()]), "t IN (NULL)"),
        (!col("t").in_list([null()]), "NOT (t IN (NULL))"),
        (col("t").in_list([""]), "t IN ('')"),
        (!col("t").in_list([""]), "NOT (t IN (''))"),
        (col("t").in_list([Value::from(""), null()]), "t IN ('', NULL)"),
        (col("t").in_list(["null"]), "t IN ('null')"),
        (col("t").in_list(Vec::<Value>::new()), "FALSE"),
        (!col("t").in_list(Vec::<Value>::new()), "TRUE"),
        (col("t").in_list([Value::from("a"), null()]).or(col("n").eq(2)), "t IN ('a', NULL) OR n = 2"),
        (!(col("t").in_list([Value::from("a"), null()]).or(col("n").eq(2))), "NOT (t IN ('a', NULL) OR n = 2)"),
        (!(col("t").not_in_list([Value::from("a"), null()]).and(col("n").ge(0))), "NOT (t NOT IN ('a', NULL) AND n >= 0)"),
        (!(col("n").in_list([Value::from(5i64), null()]).or(col("t").is_null())), "NOT (n IN (5, NULL) OR t IS NULL)"),
        (col("n").gt(0).and(!col("n").in_list([Value::from(2i64), null()])), "n > 0 AND NOT (n IN (2, NULL))"),
    ];
    let mut failures = Vec::new();
    for (e, sql) in cases {
        let got = f.ids(e.clone()).await;
        let want = f.sql_ids(sql).await;
        if got.as_ref().ok() != Some(&want) {
            failures.push(format!("{sql}: got {got:?}, SQL {want:?}"));
        }
    }
    f.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn count_and_exists_are_of_the_rows_the_query_returns() {
    let f = Fixture::start().await;
    let mut failures = Vec::new();
    for (filter, w) in [(None, "TRUE"), (Some(col("n").ge(0)), "n >= 0"), (Some(col("t").eq("zzz")), "t = 'zzz'")] {
        for limit in [None, Some(0), Some(1), Some(2), Some(10)] {
            for offset in [None, Some(0), Some(1), Some(3), Some(5), Some(6), Some(9)] {
                let mut s = select(&table()).order_by(col("id").asc());
                if let Some(e) = &filter {
                    s = s.filter(e.clone());
                }
                if let Some(l) = limit {
                    s = s.limit(l);
                }
                if let Some(o) = offset {
                    s = s.offset(o);
                }
                let page = format!(
                    "{}{}",
                    limit.map(|l| format!(" LIMIT {l}")).unwrap_or_default(),
                    offset.map(|o| format!(" OFFSET {o}")).unwrap_or_default()
                );
                let inner = format!("SELECT id FROM {}.sem WHERE {w} ORDER BY id{page}", q(f.standin.schema()));
                let sql = format!("SELECT count(*), count(*) > 0 FROM ({inner}) s");
                let row = sqlx::query(AssertSqlSafe(sql)).fetch_one(&f.pg).await.expect("SQL");
                let (want_n, want_e): (i64, bool) = (row.get(0), row.get(1));
                let got_n = s.clone().count(&f.engine).await;
                let got_e = s.exists(&f.engine).await;
                if got_n.as_ref().ok() != Some(&(want_n as u64)) || got_e.as_ref().ok() != Some(&want_e) {
                    failures
                        .push(format!("{w} limit {limit:?} offset {offset:?}: count {got_n:?} exists {got_e:?}, SQL {want_n} {want_e}"));
                }
            }
        }
    }
    f.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `eq(None)` is `IS NULL` in the AST, so it reaches PostgREST as `is.null` (issue 10.2).
#[tokio::test]
async fn eq_none_is_is_null() {
    let f = Fixture::start().await;
    let got = f.ids(col("t").eq(None::<String>)).await;
    let got_ne = f.ids(col("t").ne(None::<String>)).await;
    let (want, want_ne) = (f.sql_ids("t IS NULL").await, f.sql_ids("t IS NOT NULL").await);
    f.close().await;
    assert_eq!(got.ok(), Some(want));
    assert_eq!(got_ne.ok(), Some(want_ne));
}

#[tokio::test]
async fn on_conflict_and_columns_with_odd_names() {
    let f = Fixture::start().await;
    let unique = format!("CREATE UNIQUE INDEX ON {}.sem ({})", q(f.standin.schema()), q("x²"));
    sqlx::query(AssertSqlSafe(unique)).execute(&f.pg).await.expect("unique index");
    // Row 2 has x² = 23: a merge on x² updates it; misread as `x` the server would refuse (no
    // unique index on x) or merge the wrong row.
    let res = athanor_core::query::insert_into(&table())
        .columns(["id", "x²", "Ⅻ"])
        .values([Value::from(2i64), Value::from(23i64), Value::from(-7i64)])
        .values([Value::from(7i64), Value::from(-1i64), Value::from(-8i64)])
        .on_conflict(["x²"])
        .on_conflict_update(["id", "Ⅻ"])
        .execute(&f.engine)
        .await;
    let rows = f.sql_ids(&format!("{} < 0", q("Ⅻ"))).await;
    f.close().await;
    res.expect("upsert on x²");
    assert_eq!(rows, [2, 7]);
}

#[tokio::test]
async fn refusals_send_nothing() {
    let f = Fixture::start().await;
    let before = f.standin.requests();
    let err = select(&table()).filter(col("t").like("a*b")).all(&f.engine).await.unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    assert_eq!(f.standin.requests(), before);
    f.close().await;
}
