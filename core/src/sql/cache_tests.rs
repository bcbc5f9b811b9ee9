//! Tests of the shape cache: hits, misses, NULLs, arrays and constants the compiler adds.

use super::super::{compile, compile_uncached, SqlDialect};
use crate::ast::{Delete, Expr, SelectItem, SelectKind, Statement, Update};
use crate::dialect::Capabilities;
use crate::query::col;
use crate::value::Value;

fn statements(salt: i64) -> Vec<Statement> {
    let v = |x: i64| Value::I64(x + salt);
    let base = crate::ast::Select { table: "t".into(), ..Default::default() };
    let sel = |f: Expr| Statement::Select(crate::ast::Select { filter: Some(f), ..base.clone() });
    vec![
        sel(col("a").eq(v(1)).and(col("b").gt(v(2)).or(col("c").lt(v(3))))),
        sel(col("a").in_list([v(1), v(2), v(3)]).and(!col("b").like(format!("x{salt}%")))),
        sel(col("a").in_list(Vec::<Value>::new()).or(col("b").not_in_list(Vec::<Value>::new()))),
        sel(col("a").between(v(1), v(9)).and(col("n").is_null()).and(col("m").is_not_null())),
        sel(col("name").ilike(format!("%{salt}")).and(Expr::And(vec![])).and(Expr::Or(vec![]))),
        Statement::Select(crate::ast::Select {
            columns: vec![SelectItem { expr: col("a").expr(), alias: None }, SelectItem { expr: col("b").max(), alias: Some("hi".into()) }],
            group_by: vec![col("a").expr()],
            having: Some(col("b").max().binary(crate::ast::BinOp::Gt, Expr::Value(v(5)))),
            // (An ungrouped `b` would be refused: see `grouping`.)
            order_by: vec![col("a").desc().nulls_last(), col("b").max().asc().nulls_first()],
            limit: Some(10 + salt as u64),
            offset: Some(5 + salt as u64),
            ..base.clone()
        }),
        Statement::Select(crate::ast::Select { offset: Some(3 + salt as u64), ..base.clone() }),
        Statement::Select(crate::ast::Select { kind: SelectKind::Count, filter: Some(col("a").eq(v(1))), ..base.clone() }),
        Statement::Select(crate::ast::Select { kind: SelectKind::Count, limit: Some(7), filter: Some(col("a").eq(v(1))), ..base.clone() }),
        Statement::Select(crate::ast::Select { kind: SelectKind::Exists, filter: Some(col("a").eq(v(1))), ..base.clone() }),
        Statement::Select(crate::ast::Select { distinct: true, ..base.clone() }),
        Statement::Update(Update {
            table: "t".into(),
            set: vec![("a".into(), Expr::Value(v(1))), ("b".into(), Expr::Value(Value::Null))],
            filter: Some(col("id").eq(v(7))),
            ..Default::default()
        }),
        Statement::Delete(Delete { table: "t".into(), filter: Some(col("id").in_list([v(1), v(2)])), ..Default::default() }),
        Statement::Delete(Delete { table: "t".into(), all_rows: true, ..Default::default() }),
    ]
}

#[test]
fn cached_compilation_equals_direct_compilation() {
    let caps = Capabilities::SQL;
    let mysql = SqlDialect { name: "cache-test-mysql", caps: &caps, builder: || sea_query::MysqlQueryBuilder };
    let sqlite = SqlDialect { name: "cache-test-sqlite", caps: &caps, builder: || sea_query::SqliteQueryBuilder };
    // Salt 0 fills the cache (misses); the other salts hit it with different values.
    for salt in [0, 1, 42] {
        for stmt in statements(salt) {
            assert_eq!(compile(&mysql, &stmt).unwrap(), compile_uncached(&mysql, &stmt).unwrap(), "{stmt:?}");
            assert_eq!(compile(&sqlite, &stmt).unwrap(), compile_uncached(&sqlite, &stmt).unwrap(), "{stmt:?}");
        }
    }
}

