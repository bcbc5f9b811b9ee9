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

const ORDER_FILL_COLUMNS: &str =
    r#""jl_orders"."id", "jl_orders"."symbol", "jl_orders"."parent_id", "jl_fills"."id", "jl_fills"."order_id", "jl_fills"."qty""#;

#[test]
fn inner_join_qualifies_every_column() {
    let q = Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).filter(Fill::QTY.gt(0)).order_by(Fill::ID).limit(5);
    let tail = r#"FROM "jl_orders" INNER JOIN "jl_fills" ON "jl_orders"."id" = "jl_fills"."order_id" WHERE "jl_fills"."qty" > ? ORDER BY "jl_fills"."id" ASC LIMIT ?"#;
    assert_eq!(sql(sqlite(&q)), format!("SELECT {ORDER_FILL_COLUMNS} {tail}"));
    assert_eq!(sql(my(MARIADB, &q)), format!("SELECT {ORDER_FILL_COLUMNS} {tail}").replace('"', "`"));
    assert_eq!(sql(pg(&q)), format!("SELECT {ORDER_FILL_COLUMNS} {}", tail.replacen('?', "$1", 1).replacen('?', "$2", 1)));
}

#[test]
fn left_join_self_join_and_earlier_conditions() {
    // get_by_key's untyped `id` was written against the FROM table: the join qualifies it.
    let q = Order::get_by_key(7).left_join::<Fill>(Order::ID.eq(Fill::ORDER_ID));
    assert_eq!(
        sql(sqlite(&q)),
        format!(
            r#"SELECT {ORDER_FILL_COLUMNS} FROM "jl_orders" LEFT JOIN "jl_fills" ON "jl_orders"."id" = "jl_fills"."order_id" WHERE "jl_orders"."id" = ?"#
        )
    );
    let q = Order::select().inner_join_as::<Order>("parent", Order::PARENT_ID.eq(Order::ID.of_alias("parent")));
    assert_eq!(
        sql(pg(&q)),
        r#"SELECT "jl_orders"."id", "jl_orders"."symbol", "jl_orders"."parent_id", "parent"."id", "parent"."symbol", "parent"."parent_id" FROM "jl_orders" INNER JOIN "jl_orders" AS "parent" ON "jl_orders"."parent_id" = "parent"."id""#
    );
    // Core tables.
    let q = select(Order::table())
        .join_table(athanor::ast::JoinKind::Inner, Fill::table(), Col::of("jl_orders", "id").eq_col(&Col::of("jl_fills", "order_id")))
        .columns([Col::of("jl_fills", "qty")]);
    assert_eq!(
        sql(sqlite(&q)),
        r#"SELECT "jl_fills"."qty" FROM "jl_orders" INNER JOIN "jl_fills" ON "jl_orders"."id" = "jl_fills"."order_id""#
    );
}

