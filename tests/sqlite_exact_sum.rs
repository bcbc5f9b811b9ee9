//! SQLite's `sum()` as Athanor registers it: exact on Decimal text (scale kept), integer on
//! integers (an error past i64), a double as soon as a double is summed, and still a window function.

use athanor::prelude::*;
use athanor::Value;

async fn engine() -> Engine {
    let e = create_engine("sqlite://").unwrap();
    text("CREATE TABLE t (k INTEGER, d TEXT, i INTEGER, f REAL)").execute(&e).await.unwrap();
    text(
        "INSERT INTO t VALUES (1, '12345678901234.12345678', 9223372036854775800, 0.1), \
         (2, '0.00000001', 700, 0.2), (3, NULL, NULL, NULL), (4, '-1.10000000', 7, 0.3)",
    )
    .execute(&e)
    .await
    .unwrap();
    e
}

#[tokio::test]
async fn decimal_text_sums_exactly_with_its_scale() {
    let e = engine().await;
    let rows = text("SELECT sum(d) AS s FROM t").fetch_all(&e).await.unwrap();
    assert_eq!(rows[0].values()[0], Value::String("12345678901233.02345679".into()));
    let s: Decimal = rows[0].get("s").unwrap();
    assert_eq!(s.to_string(), "12345678901233.02345679");
    // No rows: NULL, as the built-in.
    let rows = text("SELECT sum(d) AS s FROM t WHERE k > 9").fetch_all(&e).await.unwrap();
    assert_eq!(rows[0].values()[0], Value::Null);
}

#[tokio::test]
async fn integers_stay_integers_and_overflow_is_an_error() {
    let e = engine().await;
    let rows = text("SELECT sum(i) AS s FROM t WHERE k > 1").fetch_all(&e).await.unwrap();
    assert_eq!(rows[0].values()[0], Value::I64(707));
    let err = text("SELECT sum(i) FROM t").fetch_all(&e).await.expect_err("past i64");
    assert!(err.to_string().contains("integer overflow"), "{err}");
}

#[tokio::test]
async fn a_double_makes_a_double() {
    let e = engine().await;
    let rows = text("SELECT sum(f) AS s, sum(d + 0.0) AS m FROM t WHERE k > 1").fetch_all(&e).await.unwrap();
    let (s, m): (f64, f64) = (rows[0].get("s").unwrap(), rows[0].get("m").unwrap());
    assert!((s - 0.5).abs() < 1e-12 && (m + 1.09999999).abs() < 1e-9, "{s} {m}");
}

#[tokio::test]
async fn sum_is_still_a_window_function() {
    let e = engine().await;
    let rows = text("SELECT k, sum(d) OVER (ORDER BY k ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t ORDER BY k")
        .fetch_all(&e)
        .await
        .unwrap();
    let sums: Vec<Option<String>> = rows.iter().map(|r| r.get::<Option<Decimal>>("s").unwrap().map(|d| d.to_string())).collect();
    assert_eq!(
        sums,
        [
            Some("12345678901234.12345678".to_owned()),
            Some("12345678901234.12345679".to_owned()),
            Some("0.00000001".to_owned()),
            Some("-1.10000000".to_owned())
        ]
    );
}
