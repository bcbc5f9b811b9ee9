//! Oracle cases where Athanor sends something other than postgrest-js 2.119.1, on purpose.
//! Each test shows the client's request (from `tests/oracle/expected.jsonl`) next to Athanor's.

mod common;

use athanor_core::ast::Statement;
use athanor_core::query::{col, insert_into, select, AsStatement};
use athanor_core::{Error, HttpRequest, Table, Value};
use athanor_supabase::SupabaseExt;
use common::{engine, prefer_parts, split_url};
use postgrest_standin::grammar::{parse_query, Cond, Op, Operand};
use serde_json::json;

const BASE: &str = "postgrest+http://localhost:3000";

fn oracle(id: &str) -> serde_json::Value {
    include_str!("oracle/expected.jsonl")
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["id"] == id)
        .unwrap()
}

fn compile(q: &impl AsStatement) -> athanor_core::Result<HttpRequest> {
    engine(BASE).compile(q).map(|c| c.http().unwrap().clone())
}

fn param(req: &HttpRequest, key: &str) -> Vec<String> {
    split_url(req).1.into_iter().filter(|(k, _)| k == key).map(|(_, v)| v).collect()
}

/// The server's `in.(…)` element grammar (QueryParams.hs): `"…"` with backslash escapes, or raw
/// characters up to `,` or `)`.
fn server_in_list(v: &str) -> Vec<String> {
    let body = v.strip_prefix("in.(").and_then(|b| b.strip_suffix(')')).unwrap();
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    while chars.peek().is_some() {
        let mut item = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => item.push(chars.next().unwrap()),
                    '"' => break,
                    c => item.push(c),
                }
            }
            // A well-formed quoted element ends at `,` or the end; anything else is the
            // client's malformed output, read up to the next comma.
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                item.push(c);
                chars.next();
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                item.push(c);
                chars.next();
            }
        }
        chars.next();
        out.push(item);
    }
    out
}

