//! MySQL/MariaDB set-up (untimed): the database, the three tables exactly as WORKLOADS.md, the
//! 50,000-row seed, and each repetition's TRUNCATE / W4 pre-fill. Done over one raw sqlx
//! connection so every implementation starts from the same state.

use crate::data::{gen_rows, BATCH, N_ROWS, T_MAIN, T_W3, T_W4, W4_PRESEED};
use crate::sqlx_impl::insert_query;
use crate::workload::{Res, Workload};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlSslMode};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor};
use std::str::FromStr;

/// The URL split into the server part and the database name.
pub struct MySqlTarget {
    /// Driver options for the benchmark database (TLS off: the server has none).
    pub opts: MySqlConnectOptions,
    /// Driver options for the server, without a database.
    pub server: MySqlConnectOptions,
    /// The database name.
    pub database: String,
    /// The URL Athanor's engine gets: the same server and database, TLS off like the others.
    pub athanor_url: String,
}

/// Parses `mysql://user[:pw]@host[:port]/db[?query]` (the database defaults to `athanor_bench`).
pub fn target(url: &str) -> Res<MySqlTarget> {
    let (scheme, rest) = url.split_once("://").ok_or("URL without ://")?;
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, database) = match rest.split_once('/') {
        Some((a, d)) if !d.is_empty() => (a, d),
        Some((a, _)) => (a, "athanor_bench"),
        None => (rest, "athanor_bench"),
    };
    let server = MySqlConnectOptions::from_str(&format!("mysql://{authority}"))?.ssl_mode(MySqlSslMode::Disabled);
    let opts = server.clone().database(database);
    let mut athanor_url = format!("{scheme}://{authority}/{database}");
    if !query.contains("ssl_mode") {
        athanor_url.push_str("?ssl_mode=disabled");
        if !query.is_empty() {
            athanor_url.push('&');
        }
    } else {
        athanor_url.push('?');
    }
    athanor_url.push_str(query);
    Ok(MySqlTarget { opts, server, database: database.to_string(), athanor_url })
}

/// `CREATE TABLE` exactly as WORKLOADS.md.
pub fn create_sql(table: &str) -> String {
    format!(
        "CREATE TABLE {table} (
           id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
           symbol VARCHAR(16) NOT NULL,
           ts DATETIME(3) NOT NULL,
           open DECIMAL(20,8) NOT NULL,
           high DECIMAL(20,8) NOT NULL,
           low DECIMAL(20,8) NOT NULL,
           close DECIMAL(20,8) NOT NULL,
           volume DECIMAL(28,8) NOT NULL,
           UNIQUE KEY uq_symbol_ts (symbol, ts)
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    )
}

async fn raw(conn: &mut MySqlConnection, sql: String) -> Res<()> {
    conn.execute(AssertSqlSafe(sql)).await?;
    Ok(())
}

/// Creates the database if needed, (re)creates the tables and seeds `ohlcv_1m`; returns the
/// set-up connection, kept for the per-repetition set-up.
pub async fn prepare(t: &MySqlTarget) -> Res<MySqlConnection> {
    let mut server = t.server.connect().await?;
    let db = t.database.replace('`', "``");
    raw(&mut server, format!("CREATE DATABASE IF NOT EXISTS `{db}` CHARACTER SET utf8mb4")).await?;
    server.close().await?;
    let mut conn = MySqlConnection::connect_with(&t.opts).await?;
    for table in [T_MAIN, T_W3, T_W4] {
        raw(&mut conn, format!("DROP TABLE IF EXISTS {table}")).await?;
        raw(&mut conn, create_sql(table)).await?;
    }
    let rows = gen_rows(0..N_ROWS, 0);
    for chunk in rows.chunks(BATCH) {
        insert_query(T_MAIN, chunk, false).build().execute(&mut conn).await?;
    }
    raw(&mut conn, format!("ANALYZE TABLE {T_MAIN}")).await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ohlcv_1m").fetch_one(&mut conn).await?;
    assert_eq!(n as usize, N_ROWS);
    eprintln!("database {} ready: {n} rows in {T_MAIN}", t.database);
    let (version, flush): (String, u64) = sqlx::query_as("SELECT VERSION(), @@innodb_flush_log_at_trx_commit").fetch_one(&mut conn).await?;
    eprintln!("server {version}, innodb_flush_log_at_trx_commit = {flush}");
    if flush != 2 {
        eprintln!(
            "warning: the peer figures were measured with innodb_flush_log_at_trx_commit=2; with {flush}, W3-W5 measure fsync \
             (SET GLOBAL innodb_flush_log_at_trx_commit = 2 to compare)"
        );
    }
    Ok(conn)
}

/// Before each repetition: W3 truncates its table, W4 truncates and pre-fills rows 0..4,999.
pub async fn before_rep(conn: &mut MySqlConnection, w: Workload) -> Res<()> {
    match w {
        Workload::W3 => raw(conn, format!("TRUNCATE TABLE {T_W3}")).await,
        Workload::W4 => {
            raw(conn, format!("TRUNCATE TABLE {T_W4}")).await?;
            let rows = gen_rows(0..W4_PRESEED, 0);
            for chunk in rows.chunks(BATCH) {
                insert_query(T_W4, chunk, false).build().execute(&mut *conn).await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
