//! The exact SQL of the expression language on SQLite, MySQL/MariaDB and PostgreSQL, and what
//! each refuses (no I/O: the server engines connect lazily).

mod expressions;

use athanor::ast::{ArithOp, Expr, ScalarFunc};
use athanor::prelude::*;
use athanor::query::AsStatement;
use athanor::query::{abs, case_when, cast, cast_decimal, coalesce, excluded, exists, length, lower, now, scalar_subquery, upper};
use athanor::{Error, Value, ValueKind};
use expressions::*;

fn engines() -> [Engine; 3] {
    [
        create_engine("sqlite://").unwrap(),
        create_engine("mysql://root@127.0.0.1:3306/test").unwrap(),
        create_engine("postgresql://postgres@127.0.0.1:5432/test").unwrap(),
    ]
}

/// The SQL and parameters on [SQLite, MySQL, PostgreSQL].
fn sql(q: &impl AsStatement) -> [(String, Vec<Value>); 3] {
    engines().map(|e| {
        let c = e.compile(q).unwrap_or_else(|err| panic!("{} compiles: {err}", e.dialect()));
        let s = c.sql().expect("one statement").clone();
        (s.sql, s.params)
    })
}

fn texts(q: &impl AsStatement) -> [String; 3] {
    sql(q).map(|(s, _)| s)
}

fn refused_everywhere(q: &impl AsStatement) {
    for e in engines() {
        assert!(matches!(e.compile(q), Err(Error::Unsupported { .. })), "{} must refuse", e.dialect());
    }
}

fn bars() -> athanor::query::Select<Bar> {
    Bar::select()
}

