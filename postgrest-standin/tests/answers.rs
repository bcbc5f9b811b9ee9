//! The stand-in answers raw HTTP requests the way PostgREST documents: statuses, `Content-Range`,
//! the singular object, error JSON, the API key and the schema profile.

use athanor_core::{ColumnDef, ColumnType, Table};
use postgrest_standin::{pg_url, StandIn};
use reqwest::{Client, Method, Response};

const KEY: &str = "standin-test-key";

async fn started() -> StandIn {
    let s = StandIn::start(&pg_url(), KEY).await.expect("start the stand-in on PostgreSQL");
    let t = Table::new("items")
        .column(ColumnDef { auto_increment: true, ..ColumnDef::new("id", ColumnType::I64) })
        .column(ColumnDef { unique: true, ..ColumnDef::new("name", ColumnType::String { max_len: Some(20) }) })
        .column(ColumnDef { nullable: true, ..ColumnDef::new("qty", ColumnType::I32) })
        .primary_key(["id"]);
    s.create_tables(&[&t]).await.expect("create the table");
    s
}

/// `http://127.0.0.1:<port>/rest/v1/<path>` from the stand-in's Athanor URL.
fn endpoint(s: &StandIn, path: &str) -> String {
    let url = s.url();
    let host = url.split('@').nth(1).and_then(|r| r.split('?').next()).unwrap();
    format!("http://{host}/rest/v1/{path}")
}

async fn send(s: &StandIn, method: Method, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Response {
    let mut req = Client::new().request(method, endpoint(s, path)).header("apikey", KEY).header("Accept-Profile", s.schema());
    req = req.header("Content-Profile", s.schema());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_owned());
    }
    req.send().await.unwrap()
}

async fn json(r: Response) -> serde_json::Value {
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

fn range(r: &Response) -> String {
    r.headers().get("content-range").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

#[tokio::test]
async fn reads_writes_and_errors_as_postgrest_documents() {
    let s = started().await;
    let rows = r#"[{"name":"a","qty":1},{"name":"b","qty":null},{"name":"c","qty":3}]"#;
    let r = send(&s, Method::POST, "items?columns=name,qty", &[("Prefer", "count=exact")], Some(rows)).await;
    assert_eq!((r.status().as_u16(), range(&r)), (201, "*/3".to_owned()));
    assert_eq!(r.text().await.unwrap(), "", "return=minimal sends no body");

    let r = send(&s, Method::GET, "items?select=name&order=qty.desc.nullslast&limit=2", &[("Prefer", "count=exact")], None).await;
    assert_eq!((r.status().as_u16(), range(&r)), (206, "0-1/3".to_owned()), "a partial page of a counted read");
    assert_eq!(json(r).await, serde_json::json!([{"name": "c"}, {"name": "a"}]));

    let r = send(&s, Method::HEAD, "items?qty=is.null", &[("Prefer", "count=exact")], None).await;
    assert_eq!((r.status().as_u16(), range(&r)), (200, "0-0/1".to_owned()));

    let r = send(&s, Method::GET, "items?or=(name.eq.a,qty.gt.2)&select=name&order=name", &[], None).await;
    assert_eq!(range(&r), "0-1/*", "no count asked for");
    assert_eq!(json(r).await, serde_json::json!([{"name": "a"}, {"name": "c"}]));

    let object = [("Accept", "application/vnd.pgrst.object+json")];
    let r = send(&s, Method::GET, "items?name=eq.b&select=name,qty", &object, None).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(json(r).await, serde_json::json!({"name": "b", "qty": null}), "one object, not an array");
    let r = send(&s, Method::GET, "items?select=name", &object, None).await;
    assert_eq!(r.status().as_u16(), 406);
    assert_eq!(json(r).await["code"], "PGRST116");

    let r = send(&s, Method::PATCH, "items?name=eq.b", &[("Prefer", "return=representation,count=exact")], Some(r#"{"qty":7}"#)).await;
    assert_eq!((r.status().as_u16(), range(&r)), (200, "0-0/1".to_owned()));
    assert_eq!(json(r).await[0]["qty"], 7);

    let r = send(&s, Method::POST, "items", &[], Some(r#"{"name":"a"}"#)).await;
    assert_eq!(r.status().as_u16(), 409, "a unique violation");
    assert_eq!(json(r).await["code"], "23505");

    let r = send(
        &s,
        Method::POST,
        "items?on_conflict=name",
        &[("Prefer", "resolution=merge-duplicates,return=representation")],
        Some(r#"{"name":"a","qty":9}"#),
    )
    .await;
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(json(r).await[0]["qty"], 9);

    let r = send(&s, Method::DELETE, "items?qty=gte.7", &[("Prefer", "count=exact")], None).await;
    assert_eq!((r.status().as_u16(), range(&r)), (204, "*/2".to_owned()));

    let r = send(&s, Method::GET, "nope", &[], None).await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(json(r).await["code"], "PGRST205");
    let r = send(&s, Method::GET, "items?qty=between.1", &[], None).await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(json(r).await["code"], "PGRST100");
    s.close().await;
}

#[tokio::test]
async fn the_api_key_and_the_schema_profile_are_checked() {
    let s = started().await;
    let r = Client::new().get(endpoint(&s, "items")).header("Accept-Profile", s.schema()).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = Client::new().get(endpoint(&s, "items")).header("apikey", KEY).header("Accept-Profile", "public").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 406);
    assert_eq!(json(r).await["code"], "PGRST106");
    s.close().await;
}