#[test]
fn in_list_escapes_quotes_and_backslashes_unlike_the_client() {
    let values = ["Quote:\"", "Back\\slash", "both\",comma"];
    let client = oracle("f_in_quote_backslash")["query"][1][1].as_str().unwrap().to_owned();
    assert_eq!(client, "in.(Quote:\",Back\\slash,\"both\",comma\")");
    assert_ne!(server_in_list(&client), values, "the client's list does not read back as the three values");

    let req = compile(&select(&Table::new("marks")).columns([col("id")]).filter(col("name").in_list(values))).unwrap();
    let ours = param(&req, "name").pop().unwrap();
    assert_eq!(ours, r#"in.("Quote:\"","Back\\slash","both\",comma")"#);
    assert_eq!(server_in_list(&ours), values);
}

#[test]
fn in_list_quotes_the_word_null_and_edge_spaces() {
    let req = compile(&select(&Table::new("t")).filter(col("a").in_list([
        Value::from("null"),
        Value::from(" x "),
        Value::Null,
        Value::from(""),
    ])))
    .unwrap();
    // The server has no NULL list element (a bare `null` is the text 'null'). `a IN (…, NULL)`
    // is TRUE exactly when `a` is one of the other values (else UNKNOWN), so the NULL goes.
    assert_eq!(param(&req, "a"), [r#"in.("null"," x ","")"#]);
    // NOT IN (…, NULL) is never TRUE in SQL: sent as `in.()`, which the server reads as FALSE.
    let req = compile(&select(&Table::new("t")).filter(col("a").not_in_list([Value::from("x"), Value::Null]))).unwrap();
    assert_eq!(param(&req, "a"), ["in.()"]);
    // `("")` alone reads as the empty list: a lone empty string is sent twice.
    let req = compile(&select(&Table::new("t")).filter(!col("a").in_list([""]))).unwrap();
    assert_eq!(param(&req, "a"), [r#"not.in.("","")"#]);
    assert_eq!(read_one("a=in.%28%22%22%29"), Cond::Leaf { column: "a".into(), op: Op::In, operand: Operand::List(vec!["".into()]) });
}

/// The filter the stand-in's port of `QueryParams.hs` reads from a raw query string.
fn read_one(raw: &str) -> Cond {
    parse_query(raw).unwrap().filters.remove(0)
}

#[test]
fn names_outside_plain_ascii_are_quoted() {
    // The client leaves `Unit Price` bare; the server reads it the same either way.
    let exp = oracle("esc_column_with_space");
    assert_eq!(exp["query"][1], json!(["Unit Price", "lt.200"]));
    let q = select(&Table::new("Order Items")).columns([col("Unit Price"), col("qty")]).filter(col("Unit Price").lt(200));
    let req = compile(&q).unwrap();
    assert_eq!(param(&req, "\"Unit Price\""), ["lt.200"]);
    assert_eq!(param(&req, "select"), ["\"Unit Price\",qty"]);
    let lt = |c: &str| Cond::Leaf { column: c.into(), op: Op::Lt, operand: Operand::Text("200".into()) };
    assert_eq!(read_one("Unit+Price=lt.200"), lt("Unit Price"));
    assert_eq!(read_one(req.url.split_once('?').unwrap().1.split_once('&').unwrap().1), lt("Unit Price"));
    // Bare, these would be misread: `x²` as `x`, `a - b` as `a-b`; `Ⅻ`, `-a` are a 400.
    for name in ["x²", "a - b", "Ⅻ", "-a", "n٣", "नाम", "Ⓐ", "０"] {
        let req = compile(&select(&Table::new("t")).filter(col(name).eq(1))).unwrap();
        let raw = req.url.split_once('?').unwrap().1.split_once('&').unwrap().1.to_owned();
        assert_eq!(read_one(&raw), Cond::Leaf { column: name.into(), op: Op::Eq, operand: Operand::Text("1".into()) }, "{raw}");
    }
}

#[test]
fn eq_null_is_sent_as_is_null_instead_of_eq_null() {
    // The client sends `eq.null` (never true); Athanor's eq(None)/ne(None) are IS NULL / IS NOT
    // NULL on every dialect, as SQLAlchemy's `== None`.
    assert_eq!(oracle("f_eq_types")["query"][3], json!(["label", "eq.null"]));
    let req = compile(&select(&Table::new("flags")).filter(col("label").eq(Value::Null))).unwrap();
    assert_eq!(param(&req, "label"), ["is.null"]);
    let req = compile(&select(&Table::new("flags")).filter(col("label").ne(Value::Null))).unwrap();
    assert_eq!(param(&req, "label"), ["not.is.null"]);
    // A hand-built `= NULL` (not through the builders) is still refused here.
    let raw = athanor_core::ast::Expr::Binary {
        op: athanor_core::ast::BinOp::Eq,
        left: Box::new(col("label").expr()),
        right: Box::new(athanor_core::ast::Expr::Value(Value::Null)),
    };
    let err = compile(&select(&Table::new("flags")).filter(raw)).unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(ref m) if m.contains("is_null")), "{err}");
    let req = compile(&select(&Table::new("flags")).columns([col("id")]).filter(col("active").eq(true)).filter(col("n").eq(0))).unwrap();
    assert_eq!(param(&req, "active"), ["eq.true"]);
    assert_eq!(param(&req, "n"), ["eq.0"]);
}

#[test]
fn a_literal_star_in_like_is_refused_because_the_server_reads_it_as_percent() {
    assert_eq!(oracle("f_ilike_star")["query"][1], json!(["name", "ilike.*coin*"]));
    let err = compile(&select(&Table::new("symbols")).filter(col("name").ilike("*coin*"))).unwrap_err();
    assert!(matches!(err, Error::Unsupported { dialect: "supabase", .. }), "{err}");
    let req = compile(&select(&Table::new("symbols")).filter(col("name").ilike("%coin%"))).unwrap();
    assert_eq!(param(&req, "name"), ["ilike.%coin%"]);
    // esc_quotes_apostrophes: the eq part matches the client, the `*50% off*` like is refused.
    assert_eq!(oracle("esc_quotes_apostrophes")["query"][1], json!(["nick", "eq.O'Brien \"The Rock\""]));
    let req = compile(&select(&Table::new("people")).filter(col("nick").eq("O'Brien \"The Rock\""))).unwrap();
    assert_eq!(param(&req, "nick"), ["eq.O'Brien \"The Rock\""]);
    assert!(compile(&select(&Table::new("people")).filter(col("bio").like("*50% off*"))).is_err());
}

#[test]
fn big_integers_stay_exact_json_numbers() {
    assert_eq!(oracle("ins_bigint_body")["body"], json!({"id": "9007199254740993", "symbol": "BTC"}));
    let req = compile(
        &insert_into(&Table::new("trades")).columns(["id", "symbol"]).values([Value::from(9_007_199_254_740_993i64), "BTC".into()]),
    )
    .unwrap();
    assert_eq!(req.body, Some(json!({"id": 9_007_199_254_740_993i64, "symbol": "BTC"})));
    assert_eq!(serde_json::to_string(req.body.as_ref().unwrap()).unwrap(), r#"{"id":9007199254740993,"symbol":"BTC"}"#);
}

#[test]
fn decimals_are_sent_as_exact_strings() {
    let d: athanor_core::Decimal = "12345678901234567890.123456789".parse().unwrap();
    let req = compile(&insert_into(&Table::new("t")).columns(["px"]).values([d])).unwrap();
    assert_eq!(req.body, Some(json!({"px": "12345678901234567890.123456789"})));
    let req = compile(&select(&Table::new("t")).filter(col("px").gt(d))).unwrap();
    assert_eq!(param(&req, "px"), ["gt.12345678901234567890.123456789"]);
}

#[test]
fn a_one_row_upsert_is_an_object_not_a_one_element_array() {
    let client = oracle("ups_ignore_duplicates");
    assert!(client["body"].is_array());
    let q = insert_into(&Table::new("ohlcv_1m"))
        .columns(["symbol", "ts", "close"])
        .values([Value::from("BTC"), "2024-01-01T00:00:00Z".into(), 1.into()])
        .on_conflict(["symbol", "ts"])
        .on_conflict_do_nothing();
    let req = compile(&q).unwrap();
    assert_eq!(req.body, Some(client["body"][0].clone()));
    assert_eq!(split_url(&req).1, [("on_conflict".to_owned(), "symbol,ts".to_owned())]);
    assert_eq!(prefer_parts(&req), ["count=exact", "resolution=ignore-duplicates"]);
}

#[test]
fn returning_rows_use_an_array_not_the_object_accept_header() {
    let client = oracle("ins_single_returning");
    assert_eq!(client["headers"]["Accept"], "application/vnd.pgrst.object+json");
    let Statement::Insert(mut ins) =
        insert_into(&Table::new("trades")).columns(["symbol", "price"]).values([Value::from("BTC"), 1.into()]).as_statement().unwrap()
    else {
        unreachable!()
    };
    ins.returning = vec!["id".into(), "created_at".into()];
    let req = compile(&Statement::Insert(ins)).unwrap();
    assert_eq!(req.header("Accept"), None);
    assert_eq!(param(&req, "select"), ["id,created_at"]);
    assert_eq!(prefer_parts(&req), ["count=exact", "return=representation"]);
    assert_eq!(req.body, Some(client["body"].clone()));
}

#[test]
fn one_and_first_are_limits_not_accept_headers() {
    // shape_single / shape_maybe_single: the client sets Accept (single) or nothing (maybeSingle);
    // Athanor's `.one()` asks for limit=2 and `.first()` for limit=1 and checks the count itself
    // (see loopback.rs `one_and_first_send_limits`).
    assert_eq!(oracle("shape_single")["headers"]["Accept"], "application/vnd.pgrst.object+json");
    assert_eq!(oracle("shape_maybe_single")["headers"], json!({}));
    let req = compile(&select(&Table::new("ohlcv_1m")).filter(col("id").eq(1)).limit(2)).unwrap();
    assert_eq!(req.header("Accept"), None);
}

#[test]
fn rpc_get_arguments_that_read_as_filters_are_refused() {
    assert_eq!(oracle("rpc_get_operator_like_arg")["query"][0], json!(["p_name", "eq.5"]));
    let e = engine(BASE);
    let err = e.rpc("lookup", json!({"p_name": "eq.5", "p_tag": "plain"})).get().compile().unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(ref m) if m.contains("p_name")), "{err}");
    // Anything after `not.` is read as an operator (a 400 when it is none).
    let err = e.rpc("lookup", json!({"p_name": "not.a plain value"})).get().compile().unwrap_err();
    assert!(matches!(err, Error::InvalidQuery(ref m) if m.contains("p_name")), "{err}");
    // Argument names are read with the field-name grammar: quoted unless plain.
    let req = e.rpc("lookup", json!({"x²": 1, "order": 2, "plain": 3})).get().compile().unwrap();
    assert_eq!(split_url(&req).1, [("\"order\"".into(), "2".into()), ("plain".into(), "3".into()), ("\"x²\"".into(), "1".into())]);
    let ok = e.rpc("lookup", json!({"p_name": "eq.5", "p_tag": "plain"})).compile().unwrap();
    assert_eq!(ok.body, Some(json!({"p_name": "eq.5", "p_tag": "plain"})));
}

#[test]
fn rpc_get_array_elements_are_quoted_like_postgres_arrays() {
    let req = engine(BASE).rpc("f", json!({"tags": ["a,b", "c", "say \"hi\""]})).get().compile().unwrap();
    assert_eq!(param(&req, "tags"), [r#"{"a,b",c,"say \"hi\""}"#]);
}

#[test]
fn an_in_list_over_the_url_budget_is_unsupported() {
    let ids: Vec<i64> = (0..3000).map(|i| 1_000_000 + i).collect();
    let err = compile(&select(&Table::new("t")).filter(col("id").in_list(ids))).unwrap_err();
    assert!(matches!(err, Error::Unsupported { dialect: "supabase", ref feature } if feature.contains("budget")), "{err}");
    let ids: Vec<i64> = (0..500).collect();
    assert!(compile(&select(&Table::new("t")).filter(col("id").in_list(ids))).is_ok());
}

#[test]
fn or_values_and_names_are_quoted_by_the_tree_grammar() {
    let q =
        select(&Table::new("people")).filter(col("name").eq("Doe, John").or(col("name").in_list(["a,b", "c"])).or(col("a.b").eq("(x)")));
    let req = compile(&q).unwrap();
    assert_eq!(param(&req, "or"), [r#"(name.eq."Doe, John",name.in.("a,b",c),"a.b".eq."(x)")"#]);
}
