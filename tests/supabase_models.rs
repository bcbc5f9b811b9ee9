//! Derived models on the Supabase dialect through the facade: URL resolution, the compiled
//! request, and rows from a minimal loopback HTTP responder decoded by the generated code.

use athanor::dialects::supabase::SupabaseExt;
use athanor::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(unique_with = "ts", max_len = 16)]
    pub symbol: String,
    pub ts: athanor::chrono::NaiveDateTime,
    pub close: Decimal,
    pub note: Option<String>,
}

/// Answers every connection with one canned HTTP response and returns the request heads seen.
async fn responder(
    status: &'static str,
    headers: &'static str,
    body: &'static str,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = vec![0u8; 16 * 1024];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let _ = tx.send(String::from_utf8_lossy(&buf[..n]).into_owned());
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    (addr, rx)
}

#[test]
fn supabase_urls_resolve_through_the_registry() {
    let e = athanor::create_engine("supabase://anon:facade-key-1@xyz.supabase.co").unwrap();
    assert_eq!(e.dialect(), "supabase");
    let req = e.compile(&Candle::select().filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.desc()).limit(10)).unwrap();
    let req = req.http().unwrap();
    assert_eq!(
        req.url,
        "https://xyz.supabase.co/rest/v1/ohlcv_1m?select=id%2Csymbol%2Cts%2Cclose%2Cnote&symbol=eq.BTC&order=ts.desc&limit=10"
    );
    assert!(!format!("{e:?} {req} {req:?}").contains("facade-key-1"));
    for url in [
        "supabase+https://anon:k@xyz.supabase.co",
        "supabase+http://anon:k@localhost:54321",
        "postgrest+http://host:3000",
        "postgrest://host",
    ] {
        assert_eq!(athanor::create_engine(url).unwrap().dialect(), "supabase", "{url}");
    }
    let err = athanor::create_engine("supabase://anon:k@xyz.supabase.co?charset=utf8").unwrap_err();
    assert!(matches!(err, athanor::Error::UnknownOption { .. }), "{err}");
}

#[tokio::test]
async fn derived_models_decode_from_postgrest_json() {
    let body = r#"[{"id":3,"symbol":"BTC","ts":"2024-03-01T12:07:07.123456","close":42000.123456789012345678,"note":null}]"#;
    let (addr, mut seen) = responder("200 OK", "content-range: 0-0/*\r\n", body).await;
    let e = athanor::create_engine(&format!("supabase+http://anon:facade-key-2@{addr}")).unwrap();
    let rows = Candle::select().filter(Candle::CLOSE.gt(dec!(100))).all(&e).await.unwrap();
    assert_eq!(rows[0].close, "42000.123456789012345678".parse::<Decimal>().unwrap());
    assert_eq!(rows[0].ts.to_string(), "2024-03-01 12:07:07.123456");
    let head = seen.recv().await.unwrap();
    assert!(head.starts_with("GET /rest/v1/ohlcv_1m?select=id%2Csymbol%2Cts%2Cclose%2Cnote&close=gt.100 HTTP/1.1"), "{head}");
    assert!(head.to_ascii_lowercase().contains("apikey: facade-key-2"));
    let err = e.create_all(&[Candle::table()]).await.unwrap_err();
    assert!(matches!(err, athanor::Error::Unsupported { dialect: "supabase", .. }), "{err}");
    assert!(e.rpc("f", athanor::serde_json::json!({})).compile().is_ok());
}
