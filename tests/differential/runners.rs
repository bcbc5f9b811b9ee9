//! One runner per dialect: an engine on a database of its own holding the data set, and how
//! to run a [`Case`] on it. Adding a dialect (PostgreSQL direct, once it exists) is one entry
//! in [`start_all`] and one arm in [`Runner::start`].

use super::case::{Case, Run, Terminal};
use super::compare::{agg_cell, item_cells, Cell, Outcome};
use super::data::{rows, Item};
use athanor::ast::{SelectKind, Statement};
use athanor::prelude::*;
use athanor::query::AsStatement;
use postgrest_standin::{pg_url, StandIn};
use std::time::Duration;

/// The dialects every case runs on, in report order.
pub const DIALECTS: &[Dialect] = &[Dialect::Sqlite, Dialect::MySql, Dialect::Postgres, Dialect::Supabase];

/// A dialect under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    MySql,
    Postgres,
    Supabase,
}

/// What a runner has to tear down.
enum Server {
    Memory,
    /// A scratch database on a shared server, dropped by `drop_sql` through `admin`.
    Scratch {
        admin: Engine,
        drop_sql: String,
    },
    StandIn(StandIn),
}

/// A dialect with the data set loaded.
pub struct Runner {
    pub dialect: Dialect,
    pub engine: Engine,
    server: Server,
}

const KEY: &str = "differential-anon-key";
/// No single query may take longer than this.
const QUERY_LIMIT: Duration = Duration::from_secs(30);

fn mysql_server_url() -> String {
    std::env::var("ATHANOR_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b.to_owned(), format!("?{q}"))).unwrap_or((url.to_owned(), String::new()));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{db}{query}")
}

fn postgres_server_url() -> String {
    std::env::var("ATHANOR_PG_URL").unwrap_or_else(|_| "postgresql://postgres@127.0.0.1:5432/test".into())
}

/// A fresh database on the server at `url` (identifiers quoted with `q`), and an engine on it.
async fn scratch(url: &str, q: &str, drop_suffix: &str) -> (Engine, Server) {
    let admin = athanor::create_engine(url).expect("admin engine");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let db = format!("diff_{}_{nanos}", std::process::id());
    athanor::text(format!("CREATE DATABASE {q}{db}{q}")).execute(&admin).await.expect("create the scratch database");
    let engine = athanor::create_engine(&with_database(url, &db)).expect("engine on the scratch database");
    (engine, Server::Scratch { admin, drop_sql: format!("DROP DATABASE IF EXISTS {q}{db}{q}{drop_suffix}") })
}

/// Starts every dialect of [`DIALECTS`].
pub async fn start_all() -> Vec<Runner> {
    let mut out = Vec::new();
    for d in DIALECTS {
        out.push(Runner::start(*d).await);
    }
    out
}

impl Runner {
    /// A fresh database for `dialect` with the table made and the data set inserted.
    pub async fn start(dialect: Dialect) -> Runner {
        let (engine, server) = match dialect {
            Dialect::Sqlite => (athanor::create_engine("sqlite://").expect("sqlite engine"), Server::Memory),
            Dialect::MySql => scratch(&mysql_server_url(), "`", "").await,
            Dialect::Postgres => scratch(&postgres_server_url(), "\"", " WITH (FORCE)").await,
            Dialect::Supabase => {
                let standin = StandIn::start(&pg_url(), KEY).await.expect("start the PostgREST stand-in");
                standin.create_tables(&[Item::table()]).await.expect("create the table in PostgreSQL");
                (athanor::create_engine(&standin.url()).expect("supabase engine"), Server::StandIn(standin))
            }
        };
        if !matches!(server, Server::StandIn(_)) {
            engine.create_all(&[Item::table()]).await.expect("create the table");
        }
        Item::insert_many(&rows()).execute(&engine).await.expect("insert the data set");
        Runner { dialect, engine, server }
    }

    /// Requests the dialect has sent so far, where that can be counted (the stand-in).
    fn io_count(&self) -> Option<usize> {
        match &self.server {
            Server::StandIn(s) => Some(s.requests()),
            _ => None,
        }
    }

    /// The statement `case` sends, as [`athanor::Engine::compile`] renders it for this dialect.
    pub fn statement(case: &Case) -> Statement {
        if let Some(join) = case.join {
            return super::join::statement(case, join);
        }
        let ast = |kind: SelectKind| {
            let mut ast = case.select().ast().clone();
            ast.kind = kind;
            if kind != SelectKind::Rows {
                ast.order_by.clear();
            }
            Statement::Select(ast)
        };
        match &case.terminal {
            Terminal::Write(w) => super::write::statement(case, *w),
            Terminal::Typed(q) => super::typed::statement(case, *q),
            Terminal::All | Terminal::One => ast(SelectKind::Rows),
            Terminal::First => case.select().limit(1).as_statement().expect("statement"),
            Terminal::Count => ast(SelectKind::Count),
            Terminal::Exists => ast(SelectKind::Exists),
            Terminal::Aggregate(_) | Terminal::GroupBy(..) | Terminal::Keys { run: Run::Rows, .. } => {
                case.row_select().as_statement().expect("statement")
            }
            Terminal::Keys { run, .. } => {
                let Statement::Select(mut ast) = case.row_select().as_statement().expect("statement") else { unreachable!() };
                ast.kind = if *run == Run::Count { SelectKind::Count } else { SelectKind::Exists };
                ast.order_by.clear();
                Statement::Select(ast)
            }
        }
    }

