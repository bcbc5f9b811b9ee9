//! The flows people bring from aiomysql/asyncmy: every driver alias URL with a 5..10 pool,
//! `SELECT * FROM ohlcv_1m LIMIT 10`, fetch all; and 64 concurrent tasks on a pool of 10.

mod common;

use athanor_core::{text, Decimal};
use std::str::FromStr;

const DRIVERS: &[&str] = &[
    "mysql",
    "mysql+aiomysql",
    "mysql+asyncmy",
    "mysql+mysqlconnector",
    "mysql+pymysql",
    "mysql+mysqldb",
    "mysql+mariadbconnector",
    "mariadb",
    "mariadb+aiomysql",
    "mariadb+asyncmy",
    "mariadb+mariadbconnector",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_driver_alias_runs_the_seed_query() {
    let db = common::Scratch::new("athanor_seed").await;
    let setup = common::engine_at(&format!("mysql://root@127.0.0.1:3306/{}", db.name));
    common::exec(&setup, "CREATE TABLE ohlcv_1m (id BIGINT AUTO_INCREMENT PRIMARY KEY, symbol VARCHAR(16) NOT NULL, ts DATETIME(6) NOT NULL, close DECIMAL(20, 8) NOT NULL)").await;
    for i in 0..25 {
        text("INSERT INTO ohlcv_1m (symbol, ts, close) VALUES (:s, :ts, :c)")
            .bind("s", if i % 2 == 0 { "BTC" } else { "ETH" })
            .bind("ts", chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_micro_opt(0, i, 0, 123_456).unwrap())
            .bind("c", Decimal::from_str(&format!("{i}.12345678")).unwrap())
            .execute(&setup)
            .await
            .unwrap();
    }
    for scheme in DRIVERS {
        let url = format!("{scheme}://root@127.0.0.1:3306/{}?minsize=5&maxsize=10", db.name);
        let e = common::engine_at(&url);
        assert_eq!(e.dialect(), "mysql");
        let rows = text("SELECT * FROM ohlcv_1m LIMIT 10").fetch_all(&e).await.unwrap_or_else(|err| panic!("{url}: {err}"));
        assert_eq!(rows.len(), 10, "{url}");
        assert_eq!(rows[0].columns(), ["id", "symbol", "ts", "close"]);
        assert_eq!(rows[3].get::<Decimal>("close").unwrap(), Decimal::from_str("3.12345678").unwrap());
        let all = text("SELECT id, symbol FROM ohlcv_1m ORDER BY id").fetch_all(&e).await.unwrap();
        assert_eq!(all.len(), 25);
        assert_eq!(all[24].get::<String>("symbol").unwrap(), "BTC");
        e.dispose().await;
    }
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn sixty_four_tasks_share_a_pool_of_ten() {
    let e = common::engine_at(&format!("{}?minsize=2&maxsize=10", common::URL));
    let mut tasks = Vec::new();
    for i in 0..64i64 {
        let e = e.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..5 {
                let r = text("SELECT :i + 1 AS n, CONNECTION_ID() AS cid").bind("i", i).fetch_one(&e).await.unwrap();
                assert_eq!(r.get::<i64>("n").unwrap(), i + 1);
                ids.push(r.get::<u64>("cid").unwrap());
            }
            ids
        }));
    }
    let mut conns = std::collections::HashSet::new();
    for t in tasks {
        conns.extend(t.await.unwrap());
    }
    assert!(conns.len() <= 10, "used {} server connections with maxsize=10", conns.len());
    assert!(conns.len() > 1, "expected the tasks to spread over several connections");
}
