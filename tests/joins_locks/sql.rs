//! The SQL joins and row locks compile to, per dialect, and what each dialect refuses before I/O.

use super::{Fill, Job, Order};
use athanor::ast::{SelectKind, Statement};
use athanor::dialects::{mysql, postgres};
use athanor::prelude::*;
use athanor::query::{select, AsStatement, Col};
use athanor::{Capabilities, Compiled, Error};

fn sql(c: athanor::Result<Compiled>) -> String {
    match c.expect("compiles") {
        Compiled::Sql(q) => q.sql,
        other => panic!("one statement expected, got {other}"),
    }
}

fn sqlite(q: &impl AsStatement) -> athanor::Result<Compiled> {
    athanor::create_engine("sqlite://").unwrap().compile(q)
}
fn pg(q: &impl AsStatement) -> athanor::Result<Compiled> {
    postgres::compile::compile(&q.as_statement()?)
}
/// MySQL-family SQL for a server of `version` (as `SELECT VERSION()` reports it).
fn my(version: &str, q: &impl AsStatement) -> athanor::Result<Compiled> {
    let caps = Capabilities { locks: mysql::compile::row_locks(version), ..mysql::compile::capabilities(true) };
    mysql::compile::compile(&caps, &q.as_statement()?, mysql::compile::DEFAULT_MAX_PACKET)
}
const MARIADB: &str = "10.11.19-MariaDB-0+deb12u1";

fn unsupported(r: athanor::Result<Compiled>, what: &str) {
    match r {
        Err(Error::Unsupported { feature, .. }) => assert!(feature.contains(what), "{feature}"),
        other => panic!("expected Unsupported({what}), got {other:?}"),
    }
}

#[test]
fn print_all() {
    let q = Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).filter(Fill::QTY.gt(0)).order_by(Fill::ID).limit(5);
    println!("{}\n{}\n{}", sql(sqlite(&q)), sql(my(MARIADB, &q)), sql(pg(&q)));
}
