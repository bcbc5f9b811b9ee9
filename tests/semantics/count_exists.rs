//! `count()` and `exists()` answer for the rows the query returns: GROUP BY, HAVING (with and
//! without GROUP BY), aggregates, LIMIT, OFFSET and DISTINCT are all kept.

use super::support::both;
use athanor::ast::{BinOp, Expr};
use athanor::prelude::*;
use athanor::select;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "sem_items")]
pub struct Item {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(max_len = 8)]
    pub grp: String,
    pub n: i64,
}

fn gt(left: Expr, v: i64) -> Expr {
    Expr::Binary { op: BinOp::Gt, left: Box::new(left), right: Box::new(Expr::value(v)) }
}

#[tokio::test]
async fn count_and_exists_of_the_rows_returned() {
    for db in both(&[Item::table()]).await {
        let (e, name) = (&db.engine, db.name);
        let rows: Vec<Item> = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("b", 5), ("c", 6)]
            .iter()
            .map(|(g, n)| Item { id: 0, grp: (*g).into(), n: *n })
            .collect();
        Item::insert_many(&rows).execute(e).await.unwrap();
        let t = Item::table();
        let groups = || select(t).columns([col("grp")]).group_by([col("grp")]);

        // Each case: the query, and how many rows it returns (checked with .all first).
        let cases: Vec<(&str, athanor::query::Select<athanor::Row>, u64)> = vec![
            ("group by", groups(), 3),
            (
                "group by + having",
                groups().having(gt(Expr::Agg { func: athanor::ast::AggFunc::Count, arg: None, kind: athanor::ValueKind::Any }, 1)),
                2,
            ),
            ("group by + having none", groups().having(gt(col("n").max(), 100)), 0),
            ("aggregate", select(t).columns([col("n").max()]), 1),
            ("having without group by, true", select(t).columns([col("n").max()]).having(gt(col("n").max(), 5)), 1),
            ("having without group by, false", select(t).columns([col("n").max()]).having(gt(col("n").max(), 100)), 0),
            ("limit", select(t).limit(2), 2),
            ("limit 0", select(t).limit(0), 0),
            ("offset", select(t).offset(4), 2),
            ("offset past the end", select(t).offset(6), 0),
            ("limit + offset", select(t).filter(col("grp").eq("a")).order_by(col("n")).limit(5).offset(2), 1),
            ("distinct", select(t).columns([col("grp")]).distinct(), 3),
            ("distinct + filter", select(t).columns([col("grp")]).filter(col("n").gt(3)).distinct(), 2),
            ("group by + limit", groups().limit(2).offset(2), 1),
        ];
        for (what, q, want) in cases {
            let all = q.clone().all(e).await.unwrap_or_else(|err| panic!("{name} {what}: all: {err}"));
            assert_eq!(all.len() as u64, want, "{name} {what}: rows returned");
            assert_eq!(q.clone().count(e).await.unwrap_or_else(|err| panic!("{name} {what}: {err}")), want, "{name} {what}: count");
            assert_eq!(q.exists(e).await.unwrap_or_else(|err| panic!("{name} {what}: {err}")), want > 0, "{name} {what}: exists");
        }
        // Model queries too.
        assert_eq!(Item::select().offset(5).count(e).await.unwrap(), 1, "{name}");
        assert!(!Item::select().filter(Item::GRP.eq("a")).offset(3).exists(e).await.unwrap(), "{name}");
        assert!(Item::select().filter(Item::GRP.eq("a")).offset(2).exists(e).await.unwrap(), "{name}");
        db.finish().await;
    }
}
