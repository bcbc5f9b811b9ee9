//! Raw SQL decoded by what its columns are called.
//!
//! - A model read from raw SQL that lists its columns in another order (`SELECT id, close, open`)
//!   gets each field from the column of its name; before, fields were read by position and
//!   `open`/`close` came back swapped with no error.
//!
//! - `Row::get` of a name the row holds twice is an error (it returned the first).
//!
//! Raw SQL whose statements return several result sets (`SELECT 1 AS a; SELECT 'x' AS b` on
//! SQLite, the same after a `SET`/`DO` on PostgreSQL's and MariaDB's text protocol): each row
//! keeps its own result set's column names and types. Before, the first result set's names were
//! given to every row (SQLite, PostgreSQL) or its read plan failed the next one (MariaDB).

use athanor::prelude::*;
use athanor_core::{text, Row};

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

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "raw_order_candles")]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    open: i64,
    close: i64,
    note: Option<String>,
}

/// The same model from raw SQL in field order, in another order, in another case, with a column
/// more, and with one missing.
async fn check_model_order(e: &Engine) {
    e.create_all(&[Candle::table()]).await.unwrap();
    let c = Candle { id: 1, open: 10, close: 20, note: Some("n".into()) };
    c.insert().execute(e).await.unwrap();
    for sql in [
        "SELECT id, open, close, note FROM raw_order_candles",
        "SELECT note, close, id, open FROM raw_order_candles",
        "SELECT close AS CLOSE, id AS Id, open AS OPEN, note AS Note FROM raw_order_candles",
        "SELECT 5 AS extra, close, open, id, note FROM raw_order_candles",
    ] {
        let got = text(sql).fetch_all_as::<Candle, _>(e).await.unwrap_or_else(|err| panic!("{sql}: {err}"));
        assert_eq!(got, std::slice::from_ref(&c), "{sql}");
    }
    let err = text("SELECT close, id, note FROM raw_order_candles").fetch_all_as::<Candle, _>(e).await.unwrap_err();
    assert!(err.to_string().contains("no column named `open`"), "{err}");
    // A name the result holds twice is refused by name, as SQLAlchemy does, and read by position.
    let rows = text("SELECT a.id, b.id FROM raw_order_candles a JOIN raw_order_candles b ON a.id = b.id").fetch_all(e).await.unwrap();
    let err = rows[0].get::<i64>("id").unwrap_err();
    assert!(err.to_string().contains("ambiguous"), "{err}");
    assert_eq!(rows[0].get_index::<i64>(1).unwrap(), 1);
    e.drop_all(&[Candle::table()]).await.unwrap();
}

const SELECTS: &str = "SELECT 1 AS a; SELECT 'x' AS b, 2.5 AS c; SELECT 7 AS n";

#[tokio::test]
async fn sqlite_rows_keep_their_result_sets_columns() {
    let e = create_engine("sqlite://").unwrap();
    check(&e, SELECTS).await;
    check_model_order(&e).await;
}

#[tokio::test]
async fn postgres_rows_keep_their_result_sets_columns() {
    let url = pg_scratch::server_url();
    pg_scratch::on_scratch_db(&url, &url, |e| async move {
        check(&e, &format!("SET application_name = 'athanor-result-sets'; {SELECTS}")).await;
        check_model_order(&e).await;
    })
    .await;
}

#[tokio::test]
async fn mariadb_rows_keep_their_result_sets_columns() {
    common_mysql::with_scratch_db("raw_order", "", |e, _| async move {
        check(&e, &format!("DO 1; {SELECTS}")).await;
        check_model_order(&e).await;
    })
    .await;
}
