//! IN lists as one array parameter (`= ANY($1)` / `<> ALL($1)`) against the local PostgreSQL:
//! the same rows as a literal `IN (…)` / `NOT IN (…)`, NULLs in the list and in the column
//! included, and one statement shape whatever the list's length.

mod common;

use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, insert_into, select, text, Value};

async fn ids(rows: Vec<athanor_core::Row>) -> Vec<i64> {
    rows.iter().map(|r| r.get::<i64>("id").unwrap()).collect()
}

#[tokio::test]
async fn any_and_all_answer_what_in_and_not_in_answer() {
    let e = common::engine();
    let name = common::unique("pg_any");
    let t = Table::new(name.clone())
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("v", ColumnType::I32).nullable())
        .column(ColumnDef::new("s", ColumnType::String { max_len: Some(20) }).nullable())
        .column(ColumnDef::new("d", ColumnType::Decimal { precision: Some(10), scale: Some(2) }).nullable())
        .primary_key(["id"]);
    e.create_all(&[&t]).await.unwrap();
    let mut ins = insert_into(&t).columns(["id", "v", "s", "d"]);
    for i in 0..12i64 {
        let null = i % 4 == 3;
        let v = if null { Value::Null } else { Value::I64(i) };
        let s = if null { Value::Null } else { Value::from(format!("s{i}'\\")) };
        let d = if null { Value::Null } else { Value::Decimal(rust_decimal::Decimal::new(i * 100 + 5, 2)) };
        ins = ins.values([Value::I64(i), v, s, d]);
    }
    ins.execute(&e).await.unwrap();

    let long: Vec<Value> = (0..5000).map(|k| Value::I64(k * 2)).collect();
    let lists: Vec<Vec<Value>> = vec![
        vec![],
        vec![Value::Null],
        vec![Value::I64(1)],
        vec![Value::I64(1), Value::Null],
        vec![Value::I64(1), Value::I64(2), Value::I64(100)],
        vec![Value::Null, Value::Null],
        long.clone(),
        long.iter().cloned().chain([Value::Null]).collect(),
    ];
    let literal =
        |l: &[Value]| l.iter().map(|v| if let Value::I64(i) = v { i.to_string() } else { "NULL".into() }).collect::<Vec<_>>().join(", ");
    for list in &lists {
        for negated in [false, true] {
            let filter = if negated { col("v").not_in_list(list.clone()) } else { col("v").in_list(list.clone()) };
            let q = select(&t).columns([col("id")]).filter(filter.clone()).order_by(col("id").asc());
            let got = ids(q.all(&e).await.unwrap()).await;
            let got_not = ids(select(&t).columns([col("id")]).filter(!filter).order_by(col("id").asc()).all(&e).await.unwrap()).await;
            let (want, want_not) = if list.is_empty() {
                // `IN ()` is not SQL: an empty IN is false, an empty NOT IN true, NULL column or not.
                let all: Vec<i64> = (0..12).collect();
                if negated {
                    (all, vec![])
                } else {
                    (vec![], all)
                }
            } else {
                let op = if negated { "NOT IN" } else { "IN" };
                let w =
                    text(format!("SELECT id FROM \"{name}\" WHERE v {op} ({}) ORDER BY id", literal(list))).fetch_all(&e).await.unwrap();
                let wn = text(format!("SELECT id FROM \"{name}\" WHERE NOT (v {op} ({})) ORDER BY id", literal(list)))
                    .fetch_all(&e)
                    .await
                    .unwrap();
                (ids(w).await, ids(wn).await)
            };
            assert_eq!(got, want, "{} {negated}", literal(list).chars().take(40).collect::<String>());
            assert_eq!(got_not, want_not, "NOT of {} {negated}", literal(list).chars().take(40).collect::<String>());
        }
    }

    // One shape whatever the length; other kinds of values bind their own array type.
    let sql_of = |n: i64| {
        let l: Vec<Value> = (0..n).map(Value::I64).collect();
        e.compile(&select(&t).columns([col("id")]).filter(col("v").in_list(l))).unwrap().sql().unwrap().clone()
    };
    let (a, b) = (sql_of(2), sql_of(70_000));
    assert_eq!(a.sql, b.sql);
    assert_eq!(a.sql, format!(r#"SELECT "id" FROM "{name}" WHERE "v" = ANY($1)"#));
    assert_eq!(b.params.len(), 1);
    let in_list = |c: &'static str, l: Vec<Value>| select(&t).columns([col("id")]).filter(col(c).in_list(l)).order_by(col("id").asc());
    let got = ids(in_list("v", (0..70_000).map(Value::I64).collect()).all(&e).await.unwrap()).await;
    assert_eq!(got, vec![0, 1, 2, 4, 5, 6, 8, 9, 10]);
    let got = ids(in_list("s", vec![Value::from("s1'\\"), Value::Null, Value::from("x")]).all(&e).await.unwrap()).await;
    assert_eq!(got, vec![1]);
    let got = ids(in_list("d", vec![Value::Decimal(rust_decimal::Decimal::new(205, 2)), Value::I64(9)]).all(&e).await.unwrap()).await;
    assert_eq!(got, vec![2], "integers and decimals mixed: a plain IN");
    let got =
        ids(in_list("d", vec![Value::Decimal(rust_decimal::Decimal::new(205, 2)), Value::Decimal(rust_decimal::Decimal::new(9050, 3))])
            .all(&e)
            .await
            .unwrap())
        .await;
    assert_eq!(got, vec![2, 9], "decimals compare by value, whatever their scale");
    e.drop_all(&[&t]).await.unwrap();
}
