//! Raw SQL whose statements return several result sets (`SELECT 1 AS a; SELECT 'x' AS b` on
//! SQLite, the same after a `SET`/`DO` on PostgreSQL's and MariaDB's text protocol): each row
//! keeps its own result set's column names and types. Before, the first result set's names were
//! given to every row (SQLite, PostgreSQL) or its read plan failed the next one (MariaDB).

use athanor::prelude::*;
use athanor_core::{text, Row};

#[allow(dead_code)]
mod common_mysql;
mod pg_scratch;

#[derive(FromRow, Debug, PartialEq)]
struct Named {
    n: i64,
}

/// Runs `sql` (three result sets: `a` 1, then `b` 'x' and `c` 2.5, then `n` 7) and checks
/// every row.
async fn check(e: &Engine, sql: &str) {
    let rows: Vec<Row> = text(sql).fetch_all(e).await.unwrap_or_else(|err| panic!("{sql}: {err}"));
    let names: Vec<&[String]> = rows.iter().map(Row::columns).collect();
    assert_eq!(names, [&["a".to_string()][..], &["b".to_string(), "c".to_string()][..], &["n".to_string()][..]], "{sql}");
    assert_eq!(rows[0].get::<i64>("a").unwrap(), 1);
    assert_eq!(rows[1].get::<String>("b").unwrap(), "x");
    assert_eq!(rows[1].get::<f64>("c").unwrap(), 2.5);
    assert_eq!(rows[2].get::<i64>("n").unwrap(), 7);
    // Decoding by name looks the names up again for each result set.
    let last = format!("{sql}; SELECT 8 AS n");
    let err = text(last).fetch_all_as::<Named, _>(e).await.expect_err("a row without `n` is refused");
    assert!(err.to_string().contains("named `n`"), "{err}");
}

const SELECTS: &str = "SELECT 1 AS a; SELECT 'x' AS b, 2.5 AS c; SELECT 7 AS n";

#[tokio::test]
async fn sqlite_rows_keep_their_result_sets_columns() {
    let e = create_engine("sqlite://").unwrap();
    check(&e, SELECTS).await;
}

#[tokio::test]
async fn postgres_rows_keep_their_result_sets_columns() {
    let e = create_engine(&pg_scratch::server_url()).unwrap();
    check(&e, &format!("SET application_name = 'athanor-result-sets'; {SELECTS}")).await;
    e.dispose().await;
}

#[tokio::test]
async fn mariadb_rows_keep_their_result_sets_columns() {
    let e = create_engine(&common_mysql::server_url()).unwrap();
    check(&e, &format!("DO 1; {SELECTS}")).await;
    e.dispose().await;
}
