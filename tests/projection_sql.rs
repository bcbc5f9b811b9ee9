//! The exact SQL of typed projections, aggregates, GROUP BY / HAVING and DISTINCT on model
//! queries, per dialect (no I/O: engines connect lazily), and the Supabase refusal.

use athanor::chrono::NaiveDateTime;
use athanor::prelude::*;
use athanor::Value;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "candles")]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(max_len = 16)]
    symbol: String,
    ts: NaiveDateTime,
    #[athanor(precision = 20, scale = 8)]
    close: Decimal,
    volume: i64,
    note: Option<String>,
}

fn sql(url: &str, q: &impl athanor::query::AsStatement) -> (String, Vec<Value>) {
    let e = create_engine(url).expect("engine");
    let c = e.compile(q).expect("compiles");
    let q = c.sql().expect("SQL").clone();
    (q.sql, q.params)
}
const SQLITE: &str = "sqlite://";
const MYSQL: &str = "mysql://root@127.0.0.1:3306/test";
const PG: &str = "postgresql://postgres@127.0.0.1:5432/test";

/// The SQL on SQLite, MySQL and PostgreSQL.
fn each(q: &impl athanor::query::AsStatement) -> [String; 3] {
    [sql(SQLITE, q).0, sql(MYSQL, q).0, sql(PG, q).0]
}

#[test]
fn tuple_and_single_column_projections() {
    let q = Candle::select().columns((Candle::TS, Candle::CLOSE)).filter(Candle::SYMBOL.eq("BTC")).order_by(Candle::TS.asc()).limit(5);
    let _: &athanor::query::Select<(NaiveDateTime, Decimal)> = &q;
    assert_eq!(
        each(&q),
        [
            r#"SELECT "ts", "close" FROM "candles" WHERE "symbol" = ? ORDER BY "ts" ASC LIMIT ?"#,
            "SELECT `ts`, `close` FROM `candles` WHERE `symbol` = ? ORDER BY `ts` ASC LIMIT ?",
            r#"SELECT "ts", "close" FROM "candles" WHERE "symbol" = $1 ORDER BY "ts" ASC LIMIT $2"#,
        ]
    );
    let q = Candle::select().columns(Candle::SYMBOL).distinct();
    let _: &athanor::query::Select<String> = &q;
    assert_eq!(
        each(&q),
        [
            r#"SELECT DISTINCT "symbol" FROM "candles""#,
            "SELECT DISTINCT `symbol` FROM `candles`",
            r#"SELECT DISTINCT "symbol" FROM "candles""#
        ]
    );
}

#[test]
fn every_typed_aggregate() {
    let q = Candle::select().columns((
        count_star(),
        Candle::NOTE.count(),
        Candle::SYMBOL.count_distinct(),
        Candle::CLOSE.sum(),
        Candle::VOLUME.sum(),
        Candle::CLOSE.avg(),
        Candle::CLOSE.min(),
        Candle::TS.max().label("last"),
    ));
    type Row = (i64, i64, i64, Option<Decimal>, Option<i64>, Option<f64>, Option<Decimal>, Option<NaiveDateTime>);
    let _: &athanor::query::Select<Row> = &q;
    assert_eq!(
        each(&q),
        [
            r#"SELECT COUNT(*), COUNT("note"), COUNT(DISTINCT "symbol"), SUM("close"), SUM("volume"), AVG("close"), MIN("close"), MAX("ts") AS "last" FROM "candles""#,
            "SELECT COUNT(*), COUNT(`note`), COUNT(DISTINCT `symbol`), SUM(`close`), SUM(`volume`), AVG((`close` + 0E0)), MIN(`close`), MAX(`ts`) AS `last` FROM `candles`",
            r#"SELECT COUNT(*), COUNT("note"), COUNT(DISTINCT "symbol"), SUM("close"), SUM("volume"), AVG("close"), MIN("close"), MAX("ts") AS "last" FROM "candles""#,
        ]
    );
}

#[test]
fn group_by_having_and_ordering_by_an_aggregate() {
    let q = Candle::select()
        .columns((Candle::SYMBOL, Candle::CLOSE.max().label("hi")))
        .group_by([Candle::SYMBOL])
        .having(Candle::CLOSE.max().gt(dec!(100)))
        .order_by(Candle::CLOSE.max().desc());
    assert_eq!(
        each(&q),
        [
            r#"SELECT "symbol", MAX("close") AS "hi" FROM "candles" GROUP BY "symbol" HAVING (MAX("close") COLLATE "athanor_decimal") > ? ORDER BY MAX("close") COLLATE "athanor_decimal" DESC"#,
            "SELECT `symbol`, MAX(`close`) AS `hi` FROM `candles` GROUP BY `symbol` HAVING MAX(`close`) > ? ORDER BY MAX(`close`) DESC",
            r#"SELECT "symbol", MAX("close") AS "hi" FROM "candles" GROUP BY "symbol" HAVING MAX("close") > $1 ORDER BY MAX("close") DESC NULLS LAST"#,
        ]
    );
    assert_eq!(sql(PG, &q).1, vec![Value::Decimal(dec!(100))]);
}

#[test]
fn count_and_exists_of_grouped_projections_count_the_groups() {
    let q = Candle::select().columns((Candle::SYMBOL, count_star())).group_by([Candle::SYMBOL]).having(count_star().ge(2));
    let count = |q: &athanor::query::Select<(String, i64)>| {
        let mut ast = q.ast().clone();
        ast.kind = athanor::ast::SelectKind::Count;
        athanor::ast::Statement::Select(ast)
    };
    assert_eq!(
        sql(SQLITE, &count(&q)).0,
        r#"SELECT COUNT(*) AS "count" FROM (SELECT "symbol", COUNT(*) FROM "candles" GROUP BY "symbol" HAVING COUNT(*) >= ?) AS "athanor_count""#
    );
    let q = Candle::select().columns(Candle::SYMBOL).distinct();
    let mut ast = q.ast().clone();
    ast.kind = athanor::ast::SelectKind::Exists;
    assert_eq!(
        sql(PG, &athanor::ast::Statement::Select(ast)).0,
        r#"SELECT EXISTS(SELECT $1 FROM (SELECT DISTINCT "symbol" FROM "candles") AS "athanor_exists") AS "exists""#
    );
}

#[test]
fn supabase_maps_aggregates_and_refuses_a_grouping_it_cannot_express() {
    let e = create_engine("supabase://127.0.0.1:9/?key=test-key").expect("engine");
    // PostgREST ≥ 12 aggregates (see the README's Supabase section for the server setting).
    let req = e.compile(&Candle::select().columns(Candle::CLOSE.max())).expect("an aggregate select list");
    assert!(format!("{req:?}").contains("select=close.max%28%29"), "{req:?}");
    // A GROUP BY without an aggregate: PostgREST would return every row, not the groups.
    let err = e.compile(&Candle::select().columns(Candle::SYMBOL).group_by([Candle::SYMBOL])).expect_err("refused");
    assert!(matches!(err, athanor::Error::Unsupported { .. }), "{err}");
}