    /// The compiled SQL or HTTP request of `case`, or the compile error.
    pub fn compiled(&self, case: &Case) -> String {
        match self.engine.compile(&Self::statement(case)) {
            Ok(c) => c.to_string(),
            Err(e) => format!("compile error: {e}"),
        }
    }

    /// Runs `case`; an `Unsupported` answer is kept only if `compile` refuses too and nothing
    /// was sent.
    pub async fn run(&self, case: &Case) -> Outcome {
        let before = self.io_count();
        let outcome = match tokio::time::timeout(QUERY_LIMIT, self.answer(case)).await {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => Outcome::from_error(e),
            Err(_) => Outcome::Failed(format!("no answer within {QUERY_LIMIT:?}")),
        };
        if let Outcome::Unsupported(msg) | Outcome::Invalid(msg) = &outcome {
            let sent = self.io_count().zip(before).map(|(a, b)| a - b).unwrap_or(0);
            let refused = self.engine.compile(&Self::statement(case));
            let compile_refuses = match &outcome {
                Outcome::Unsupported(_) => matches!(refused, Err(athanor::Error::Unsupported { .. })),
                _ => matches!(refused, Err(athanor::Error::InvalidQuery(_))),
            };
            if sent > 0 || !compile_refuses {
                return Outcome::Failed(format!("refused after {sent} request(s), compile refuses: {compile_refuses}: {msg}"));
            }
        }
        outcome
    }

    /// The answer, checked against the rows form on the same dialect: `.count()` must be the
    /// number of rows `.all()` returns and `.exists()` whether it returns any (a check that
    /// holds even where every dialect gets both wrong the same way).
    async fn answer(&self, case: &Case) -> athanor::Result<Outcome> {
        if let Some(join) = case.join {
            return super::join::answer(case, join, &self.engine).await;
        }
        let answer = self.answer_once(case).await?;
        let rows = match &case.terminal {
            Terminal::Count | Terminal::Exists => case.select().all(&self.engine).await.map(|v| v.len()),
            Terminal::Keys { run: Run::Count | Run::Exists, .. } => case.row_select().all(&self.engine).await.map(|v| v.len()),
            _ => return Ok(answer),
        };
        let Ok(rows) = rows else { return Ok(answer) };
        Ok(match answer {
            Outcome::Count(n) if n as usize != rows => Outcome::Failed(format!("count() = {n} but all() returns {rows} row(s)")),
            Outcome::Exists(b) if b != (rows > 0) => Outcome::Failed(format!("exists() = {b} but all() returns {rows} row(s)")),
            other => other,
        })
    }

    async fn answer_once(&self, case: &Case) -> athanor::Result<Outcome> {
        let e = &self.engine;
        let rows = |v: Vec<Item>| Outcome::Rows(v.iter().map(item_cells).collect());
        Ok(match &case.terminal {
            Terminal::Write(w) => super::write::answer(case, *w, e).await?,
            Terminal::Typed(q) => super::typed::answer(case, *q, e).await?,
            Terminal::All => rows(case.select().all(e).await?),
            Terminal::First => rows(case.select().first(e).await?.into_iter().collect()),
            Terminal::One => rows(vec![case.select().one(e).await?]),
            Terminal::Count => Outcome::Count(case.select().count(e).await?),
            Terminal::Exists => Outcome::Exists(case.select().exists(e).await?),
            Terminal::Keys { run: Run::Count, .. } => Outcome::Count(case.row_select().count(e).await?),
            Terminal::Keys { run: Run::Exists, .. } => Outcome::Exists(case.row_select().exists(e).await?),
            Terminal::Keys { key, run: Run::Rows, .. } => {
                let mut out = Vec::new();
                for row in case.row_select().all(e).await? {
                    out.push(vec![key_cell(&row, key)?]);
                }
                Outcome::Rows(out)
            }
            Terminal::Aggregate(aggs) | Terminal::GroupBy(_, aggs) => {
                let keyed = matches!(case.terminal, Terminal::GroupBy(..));
                let mut out = Vec::new();
                for row in case.row_select().all(e).await? {
                    let mut cells = Vec::new();
                    if let Terminal::GroupBy(key, _) = &case.terminal {
                        cells.push(key_cell(&row, key)?);
                    }
                    for (i, a) in aggs.iter().enumerate() {
                        cells.push(agg_cell(&row, i + usize::from(keyed), a.kind)?);
                    }
                    out.push(cells);
                }
                Outcome::Rows(out)
            }
        })
    }

    /// Drops the database (or schema) and closes the engine.
    pub async fn close(self) {
        self.engine.dispose().await;
        match self.server {
            Server::Memory => {}
            Server::Scratch { admin, drop_sql } => {
                let _ = athanor::text(drop_sql).execute(&admin).await;
                admin.dispose().await;
            }
            Server::StandIn(s) => s.close().await,
        }
    }
}

/// The grouping key in column 0 of `row`.
fn key_cell(row: &Row, key: &str) -> athanor::Result<Cell> {
    Ok(match key {
        "flag" => row.get_index::<Option<bool>>(0)?.map(Cell::Bool).unwrap_or(Cell::Null),
        _ => row.get_index::<Option<i64>>(0)?.map(Cell::Int).unwrap_or(Cell::Null),
    })
}
