//! The private servers: start, answer, freeze (a client times out), thaw, restart, kill, drop.

use std::time::{Duration, Instant};

use athanor_testkit::{PrivateMariaDb, PrivatePostgres};
use sqlx::{Connection, MySqlConnection, PgConnection};

const BOUND: Duration = Duration::from_secs(30);

async fn my_one(url: &str) -> Result<i64, String> {
    let mut c = MySqlConnection::connect(url).await.map_err(|e| e.to_string())?;
    let v: (i64,) = sqlx::query_as("SELECT 1").fetch_one(&mut c).await.map_err(|e| e.to_string())?;
    Ok(v.0)
}

async fn pg_one(url: &str) -> Result<i32, String> {
    let mut c = PgConnection::connect(url).await.map_err(|e| e.to_string())?;
    let v: (i32,) = sqlx::query_as("SELECT 1").fetch_one(&mut c).await.map_err(|e| e.to_string())?;
    Ok(v.0)
}

fn port_closed(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
}

#[tokio::test]
async fn private_mariadb_lifecycle() {
    let t = Instant::now();
    let db = PrivateMariaDb::start().await.unwrap();
    eprintln!("PrivateMariaDb::start took {:?} (template included)", t.elapsed());
    assert_ne!(db.port(), 3306);
    let url = db.url();
    assert_eq!(tokio::time::timeout(BOUND, my_one(&url)).await.unwrap(), Ok(1));

    // A table in `test` survives a restart and a crash.
    let mut c = MySqlConnection::connect(&url).await.unwrap();
    sqlx::query("CREATE TABLE kept (id INT PRIMARY KEY)").execute(&mut c).await.unwrap();
    sqlx::query("INSERT INTO kept VALUES (1), (2)").execute(&mut c).await.unwrap();

    // Frozen: the open connection and a new connect both get no answer.
    db.freeze();
    let q = tokio::time::timeout(Duration::from_millis(700), sqlx::query("SELECT 1").execute(&mut c)).await;
    assert!(q.is_err(), "a query on a frozen server must not be answered");
    let connect = tokio::time::timeout(Duration::from_millis(700), MySqlConnection::connect(&url)).await;
    assert!(connect.is_err(), "a connect to a frozen server must not complete");
    db.thaw();
    assert_eq!(tokio::time::timeout(BOUND, my_one(&url)).await.unwrap(), Ok(1));
    drop(c);

    let t = Instant::now();
    db.restart().await.unwrap();
    eprintln!("PrivateMariaDb::restart took {:?}", t.elapsed());
    db.kill();
    assert!(port_closed(db.port()), "killed: nobody listens");
    assert!(my_one(&url).await.is_err());
    db.start_again().await.unwrap();
    let mut c = MySqlConnection::connect(&url).await.unwrap();
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM kept").fetch_one(&mut c).await.unwrap();
    assert_eq!(n.0, 2, "data survives restart and crash");

    // Dropped while frozen: killed, port free, directory gone.
    let (port, dir) = (db.port(), db.data_dir());
    db.freeze();
    drop(db);
    assert!(port_closed(port));
    assert!(!dir.exists());
}

#[tokio::test]
async fn private_postgres_lifecycle() {
    let t = Instant::now();
    let pg = PrivatePostgres::start().await.unwrap();
    eprintln!("PrivatePostgres::start took {:?} (template included)", t.elapsed());
    assert_ne!(pg.port(), 5432);
    let url = pg.url();
    assert_eq!(tokio::time::timeout(BOUND, pg_one(&url)).await.unwrap(), Ok(1));
    let mut c = PgConnection::connect(&url).await.unwrap();
    sqlx::query("CREATE TABLE kept (id INT PRIMARY KEY)").execute(&mut c).await.unwrap();
    sqlx::query("INSERT INTO kept VALUES (1), (2)").execute(&mut c).await.unwrap();

    pg.freeze();
    let q = tokio::time::timeout(Duration::from_millis(700), sqlx::query("SELECT 1").execute(&mut c)).await;
    assert!(q.is_err(), "a query on a frozen server (its backend frozen too) must not be answered");
    let connect = tokio::time::timeout(Duration::from_millis(700), PgConnection::connect(&url)).await;
    assert!(connect.is_err(), "a connect to a frozen server must not complete");
    pg.thaw();
    assert_eq!(tokio::time::timeout(BOUND, pg_one(&url)).await.unwrap(), Ok(1));
    drop(c);

    let t = Instant::now();
    pg.restart().await.unwrap();
    eprintln!("PrivatePostgres::restart took {:?}", t.elapsed());
    pg.kill();
    assert!(port_closed(pg.port()));
    pg.start_again().await.unwrap();
    let mut c = PgConnection::connect(&url).await.unwrap();
    let n: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM kept").fetch_one(&mut c).await.unwrap();
    assert_eq!(n.0, 2);

    let port = pg.port();
    pg.freeze();
    drop(pg);
    assert!(port_closed(port));
}
