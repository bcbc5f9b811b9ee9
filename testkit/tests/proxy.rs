//! Each mode of the fault proxy against a tiny echo server.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use athanor_testkit::{FaultProxy, Mode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An echo server; the counter says how many connections reached it.
async fn echo_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let reached = Arc::new(AtomicUsize::new(0));
    let r = reached.clone();
    tokio::spawn(async move {
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            r.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let (mut rd, mut wr) = s.split();
                let _ = tokio::io::copy(&mut rd, &mut wr).await;
            });
        }
    });
    (addr, reached)
}

/// What a read brings within `ms`: `Some(Ok(bytes))` (empty = EOF), `Some(Err(_))`, or `None` (silence).
async fn read_within(s: &mut TcpStream, ms: u64) -> Option<std::io::Result<Vec<u8>>> {
    let mut buf = vec![0u8; 1024];
    match tokio::time::timeout(Duration::from_millis(ms), s.read(&mut buf)).await {
        Ok(Ok(n)) => Some(Ok(buf[..n].to_vec())),
        Ok(Err(e)) => Some(Err(e)),
        Err(_) => None,
    }
}

/// Reads exactly `n` bytes within 5 s.
async fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    tokio::time::timeout(Duration::from_secs(5), s.read_exact(&mut buf)).await.expect("read in time").unwrap();
    buf
}

async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "not within 5 s: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn is_reset(r: &Option<std::io::Result<Vec<u8>>>) -> bool {
    matches!(r, Some(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionReset)
}

#[tokio::test]
async fn pass_forwards_and_counts() {
    let (up, reached) = echo_server().await;
    let proxy = FaultProxy::start(up);
    assert_eq!(proxy.mode(), Mode::Pass);
    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"hello").await.unwrap();
    assert_eq!(read_n(&mut c, 5).await, b"hello");
    assert_eq!((proxy.accepted(), proxy.open()), (1, 1));
    let mut c2 = TcpStream::connect(proxy.addr()).await.unwrap();
    c2.write_all(b"x").await.unwrap();
    assert_eq!(read_n(&mut c2, 1).await, b"x");
    assert_eq!((proxy.accepted(), proxy.open(), reached.load(Ordering::SeqCst)), (2, 2, 2));
    drop(c);
    until("one connection closed", || proxy.open() == 1).await;
    drop(c2);
    until("all closed", || proxy.open() == 0).await;
    assert_eq!(proxy.accepted(), 2);
}

#[tokio::test]
async fn pause_holds_bytes_and_delivers_them_on_resume() {
    let (up, reached) = echo_server().await;
    let proxy = FaultProxy::start(up);
    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"a").await.unwrap();
    assert_eq!(read_n(&mut c, 1).await, b"a");
    proxy.set_mode(Mode::Pause);
    c.write_all(b"held").await.unwrap();
    assert!(read_within(&mut c, 300).await.is_none(), "paused: nothing comes back");
    // A new connection is accepted but does not reach upstream yet.
    let mut c2 = TcpStream::connect(proxy.addr()).await.unwrap();
    c2.write_all(b"new").await.unwrap();
    assert!(read_within(&mut c2, 200).await.is_none());
    assert_eq!(reached.load(Ordering::SeqCst), 1);
    proxy.set_mode(Mode::Pass);
    assert_eq!(read_n(&mut c, 4).await, b"held");
    assert_eq!(read_n(&mut c2, 3).await, b"new");
    assert_eq!(reached.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn black_hole_swallows_and_answers_nothing() {
    let (up, reached) = echo_server().await;
    let proxy = FaultProxy::start(up);
    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"a").await.unwrap();
    assert_eq!(read_n(&mut c, 1).await, b"a");
    proxy.set_mode(Mode::BlackHole);
    c.write_all(b"lost").await.unwrap();
    assert!(read_within(&mut c, 300).await.is_none(), "no answer, no close");
    let mut c2 = TcpStream::connect(proxy.addr()).await.unwrap();
    c2.write_all(b"knock").await.unwrap();
    assert!(read_within(&mut c2, 300).await.is_none(), "a new connection is accepted but silent");
    assert_eq!(proxy.accepted(), 2);
    assert_eq!(proxy.open(), 2);
    assert_eq!(reached.load(Ordering::SeqCst), 1, "the black-holed connect never reaches upstream");
    proxy.set_mode(Mode::Pass);
    // What was swallowed is gone; what is sent now passes.
    c.write_all(b"after").await.unwrap();
    assert_eq!(read_n(&mut c, 5).await, b"after");
    // The connection accepted in the black hole stays dead.
    assert!(read_within(&mut c2, 200).await.is_none());
}

