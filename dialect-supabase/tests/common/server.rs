//! A loopback HTTP server that answers like PostgREST from a script of replies and records every
//! request it receives.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and raw query.
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A scripted reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Option<Duration>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply { status, headers: vec![("content-type", "application/json; charset=utf-8".into())], body: body.into(), delay: None }
    }
    pub fn empty(status: u16) -> Reply {
        Reply { status, headers: vec![], body: String::new(), delay: None }
    }
    /// A PostgREST error body.
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(status, &serde_json::json!({"code": code, "message": message, "details": "some details", "hint": null}).to_string())
    }
    pub fn range(mut self, r: &str) -> Reply {
        self.headers.push(("content-range", r.into()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = Some(d);
        self
    }
}

#[derive(Default)]
struct Inner {
    seen: Vec<Seen>,
    replies: VecDeque<Reply>,
}

/// The running server.
#[derive(Clone)]
pub struct Mock {
    inner: Arc<Mutex<Inner>>,
    pub addr: SocketAddr,
}

async fn handle(State(inner): State<Arc<Mutex<Inner>>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let reply = {
        let mut g = inner.lock().unwrap();
        g.seen.push(Seen {
            method: parts.method.to_string(),
            uri: parts.uri.to_string(),
            headers: parts.headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        });
        g.replies.pop_front().unwrap_or_else(|| Reply::json(200, "[]"))
    };
    if let Some(d) = reply.delay {
        tokio::time::sleep(d).await;
    }
    let mut b = Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        b = b.header(*k, v.as_str());
    }
    b.body(Body::from(reply.body)).unwrap()
}

impl Mock {
    /// Starts a server on 127.0.0.1:0 answering with `replies` in order (then `200 []`).
    pub async fn start(replies: Vec<Reply>) -> Mock {
        let inner = Arc::new(Mutex::new(Inner { seen: Vec::new(), replies: replies.into() }));
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock { inner, addr }
    }
    /// Requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }
    /// A Supabase-style URL for this server with `key` and extra options.
    pub fn url(&self, key: &str, extra: &str) -> String {
        format!("supabase+http://anon:{key}@{}{extra}", self.addr)
    }
}