#[test]
fn a_null_value_never_reuses_the_shape_of_a_value() {
    use crate::ast::BinOp;
    let caps = Capabilities::SQL;
    let d = SqlDialect { name: "cache-test-null", caps: &caps, builder: || sea_query::SqliteQueryBuilder };
    // Built by hand, so the builders' own `eq(None)` rewrite does not apply.
    let cmp = |op: BinOp, v: Value| Expr::Binary { op, left: Box::new(col("a").expr()), right: Box::new(Expr::Value(v)) };
    let sel = |e: Expr| Statement::Select(crate::ast::Select { table: "t".into(), filter: Some(e), ..Default::default() });
    for _ in 0..2 {
        let q = compile(&d, &sel(cmp(BinOp::Eq, Value::I64(1)))).unwrap();
        assert_eq!(q.sql().unwrap().sql, r#"SELECT * FROM "t" WHERE "a" = ?"#);
        let q = compile(&d, &sel(cmp(BinOp::Eq, Value::Null))).unwrap();
        assert_eq!((q.sql().unwrap().sql.as_str(), q.sql().unwrap().params.len()), (r#"SELECT * FROM "t" WHERE "a" IS NULL"#, 0));
        let q = compile(&d, &sel(cmp(BinOp::Ne, Value::Null))).unwrap();
        assert_eq!(q.sql().unwrap().sql, r#"SELECT * FROM "t" WHERE "a" IS NOT NULL"#);
        // Other comparisons keep SQL's meaning: the NULL is bound.
        let q = compile(&d, &sel(cmp(BinOp::Lt, Value::Null))).unwrap();
        assert_eq!(
            (q.sql().unwrap().sql.as_str(), q.sql().unwrap().params.clone()),
            (r#"SELECT * FROM "t" WHERE "a" < ?"#, vec![Value::Null])
        );
        let q = compile(&d, &sel(cmp(BinOp::Lt, Value::I64(3)))).unwrap();
        assert_eq!(q.sql().unwrap().params, vec![Value::I64(3)]);
        // NULL in a SET is a value like any other, with the same answer from the cache.
        let upd = |v: Value| {
            Statement::Update(Update {
                table: "t".into(),
                set: vec![("a".into(), Expr::Value(v))],
                filter: Some(col("id").eq(1)),
                ..Default::default()
            })
        };
        for v in [Value::Null, Value::I64(4), Value::Null] {
            assert_eq!(compile(&d, &upd(v.clone())).unwrap(), compile_uncached(&d, &upd(v)).unwrap());
        }
    }
}

#[test]
fn different_shapes_never_share_an_entry() {
    let caps = Capabilities::SQL;
    let d = SqlDialect { name: "cache-test-shapes", caps: &caps, builder: || sea_query::SqliteQueryBuilder };
    let all: Vec<String> = statements(0).iter().map(|s| compile(&d, s).unwrap().sql().unwrap().sql.clone()).collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn array_in_lists_share_one_shape_whatever_their_length() {
    let caps = Capabilities { array_params: true, ..Capabilities::SQL };
    let d = SqlDialect { name: "cache-test-arrays", caps: &caps, builder: || sea_query::SqliteQueryBuilder };
    let sel = |e: Expr| Statement::Select(crate::ast::Select { table: "t".into(), filter: Some(e), ..Default::default() });
    let ints = |n: i64| (0..n).map(Value::I64).collect::<Vec<_>>();
    for _ in 0..2 {
        for n in [1, 2, 5000] {
            for negated in [false, true] {
                let list = ints(n);
                let e = if negated { col("a").not_in_list(list.clone()) } else { col("a").in_list(list.clone()) };
                let q = compile(&d, &sel(e.clone().and(col("b").eq(7)))).unwrap();
                let want = if negated {
                    r#"SELECT * FROM "t" WHERE ("a" <> ALL(?)) AND "b" = ?"#
                } else {
                    r#"SELECT * FROM "t" WHERE ("a" = ANY(?)) AND "b" = ?"#
                };
                assert_eq!(q.sql().unwrap().sql, want);
                assert_eq!(q.sql().unwrap().params, vec![Value::Array(list), Value::I64(7)]);
                assert_eq!(q, compile_uncached(&d, &sel(e.and(col("b").eq(7)))).unwrap());
            }
        }
        // NULL items stay in the array; an empty or all-NULL list keeps the plain form.
        let with_null = vec![Value::I64(1), Value::Null];
        let q = compile(&d, &sel(col("a").in_list(with_null.clone()))).unwrap();
        assert_eq!(q.sql().unwrap().params, vec![Value::Array(with_null)]);
        let q = compile(&d, &sel(col("a").in_list(Vec::<Value>::new()))).unwrap();
        assert_eq!(q.sql().unwrap().sql, r#"SELECT * FROM "t" WHERE ? = ?"#);
        let q = compile(&d, &sel(col("a").in_list([Value::Null, Value::Null]))).unwrap();
        assert_eq!(q.sql().unwrap().sql, r#"SELECT * FROM "t" WHERE "a" IN (?, ?)"#);
        // Mixed kinds: a plain IN, compiled every time.
        let mixed = sel(col("a").in_list([Value::I64(1), Value::F64(2.5)]));
        let q = compile(&d, &mixed).unwrap();
        assert_eq!(q.sql().unwrap().sql, r#"SELECT * FROM "t" WHERE "a" IN (?, ?)"#);
        assert_eq!(q, compile_uncached(&d, &mixed).unwrap());
        // A user's array value is refused, cached path or not.
        let arr = Expr::Binary {
            op: crate::ast::BinOp::Eq,
            left: Box::new(col("a").expr()),
            right: Box::new(Expr::Value(Value::Array(ints(2)))),
        };
        assert!(matches!(compile(&d, &sel(arr)), Err(crate::error::Error::Unsupported { .. })));
    }
}
