//! Compilation without network: filters, writes, profiles, credentials and refusals.

mod common;

use athanor_core::ast::{SelectKind, Statement};
use athanor_core::query::{col, delete_from, insert_into, select, text, update, AsStatement};
use athanor_core::{Error, HttpRequest, Table, Value};
use common::{engine, prefer_parts, split_url};

const URL: &str = "supabase://anon:sekrit-anon-key-123@xyz.supabase.co";

fn compile(q: &impl AsStatement) -> athanor_core::Result<HttpRequest> {
    engine(URL).compile(q).map(|c| c.http().unwrap().clone())
}

fn pairs(req: &HttpRequest) -> Vec<(String, String)> {
    split_url(req).1
}

fn p(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

#[test]
fn supabase_url_maps_to_rest_v1_with_key_headers() {
    let req = compile(&select(&Table::new("ohlcv_1m"))).unwrap();
    assert!(req.url.starts_with("https://xyz.supabase.co/rest/v1/ohlcv_1m?"), "{}", req.url);
    assert_eq!(req.header("apikey"), Some("sekrit-anon-key-123"));
    assert_eq!(req.header("Authorization"), Some("Bearer sekrit-anon-key-123"));
    let shown = format!("{req}\n{req:?}");
    assert!(!shown.contains("sekrit"), "{shown}");
}

#[test]
fn between_not_and_nested_trees() {
    let t = Table::new("c");
    let req = compile(&select(&t).filter(col("px").between(1, 5))).unwrap();
    assert_eq!(pairs(&req)[1..], [p("px", "gte.1"), p("px", "lte.5")]);
    let req = compile(&select(&t).filter(!(col("a").eq(1).and(col("b").eq(2))))).unwrap();
    assert_eq!(pairs(&req)[1..], [p("not.and", "(a.eq.1,b.eq.2)")]);
    let req = compile(&select(&t).filter(!(col("a").eq(1).or(col("b").is_null())))).unwrap();
    assert_eq!(pairs(&req)[1..], [p("not.or", "(a.eq.1,b.is.null)")]);
    let req =
        compile(&select(&t).filter(col("a").eq(1).or(col("b").between(2, 3).and(col("c").is_not_null())).or(!col("d").in_list([1, 2]))))
            .unwrap();
    assert_eq!(pairs(&req)[1..], [p("or", "(a.eq.1,and(and(b.gte.2,b.lte.3),c.not.is.null),d.not.in.(1,2))")]);
    let req = compile(&select(&t).filter(!!col("a").eq(1))).unwrap();
    assert_eq!(pairs(&req)[1..], [p("a", "eq.1")]);
}

#[test]
fn value_on_the_left_flips_the_operator() {
    use athanor_core::ast::{BinOp, Expr};
    let e = Expr::Binary { op: BinOp::Lt, left: Box::new(Expr::value(3)), right: Box::new(Expr::column("a")) };
    let req = compile(&select(&Table::new("t")).filter(e)).unwrap();
    assert_eq!(pairs(&req)[1..], [p("a", "gt.3")]);
}

#[test]
fn values_render_as_postgres_reads_them() {
    use athanor_core::chrono::{NaiveDate, TimeZone, Utc};
    let dt = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap().and_hms_micro_opt(3, 4, 5, 600).unwrap();
    let utc = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
    let u = athanor_core::uuid::Uuid::nil();
    let req = compile(
        &select(&Table::new("t"))
            .filter(col("a").eq(dt))
            .filter(col("b").eq(utc))
            .filter(col("c").eq(u))
            .filter(col("d").eq(vec![1u8, 255])),
    )
    .unwrap();
    assert_eq!(
        pairs(&req)[1..],
        [
            p("a", "eq.2024-01-02T03:04:05.000600"),
            p("b", "eq.2024-01-02T03:04:05+00:00"),
            p("c", "eq.00000000-0000-0000-0000-000000000000"),
            p("d", "eq.\\x01ff")
        ]
    );
    assert!(req.url.contains("b=eq.2024-01-02T03%3A04%3A05%2B00%3A00"), "{}", req.url);
    let req = compile(&insert_into(&Table::new("t")).columns(["a", "b", "d", "n"]).values([
        Value::from(dt),
        utc.into(),
        vec![1u8, 255].into(),
        Value::Null,
    ]))
    .unwrap();
    assert_eq!(
        req.body,
        Some(serde_json::json!({"a": "2024-01-02T03:04:05.000600", "b": "2024-01-02T03:04:05+00:00", "d": "\\x01ff", "n": null}))
    );
}

#[test]
fn count_and_exists_are_head_requests() {
    let Statement::Select(mut s) =
        select(&Table::new("t")).filter(col("a").eq(1)).order_by(col("a").asc()).limit(5).offset(10).as_statement().unwrap()
    else {
        unreachable!()
    };
    s.kind = SelectKind::Count;
    let req = compile(&Statement::Select(s.clone())).unwrap();
    assert_eq!(req.method, "HEAD");
    assert_eq!(pairs(&req), [p("select", "*"), p("a", "eq.1")]);
    assert_eq!(prefer_parts(&req), ["count=exact"]);
    s.kind = SelectKind::Exists;
    s.offset = None;
    let req = compile(&Statement::Select(s)).unwrap();
    assert_eq!((req.method, pairs(&req)), ("HEAD", vec![p("select", "*"), p("a", "eq.1"), p("limit", "1")]));
    assert!(req.header("Prefer").is_none());
}

#[test]
fn bulk_insert_is_one_array_with_columns_and_upsert_prefers_merge() {
    let q = insert_into(&Table::new("c"))
        .columns(["symbol", "close"])
        .values([Value::from("BTC"), 1.into()])
        .values([Value::from("ETH"), 2.into()])
        .on_conflict(["symbol"])
        .on_conflict_update(["close"]);
    let req = compile(&q).unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(pairs(&req), [p("on_conflict", "symbol"), p("columns", "\"symbol\",\"close\"")]);
    assert_eq!(prefer_parts(&req), ["count=exact", "resolution=merge-duplicates"]);
    assert_eq!(req.body, Some(serde_json::json!([{"symbol": "BTC", "close": 1}, {"symbol": "ETH", "close": 2}])));
}

#[test]
fn partial_merge_with_a_target_is_refused() {
    let q = insert_into(&Table::new("c"))
        .columns(["symbol", "ts", "close", "note"])
        .values([Value::from("BTC"), 1.into(), 2.into(), "n".into()])
        .on_conflict(["symbol", "ts"])
        .on_conflict_update(["close"]);
    let err = compile(&q).unwrap_err();
    assert!(matches!(err, Error::Unsupported { dialect: "supabase", ref feature } if feature.contains("note")), "{err}");
}

#[test]
fn updates_and_deletes_need_filters_and_carry_them() {
    assert!(matches!(compile(&update(&Table::new("t")).set_value("a", 1)), Err(Error::MissingFilter { .. })));
    assert!(matches!(compile(&delete_from(&Table::new("t"))), Err(Error::MissingFilter { .. })));
    let req = compile(&update(&Table::new("t")).set_value("a", 1).filter(col("id").in_list([1, 2]))).unwrap();
    assert_eq!((req.method, pairs(&req)), ("PATCH", vec![p("id", "in.(1,2)")]));
    assert_eq!(req.body, Some(serde_json::json!({"a": 1})));
}

#[test]
fn unsupported_features_fail_at_compile_time() {
    use athanor_core::ast::{BinOp, Expr};
    let unsupported = |r: athanor_core::Result<HttpRequest>| matches!(r, Err(Error::Unsupported { dialect: "supabase", .. }));
    assert!(unsupported(compile(&text("SELECT 1"))));
    assert!(unsupported(compile(&Statement::CreateTable(std::sync::Arc::new(Table::new("t"))))));
    assert!(unsupported(compile(&Statement::DropTable("t".into()))));
    // Aggregates are PostgREST 12's `a.sum()` (tests/select_list.rs); HAVING has no form.
    assert_eq!(pairs(&compile(&select(&Table::new("t")).columns([col("a").sum()])).unwrap()), [p("select", "a.sum()")]);
    let having = Expr::Binary { op: BinOp::Gt, left: Box::new(col("a").sum()), right: Box::new(Expr::value(1)) };
    assert!(unsupported(compile(&select(&Table::new("t")).columns([col("b").expr(), col("a").sum()]).group_by([col("b")]).having(having))));
    assert!(unsupported(compile(&select(&Table::new("t")).columns([col("a")]).group_by([col("a")]))));
    assert!(unsupported(compile(&select(&Table::new("t")).distinct())));
    let two_columns = Expr::Binary { op: BinOp::Eq, left: Box::new(Expr::column("a")), right: Box::new(Expr::column("b")) };
    assert!(unsupported(compile(&select(&Table::new("t")).filter(two_columns))));
}

#[test]
fn names_needing_quotes_are_quoted() {
    let req =
        compile(&select(&Table::new("t")).columns([col("a.b"), col("x")]).filter(col("a.b").eq(1)).order_by(col("my col").desc())).unwrap();
    assert_eq!(pairs(&req), [p("select", "\"a.b\",x"), p("\"a.b\"", "eq.1"), p("order", "\"my col\".desc")]);
}

#[test]
fn schema_sets_the_profile_header_by_method() {
    let e = engine("supabase://anon:k3y-value@xyz.supabase.co?schema=analytics");
    let get = e.compile(&select(&Table::new("t"))).unwrap();
    assert_eq!(get.http().unwrap().header("Accept-Profile"), Some("analytics"));
    let del = e.compile(&delete_from(&Table::new("t")).filter(col("a").eq(1))).unwrap();
    assert_eq!(del.http().unwrap().header("Content-Profile"), Some("analytics"));
    assert_eq!(del.http().unwrap().header("Accept-Profile"), None);
}

#[test]
fn an_update_list_without_target_implies_the_conflict_key() {
    // Position-like: composite key (account, symbol), update every other column.
    let q = insert_into(&Table::new("positions"))
        .columns(["account", "symbol", "qty"])
        .values([Value::from("a"), "BTC".into(), 1.into()])
        .on_conflict_update(["qty"]);
    let req = compile(&q).unwrap();
    assert_eq!(pairs(&req), [p("on_conflict", "account,symbol")]);
    // Every inserted column updated: the server's default (primary key) applies.
    let q = insert_into(&Table::new("c"))
        .columns(["symbol", "close"])
        .values([Value::from("BTC"), 1.into()])
        .on_conflict_update(["symbol", "close"]);
    assert!(pairs(&compile(&q).unwrap()).is_empty());
    // Do-nothing without target: no on_conflict either.
    let q = insert_into(&Table::new("c")).columns(["symbol"]).values(["BTC"]).on_conflict_do_nothing();
    let req = compile(&q).unwrap();
    assert!(pairs(&req).is_empty());
    assert_eq!(prefer_parts(&req), ["count=exact", "resolution=ignore-duplicates"]);
}

#[test]
fn columns_named_like_reserved_keys_are_quoted_in_filters() {
    let req = compile(&select(&Table::new("t")).filter(col("order").eq(5)).filter(col("limit").gt(1).or(col("not").is_null()))).unwrap();
    assert_eq!(pairs(&req)[1..], [p("\"order\"", "eq.5"), p("or", "(\"limit\".gt.1,\"not\".is.null)")]);
}

#[test]
fn table_names_are_one_encoded_path_segment() {
    let req = compile(&select(&Table::new("a/b?c#d"))).unwrap();
    assert!(req.url.starts_with("https://xyz.supabase.co/rest/v1/a%2Fb%3Fc%23d?select="), "{}", req.url);
}