#[test]
fn single_table_statements_stay_unqualified() {
    let q = Order::select().filter(Order::PARENT_ID.eq(Order::ID)).order_by(Order::SYMBOL);
    assert_eq!(sql(sqlite(&q)), r#"SELECT "id", "symbol", "parent_id" FROM "jl_orders" WHERE "parent_id" = "id" ORDER BY "symbol" ASC"#);
    // A column of another model stays qualified: the server refuses it rather than reading
    // this table's column of the same name.
    let q = Order::select().filter(Fill::QTY.gt(1));
    assert_eq!(sql(pg(&q)), r#"SELECT "id", "symbol", "parent_id" FROM "jl_orders" WHERE "jl_fills"."qty" > $1"#);
}

#[test]
fn counting_a_join_renames_its_columns() {
    let mut s = match Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).distinct().as_statement().unwrap() {
        Statement::Select(s) => s,
        _ => unreachable!(),
    };
    s.kind = SelectKind::Count;
    let got = sql(my(MARIADB, &Statement::Select(s)));
    assert!(
        got.starts_with(
            "SELECT COUNT(*) AS `count` FROM (SELECT DISTINCT `jl_orders`.`id` AS `athanor_c0`, `jl_orders`.`symbol` AS `athanor_c1`"
        ),
        "{got}"
    );
    assert!(got.ends_with("INNER JOIN `jl_fills` ON `jl_orders`.`id` = `jl_fills`.`order_id`) AS `athanor_count`"), "{got}");
}

fn jobs() -> athanor::query::Select<Job> {
    Job::select().filter(Job::STATUS.eq("new")).order_by(Job::ID).limit(10)
}
const JOBS_PG: &str = r#"SELECT "id", "status", "worker" FROM "jl_jobs" WHERE "status" = $1 ORDER BY "id" ASC LIMIT $2"#;
const JOBS_MY: &str = "SELECT `id`, `status`, `worker` FROM `jl_jobs` WHERE `status` = ? ORDER BY `id` ASC LIMIT ?";

#[test]
fn row_locks_on_postgres() {
    assert_eq!(sql(pg(&jobs().for_update())), format!("{JOBS_PG} FOR UPDATE"));
    assert_eq!(sql(pg(&jobs().for_update().skip_locked())), format!("{JOBS_PG} FOR UPDATE SKIP LOCKED"));
    assert_eq!(sql(pg(&jobs().for_update().nowait())), format!("{JOBS_PG} FOR UPDATE NOWAIT"));
    assert_eq!(sql(pg(&jobs().for_share())), format!("{JOBS_PG} FOR SHARE"));
    assert_eq!(sql(pg(&jobs().for_share().skip_locked())), format!("{JOBS_PG} FOR SHARE SKIP LOCKED"));
    // PostgreSQL refuses FOR UPDATE with DISTINCT, GROUP BY or aggregates, and on a LEFT JOIN.
    unsupported(pg(&jobs().distinct().for_update()), "DISTINCT, GROUP BY");
    let grouped = select(Job::table()).columns([col("status").count()]).group_by([col("status")]).for_update();
    unsupported(pg(&grouped), "DISTINCT, GROUP BY");
    unsupported(pg(&Order::select().left_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).for_update()), "LEFT JOIN");
    let inner = Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).for_update();
    assert!(sql(pg(&inner)).ends_with(r#"ON "jl_orders"."id" = "jl_fills"."order_id" FOR UPDATE"#));
}

#[test]
fn row_locks_on_mysql_and_mariadb() {
    for v in [MARIADB, "8.0.36"] {
        assert_eq!(sql(my(v, &jobs().for_update())), format!("{JOBS_MY} FOR UPDATE"));
        assert_eq!(sql(my(v, &jobs().for_update().skip_locked())), format!("{JOBS_MY} FOR UPDATE SKIP LOCKED"));
        assert_eq!(sql(my(v, &jobs().for_update().nowait())), format!("{JOBS_MY} FOR UPDATE NOWAIT"));
        // MySQL takes a lock with DISTINCT or a LEFT JOIN.
        assert!(sql(my(v, &jobs().distinct().for_update())).ends_with("FOR UPDATE"));
        assert!(sql(my(v, &Order::select().left_join::<Fill>(Order::ID.eq(Fill::ORDER_ID)).for_update())).ends_with("FOR UPDATE"));
    }
    // MariaDB has no FOR SHARE: LOCK IN SHARE MODE, which takes NOWAIT and SKIP LOCKED.
    assert_eq!(sql(my(MARIADB, &jobs().for_share())), format!("{JOBS_MY} LOCK IN SHARE MODE"));
    assert_eq!(sql(my(MARIADB, &jobs().for_share().skip_locked())), format!("{JOBS_MY} LOCK IN SHARE MODE SKIP LOCKED"));
    assert_eq!(sql(my(MARIADB, &jobs().for_share().nowait())), format!("{JOBS_MY} LOCK IN SHARE MODE NOWAIT"));
    assert_eq!(sql(my("8.0.36", &jobs().for_share().nowait())), format!("{JOBS_MY} FOR SHARE NOWAIT"));
    // Older servers: SKIP LOCKED from MariaDB 10.6, NOWAIT from 10.3; neither on MySQL 5.7.
    unsupported(my("10.5.2-MariaDB", &jobs().for_update().skip_locked()), "SKIP LOCKED");
    assert!(sql(my("10.5.2-MariaDB", &jobs().for_update().nowait())).ends_with("FOR UPDATE NOWAIT"));
    unsupported(my("5.7.44", &jobs().for_update().nowait()), "NOWAIT");
    assert_eq!(sql(my("5.7.44", &jobs().for_share())), format!("{JOBS_MY} LOCK IN SHARE MODE"));
    // Before the server is identified: the locks every version takes.
    let unknown = mysql::compile::capabilities(false);
    let plain =
        |q: &athanor::query::Select<Job>| mysql::compile::compile(&unknown, &q.as_statement().unwrap(), mysql::compile::DEFAULT_MAX_PACKET);
    assert!(sql(plain(&jobs().for_update())).ends_with("FOR UPDATE"));
    unsupported(plain(&jobs().for_update().skip_locked()), "SKIP LOCKED");
}

#[test]
fn refusals_before_io() {
    // SQLite has no row locks.
    unsupported(sqlite(&jobs().for_update()), "SQLite has none");
    unsupported(sqlite(&jobs().for_share()), "row locks");
    // Supabase: neither joins nor locks (PostgREST embeds through foreign keys, and ends its
    // transaction with the request).
    let supabase = athanor::create_engine("supabase://anon:k@xyz.supabase.co").unwrap();
    unsupported(supabase.compile(&jobs().for_update().skip_locked()), "row locks");
    unsupported(supabase.compile(&Order::select().inner_join::<Fill>(Order::ID.eq(Fill::ORDER_ID))), "JOIN");
    // ...while its single-table statements take typed columns as before.
    assert!(supabase.compile(&jobs()).is_ok());
    // nowait()/skip_locked() without a lock to qualify.
    assert!(matches!(sqlite(&jobs().nowait()), Err(Error::InvalidQuery(m)) if m.contains("nowait()")));
    assert!(matches!(pg(&jobs().skip_locked()), Err(Error::InvalidQuery(m)) if m.contains("skip_locked()")));
    // count()/exists() lock nothing: refused rather than compiled without the lock.
    let Statement::Select(mut s) = jobs().for_update().as_statement().unwrap() else { unreachable!() };
    s.kind = SelectKind::Count;
    assert!(matches!(pg(&Statement::Select(s.clone())), Err(Error::InvalidQuery(m)) if m.contains("count()/exists()")));
    s.kind = SelectKind::Exists;
    assert!(matches!(my(MARIADB, &Statement::Select(s)), Err(Error::InvalidQuery(_))));
}
