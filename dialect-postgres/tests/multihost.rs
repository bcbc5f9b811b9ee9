//! Several hosts in one URL (`?host=A:5432&host=B:5432&target_session_attrs=...`), tried in
//! order as libpq does.

mod common;

use athanor_core::{text, Engine};
use athanor_testkit::faults::bounded;

/// A loopback port nothing listens on (bound, then closed).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The shared server's `host:port` (never written to: only read-only queries).
fn shared() -> String {
    let url = athanor_core::DbUrl::parse(&common::url()).unwrap();
    format!("{}:{}", url.host().unwrap_or("127.0.0.1"), url.port().unwrap_or(5432))
}

async fn one(e: &Engine) -> athanor_core::Result<i64> {
    text("SELECT 1::int8 AS v").fetch_one(e).await.map(|r| r.get("v").unwrap())
}

#[tokio::test]
async fn a_down_first_host_is_skipped() {
    let url = format!("postgresql+asyncpg://postgres@/test?host=127.0.0.1:{}&host={}&connect_timeout=2", closed_port(), shared());
    let e = common::engine_at(&url);
    assert_eq!(bounded("connect past a down host", one(&e)).await.0.unwrap(), 1);
}
