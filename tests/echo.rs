//! `echo=true` logs each statement at INFO on the `athanor::sql` target (bound values are not logged).

use athanor::{create_engine, text};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn logged_at_info(url: &str) -> String {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let e = create_engine(url).unwrap();
    text("SELECT :secret_value AS v").bind("secret_value", "do-not-log-me").fetch_all(&e).await.unwrap();
    let bytes = out.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn echo_logs_statements_but_not_values() {
    let log = logged_at_info("sqlite://?echo=true").await;
    assert!(log.contains("athanor::sql") && log.contains("SELECT ? AS v"), "{log}");
    assert!(!log.contains("do-not-log-me"), "{log}");
}

#[tokio::test]
async fn without_echo_nothing_is_logged_at_info() {
    let log = logged_at_info("sqlite://").await;
    assert!(!log.contains("SELECT"), "{log}");
}

/// The MariaDB server the MySQL cases use (`ATHANOR_MYSQL_URL`, default root on 127.0.0.1:3306).
fn mysql_url(query: &str) -> String {
    let base = std::env::var("ATHANOR_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    let sep = if base.contains('?') { '&' } else { '?' };
    if query.is_empty() {
        base
    } else {
        format!("{base}{sep}{query}")
    }
}

#[tokio::test]
async fn echo_on_mysql_logs_statements_but_not_values() {
    let log = logged_at_info(&mysql_url("echo=true")).await;
    assert!(log.contains("athanor::sql") && log.contains("SELECT ? AS v"), "{log}");
    assert!(!log.contains("do-not-log-me"), "{log}");
    let quiet = logged_at_info(&mysql_url("")).await;
    assert!(!quiet.contains("SELECT"), "{quiet}");
}