#[test]
fn column_against_column_and_arithmetic() {
    let q = Bar::select().filter(Bar::HIGH.gt(Bar::LOW)).filter((Bar::HIGH - Bar::LOW).ge(dec!(1.5)));
    let [s, m, p] = texts(&q);
    let cols = r#""id", "symbol", "high", "low", "volume", "trades", "price", "note", "fee", "ts""#;
    assert_eq!(
        s,
        format!(r#"SELECT {cols} FROM "expr_bars" WHERE "high" > "low" AND (athanor_sub("high", "low") COLLATE "athanor_decimal") >= ?"#)
    );
    assert!(m.ends_with("WHERE `high` > `low` AND `high` - `low` >= ?"), "{m}");
    assert!(p.ends_with(r#"WHERE "high" > "low" AND "high" - "low" >= $1"#), "{p}");
}

#[test]
fn division_is_null_on_zero_and_integer_division_truncates() {
    let q = bars().filter((Bar::TRADES / 2i64).eq(3i64)).filter((Bar::PRICE / Bar::PRICE.typed()).lt(2.0));
    let [s, m, p] = texts(&q);
    assert!(s.ends_with(r#"WHERE athanor_div("trades", ?) = ? AND athanor_div("price", "price") < ?"#), "{s}");
    assert!(m.ends_with("WHERE (`trades` DIV NULLIF(?, 0)) = ? AND `price` / NULLIF(`price`, 0) < ?"), "{m}");
    assert!(p.ends_with(r#"WHERE "trades" / NULLIF($1, 0) = $2 AND "price" / NULLIF("price", 0) < $3"#), "{p}");
}

#[test]
fn decimal_division_is_refused() {
    refused_everywhere(&bars().filter((Bar::HIGH / Bar::LOW).gt(dec!(1))));
}

#[test]
fn nested_arithmetic_keeps_its_grouping() {
    let q = bars().filter(((Bar::TRADES + 1i64) * 2i64).gt(Bar::TRADES - 3i64));
    let [s, m, p] = texts(&q);
    assert!(s.ends_with(r#"WHERE athanor_mul(athanor_add("trades", ?), ?) > athanor_sub("trades", ?)"#), "{s}");
    assert!(m.ends_with("WHERE (`trades` + ?) * ? > `trades` - ?"), "{m}");
    assert!(p.ends_with(r#"WHERE ("trades" + $1) * $2 > "trades" - $3"#), "{p}");
}

/// A Decimal expression assigned to a column is brought to the column's `DECIMAL(p, s)` (SQLite
/// would otherwise store every digit of the result).
#[test]
fn update_set_to_an_expression() {
    let q = Bar::update().set(Bar::VOLUME, Bar::VOLUME + dec!(1)).set(Bar::TRADES, Bar::TRADES + 1i64).filter(Bar::ID.eq(1));
    let [(s, sp), (m, _), (p, _)] = sql(&q);
    assert_eq!(
        s,
        r#"UPDATE "expr_bars" SET "volume" = athanor_fit_decimal(athanor_add("volume", ?) COLLATE "athanor_decimal", 20, 8), "trades" = athanor_add("trades", ?) WHERE "id" = ?"#
    );
    assert_eq!(sp, vec![Value::Decimal(dec!(1)), Value::I64(1), Value::I64(1)]);
    assert_eq!(m, "UPDATE `expr_bars` SET `volume` = CAST(`volume` + ? AS DECIMAL(20, 8)), `trades` = `trades` + ? WHERE `id` = ?");
    assert_eq!(p, r#"UPDATE "expr_bars" SET "volume" = CAST("volume" + $1 AS NUMERIC(20, 8)), "trades" = "trades" + $2 WHERE "id" = $3"#);
}

#[test]
fn functions() {
    let q = athanor::query::select(Bar::table())
        .columns::<Expr>([
            coalesce(Bar::NOTE, "-").into(),
            lower(Bar::SYMBOL).into(),
            upper(Bar::SYMBOL).into(),
            length(Bar::SYMBOL).into(),
            abs(Bar::TRADES).into(),
            now().into(),
        ])
        .filter(coalesce(Bar::FEE, dec!(0)).gt(dec!(1)));
    let [s, m, p] = texts(&q);
    assert_eq!(
        s,
        r#"SELECT COALESCE("note", ?), LOWER("symbol"), UPPER("symbol"), LENGTH("symbol"), athanor_abs("trades"), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now') FROM "expr_bars" WHERE (COALESCE("fee", ?) COLLATE "athanor_decimal") > ?"#
    );
    assert_eq!(
        m,
        "SELECT COALESCE(`note`, ?), LOWER(`symbol`), UPPER(`symbol`), CHAR_LENGTH(`symbol`), ABS(`trades`), UTC_TIMESTAMP(6) FROM `expr_bars` WHERE COALESCE(`fee`, ?) > ?"
    );
    assert_eq!(
        p,
        r#"SELECT COALESCE("note", $1), LOWER("symbol"), UPPER("symbol"), CHAR_LENGTH("symbol"), ABS("trades"), statement_timestamp() FROM "expr_bars" WHERE COALESCE("fee", $2) > $3"#
    );
}

#[test]
fn case_when_otherwise() {
    let size = case_when::<String>(Bar::VOLUME.gt(dec!(100)), "big").when(Bar::VOLUME.gt(dec!(10)), "mid").otherwise("small");
    let q = bars().filter(size.eq("big"));
    let [(s, sp), (m, _), (p, _)] = sql(&q);
    assert!(s.ends_with(r#"WHERE (CASE WHEN ("volume" > ?) THEN ? WHEN ("volume" > ?) THEN ? ELSE ? END) = ?"#), "{s}");
    assert_eq!(sp.len(), 6);
    // MySQL: the CASE's text compares exactly, not by the connection's case-insensitive collation.
    assert!(
        m.ends_with("WHERE (CONVERT((CASE WHEN (`volume` > ?) THEN ? WHEN (`volume` > ?) THEN ? ELSE ? END) USING utf8mb4) /*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */) = ?"),
        "{m}"
    );
    assert!(p.ends_with(r#"WHERE (CASE WHEN ("volume" > $1) THEN $2 WHEN ("volume" > $3) THEN $4 ELSE $5 END) = $6"#), "{p}");
    // A Decimal-valued CASE compares by value on SQLite too.
    let q = bars().filter(case_when::<Decimal>(Bar::TRADES.gt(0i64), Bar::HIGH).otherwise(Bar::LOW).gt(dec!(9)));
    let [s, _, _] = texts(&q);
    assert!(s.ends_with(r#"WHERE ((CASE WHEN ("trades" > ?) THEN "high" ELSE "low" END) COLLATE "athanor_decimal") > ?"#), "{s}");
}

#[test]
fn casts_spelled_per_dialect() {
    let q = athanor::query::select(Bar::table()).columns::<Expr>([
        cast::<f64>(Bar::TRADES).into(),
        cast::<String>(Bar::TRADES).into(),
        cast::<f64>(Bar::VOLUME).into(),
        cast::<String>(Bar::VOLUME).into(),
        cast::<athanor::chrono::NaiveDate>(Bar::TS).into(),
        cast_decimal(Bar::TRADES, 30, 2).into(),
        cast::<i64>(Bar::TRADES).into(),
    ]);
    let [s, m, p] = texts(&q);
    assert_eq!(
        s,
        r#"SELECT CAST("trades" AS REAL), CAST("trades" AS TEXT), CAST("volume" AS REAL), CAST("volume" AS TEXT), date("ts"), (CAST("trades" AS TEXT) || '.00') COLLATE "athanor_decimal", CAST("trades" AS INTEGER) FROM "expr_bars""#
    );
    assert_eq!(
        m,
        "SELECT CAST(`trades` AS DOUBLE), CONVERT(CAST(`trades` AS CHAR) USING utf8mb4) /*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */, CAST(`volume` AS DOUBLE), CONVERT(CAST(`volume` AS CHAR) USING utf8mb4) /*!80000 COLLATE utf8mb4_0900_bin */ /*M!100202 COLLATE utf8mb4_nopad_bin */, CAST(`ts` AS DATE), CAST(`trades` AS DECIMAL(30, 2)), CAST(`trades` AS SIGNED) FROM `expr_bars`"
    );
    assert_eq!(
        p,
        r#"SELECT CAST("trades" AS DOUBLE PRECISION), CAST("trades" AS TEXT), CAST("volume" AS DOUBLE PRECISION), CAST("volume" AS TEXT), CAST("ts" AS DATE), CAST("trades" AS NUMERIC(30, 2)), CAST("trades" AS BIGINT) FROM "expr_bars""#
    );
    // Too narrow for every i64: MySQL would clamp, PostgreSQL raise.
    refused_everywhere(&athanor::query::select(Bar::table()).columns([cast_decimal(Bar::TRADES, 10, 2)]));
    // Hand-built casts with no single meaning are refused.
    let float_to_int = Expr::Cast { expr: Box::new(Expr::column("price")), from: ValueKind::F64, to: athanor::ast::CastType::BigInt };
    refused_everywhere(&bars().filter(Expr::Binary {
        op: athanor::ast::BinOp::Eq,
        left: Box::new(float_to_int),
        right: Box::new(Expr::value(1)),
    }));
}

#[test]
fn subqueries() {
    let watched = athanor::query::select(Watch::table()).columns([Watch::SYMBOL]);
    let q =
        bars().filter(Bar::SYMBOL.in_subquery(&watched)).filter(Bar::NOTE.not_in_subquery(&watched.clone().filter(Watch::SYMBOL.ne("X"))));
    let [s, m, p] = texts(&q);
    assert!(
        s.ends_with(r#"WHERE "symbol" IN (SELECT "symbol" FROM "expr_watch") AND "note" NOT IN (SELECT "symbol" FROM "expr_watch" WHERE "symbol" <> ?)"#),
        "{s}"
    );
    assert!(m.ends_with("WHERE `symbol` IN (SELECT `symbol` FROM `expr_watch`) AND `note` NOT IN (SELECT `symbol` FROM `expr_watch` WHERE `symbol` <> ?)"), "{m}");
    assert!(
        p.ends_with(r#"WHERE "symbol" IN (SELECT "symbol" FROM "expr_watch") AND "note" NOT IN (SELECT "symbol" FROM "expr_watch" WHERE "symbol" <> $1)"#),
        "{p}"
    );

    let q = bars()
        .filter(exists(&watched.clone().filter(Watch::SYMBOL.eq("BTC"))))
        .filter(Bar::TRADES.lt(scalar_subquery::<i64, _>(&bars_max())));
    let [s, m, p] = texts(&q);
    assert!(
        s.ends_with(
            // SQLite: `LIMIT 1` in EXISTS works around SQLite 3.51 losing the outer OFFSET.
            r#"WHERE EXISTS(SELECT "symbol" FROM "expr_watch" WHERE "symbol" = ? LIMIT ?) AND "trades" < (SELECT MAX("trades") FROM "expr_bars")"#
        ),
        "{s}"
    );
    assert!(
        m.ends_with(
            "WHERE EXISTS(SELECT `symbol` FROM `expr_watch` WHERE `symbol` = ?) AND `trades` < (SELECT MAX(`trades`) FROM `expr_bars`)"
        ),
        "{m}"
    );
    assert!(
        p.ends_with(
            r#"WHERE EXISTS(SELECT "symbol" FROM "expr_watch" WHERE "symbol" = $1) AND "trades" < (SELECT MAX("trades") FROM "expr_bars")"#
        ),
        "{p}"
    );
}

fn bars_max() -> athanor::query::Select<athanor::Row> {
    athanor::query::select(Bar::table()).columns([Bar::TRADES.max()])
}

#[test]
fn limit_inside_in_subquery_is_refused_on_mysql_only() {
    let watched = athanor::query::select(Watch::table()).columns([Watch::SYMBOL]).limit(1);
    let q = bars().filter(Bar::SYMBOL.in_subquery(&watched));
    let [s, m, p] = engines();
    assert!(s.compile(&q).is_ok() && p.compile(&q).is_ok());
    assert!(matches!(m.compile(&q), Err(Error::Unsupported { .. })));
}

#[test]
fn upsert_with_expressions() {
    let row = bar(1, "BTC", dec!(2), dec!(1), dec!(5), 3, 1.5, None, None);
    let q = row.insert().on_conflict([Bar::ID]).on_conflict_set(Bar::VOLUME, Bar::VOLUME + excluded(Bar::VOLUME));
    let [s3, _, p3] = engines();
    let (s, sp) = s3.compile(&q).unwrap().sql().map(|q| (q.sql.clone(), q.params.clone())).unwrap();
    let (p, pp) = p3.compile(&q).unwrap().sql().map(|q| (q.sql.clone(), q.params.clone())).unwrap();
    assert!(
        s.ends_with(r#" ON CONFLICT ("id") DO UPDATE SET "volume" = athanor_fit_decimal(athanor_add("expr_bars"."volume", "excluded"."volume") COLLATE "athanor_decimal", 20, 8)"#),
        "{s}"
    );
    assert!(
        p.ends_with(r#" ON CONFLICT ("id") DO UPDATE SET "volume" = CAST("expr_bars"."volume" + "excluded"."volume" AS NUMERIC(20, 8))"#),
        "{p}"
    );
    assert_eq!(sp.len(), 10);
    assert_eq!(pp.len(), 10);
    // MySQL names no target.
    let q = row.insert().on_conflict_set(Bar::VOLUME, Bar::VOLUME + excluded(Bar::VOLUME)).on_conflict_set(Bar::TRADES, 0i64);
    let (m, mp) = engines()[1].compile(&q).unwrap().sql().map(|q| (q.sql.clone(), q.params.clone())).unwrap();
    assert!(
        m.ends_with(" ON DUPLICATE KEY UPDATE `volume` = CAST(`expr_bars`.`volume` + VALUES(`volume`) AS DECIMAL(20, 8)), `trades` = ?"),
        "{m}"
    );
    assert_eq!(mp.len(), 11);
    assert_eq!(mp[10], Value::I64(0));
}

#[test]
fn excluded_outside_an_upsert_is_an_error() {
    for e in engines() {
        let q = bars().filter(excluded(Bar::TRADES).eq(1i64));
        assert!(matches!(e.compile(&q), Err(Error::InvalidQuery(_))));
    }
}

#[test]
fn unsigned_arithmetic_is_refused() {
    let e =
        Expr::Arith { op: ArithOp::Add, kind: ValueKind::U64, left: Box::new(Expr::column("trades")), right: Box::new(Expr::value(1u64)) };
    refused_everywhere(&bars().filter(Expr::Binary { op: athanor::ast::BinOp::Gt, left: Box::new(e), right: Box::new(Expr::value(1)) }));
    let e = Expr::Func { func: ScalarFunc::Abs, kind: ValueKind::String, args: vec![Expr::column("symbol")] };
    refused_everywhere(&bars().filter(Expr::IsNull(Box::new(e))));
}

#[test]
fn supabase_refuses_expressions_before_any_request() {
    let e = create_engine("supabase://anon:facade-key-1@xyz.supabase.co").unwrap();
    let qs = [
        bars().filter((Bar::HIGH - Bar::LOW).gt(dec!(1))).as_statement(),
        Bar::update().set(Bar::TRADES, Bar::TRADES + 1i64).filter(Bar::ID.eq(1)).as_statement(),
        bars().filter(coalesce(Bar::NOTE, "x").eq("x")).as_statement(),
        bars().filter(Bar::SYMBOL.in_subquery(&athanor::query::select(Watch::table()).columns([Watch::SYMBOL]))).as_statement(),
        bar(1, "B", dec!(1), dec!(1), dec!(1), 1, 1.0, None, None).insert().on_conflict_set(Bar::TRADES, Bar::TRADES + 1i64).as_statement(),
    ];
    for q in qs {
        let q = q.unwrap();
        assert!(matches!(e.compile(&q), Err(Error::Unsupported { .. })), "{q:?}");
    }
}