#[tokio::test]
async fn reset_sends_rst_to_open_and_new_connections() {
    let (up, _) = echo_server().await;
    let proxy = FaultProxy::start(up);
    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"a").await.unwrap();
    assert_eq!(read_n(&mut c, 1).await, b"a");
    proxy.set_mode(Mode::Reset);
    let r = read_within(&mut c, 2000).await;
    assert!(is_reset(&r), "open connection reset, got {r:?}");
    let mut c2 = TcpStream::connect(proxy.addr()).await.unwrap();
    let r2 = read_within(&mut c2, 2000).await;
    assert!(is_reset(&r2), "new connection reset, got {r2:?}");
    until("reset connections closed", || proxy.open() == 0).await;
    proxy.set_mode(Mode::Pass);
    let mut c3 = TcpStream::connect(proxy.addr()).await.unwrap();
    c3.write_all(b"ok").await.unwrap();
    assert_eq!(read_n(&mut c3, 2).await, b"ok");
}

#[tokio::test]
async fn reset_open_keeps_the_mode() {
    let (up, _) = echo_server().await;
    let proxy = FaultProxy::start(up);
    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"a").await.unwrap();
    assert_eq!(read_n(&mut c, 1).await, b"a");
    proxy.reset_open();
    assert!(is_reset(&read_within(&mut c, 2000).await));
    assert_eq!(proxy.mode(), Mode::Pass);
    let mut c2 = TcpStream::connect(proxy.addr()).await.unwrap();
    c2.write_all(b"b").await.unwrap();
    assert_eq!(read_n(&mut c2, 1).await, b"b");
}

#[tokio::test]
async fn latency_delays_each_chunk() {
    let (up, _) = echo_server().await;
    let proxy = FaultProxy::start(up);
    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"a").await.unwrap();
    assert_eq!(read_n(&mut c, 1).await, b"a");
    proxy.set_mode(Mode::Latency(Duration::from_millis(150)));
    let t = Instant::now();
    c.write_all(b"slow").await.unwrap();
    assert_eq!(read_n(&mut c, 4).await, b"slow");
    // Delayed on the way up and on the way down: at least twice the latency (a lower bound, not a speed).
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());
}

#[tokio::test]
async fn cut_after_closes_mid_stream() {
    let (up, _) = echo_server().await;
    let proxy = FaultProxy::start(up);
    let mut c = TcpStream::connect(proxy.addr()).await.unwrap();
    c.write_all(b"warm").await.unwrap();
    assert_eq!(read_n(&mut c, 4).await, b"warm");
    // 10 more bytes in all: 6 up, then only 4 of the 6 echoed come down before the close.
    proxy.set_mode(Mode::CutAfter(10));
    c.write_all(b"abcdef").await.unwrap();
    let mut got = Vec::new();
    let r = tokio::time::timeout(Duration::from_secs(5), c.read_to_end(&mut got)).await.expect("closed in time");
    assert!(r.is_ok() || got.len() == 4, "{r:?}");
    assert_eq!(got, b"abcd");
    // A new connection gets 10 bytes from its start.
    let mut c2 = TcpStream::connect(proxy.addr()).await.unwrap();
    c2.write_all(b"0123456789xyz").await.unwrap();
    let mut got2 = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), c2.read_to_end(&mut got2)).await.expect("closed in time");
    assert!(got2.is_empty(), "10 bytes went up, none came down: {got2:?}");
}

#[tokio::test]
async fn dropping_the_proxy_closes_its_port_and_connections() {
    let (up, _) = echo_server().await;
    let proxy = FaultProxy::start(up);
    let addr = proxy.addr();
    let mut c = TcpStream::connect(addr).await.unwrap();
    c.write_all(b"a").await.unwrap();
    assert_eq!(read_n(&mut c, 1).await, b"a");
    drop(proxy);
    let r = read_within(&mut c, 2000).await;
    assert!(matches!(&r, Some(Ok(b)) if b.is_empty()) || is_reset(&r), "closed, got {r:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(addr).await.is_ok() {
        assert!(Instant::now() < deadline, "the port still accepts after drop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
