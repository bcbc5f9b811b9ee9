//! Subqueries and joins: NOT IN over NULLs, correlated EXISTS, scalar subqueries of no row and of
//! several rows, LEFT JOIN on a NULL or dangling key.

use super::{ids, Check, Hv, Tag};
use athanor::prelude::*;
use athanor::query::{exists, scalar_subquery, select};

pub async fn check(e: &Engine, c: &mut Check) {
    let tagged = select(Tag::table()).columns([Tag::ROW_ID]);
    let tagged_some = select(Tag::table()).columns([Tag::ROW_ID]).filter(Tag::ROW_ID.is_not_null());
    c.ok("IN (subquery with NULL)", ids(e, Hv::ID.in_subquery(&tagged)).await, vec![1, 5]);
    c.ok("NOT IN (subquery with NULL) matches nothing", ids(e, Hv::ID.not_in_subquery(&tagged)).await, vec![]);
    c.ok("NOT IN (subquery without NULL)", ids(e, Hv::ID.not_in_subquery(&tagged_some)).await, vec![2, 3, 4, 6, 7, 8]);
    c.ok("NULL IN (…)", ids(e, Hv::P.in_subquery(&tagged_some)).await, vec![2]);
    c.ok("NOT (NULL NOT IN (…))", ids(e, Hv::P.not_in_subquery(&tagged_some).not()).await, vec![2]);
    c.ok(
        "empty subquery: NOT IN matches all",
        ids(e, Hv::ID.not_in_subquery(&tagged_some.clone().filter(Tag::ID.lt(0)))).await,
        (1..=8).collect::<Vec<_>>(),
    );

    // Correlated EXISTS / NOT EXISTS.
    let tags_of_row = select(Tag::table()).columns([Tag::ID]).filter(Tag::ROW_ID.eq(Hv::ID));
    c.ok("correlated EXISTS", ids(e, exists(&tags_of_row)).await, vec![1, 5]);
    c.ok("correlated NOT EXISTS", ids(e, exists(&tags_of_row).not()).await, vec![2, 3, 4, 6, 7, 8]);

    // Scalar subqueries: no row is NULL; more than one row is an error everywhere.
    let none = select(Tag::table()).columns([Tag::ROW_ID]).filter(Tag::ID.lt(0));
    c.ok("scalar subquery of no row", ids(e, Hv::N.gt(scalar_subquery::<Option<i64>, _>(&none))).await, vec![]);
    c.ok("scalar subquery of no row, IS NULL", ids(e, scalar_subquery::<Option<i64>, _>(&none).is_null().and(Hv::ID.eq(1))).await, vec![1]);
    let many = select(Tag::table()).columns([Tag::ROW_ID]).filter(Tag::ROW_ID.is_not_null()).order_by(Tag::ID);
    c.err("scalar subquery of several rows", ids(e, Hv::N.eq(scalar_subquery::<Option<i64>, _>(&many))).await);
    c.ok("scalar subquery with LIMIT 1", ids(e, Hv::ID.eq(scalar_subquery::<i64, _>(&many.clone().limit(1)))).await, vec![1]);
    c.ok("scalar subquery of its last row", ids(e, Hv::ID.eq(scalar_subquery::<i64, _>(&many.clone().offset(2).limit(5)))).await, vec![5]);
    c.err("scalar subquery of two rows after OFFSET", ids(e, Hv::ID.eq(scalar_subquery::<i64, _>(&many.clone().offset(1).limit(5)))).await);
    let tag_of_row = select(Tag::table()).columns([Tag::ID]).filter(Tag::ROW_ID.eq(Hv::ID));
    c.err(
        "correlated scalar subquery of two rows for one outer row",
        ids(e, scalar_subquery::<Option<i64>, _>(&tag_of_row).gt(0i64)).await,
    );
    c.ok(
        "correlated scalar subquery of at most one row",
        ids(e, scalar_subquery::<Option<i64>, _>(&tag_of_row.clone().filter(Hv::ID.ne(1))).ge(4i64)).await,
        vec![5],
    );
    let count_tags = select(Tag::table()).columns([Tag::ID.count()]).filter(Tag::ROW_ID.eq(Hv::ID));
    c.ok("correlated scalar COUNT", ids(e, scalar_subquery::<i64, _>(&count_tags).ge(2i64)).await, vec![1]);

    // LEFT JOIN on a NULL or dangling key: None; ordering by the joined side puts NULLs where asked.
    let joined = Hv::select().left_join_as::<Hv>("parent", Hv::P.eq(Hv::ID.of_alias("parent"))).order_by(Hv::ID);
    c.ok(
        "LEFT JOIN with NULL and dangling keys",
        joined.all(e).await.map(|v| v.into_iter().map(|(h, p)| (h.id, p.map(|p| p.id))).collect::<Vec<_>>()),
        vec![(1, None), (2, Some(1)), (3, None), (4, None), (5, Some(2)), (6, None), (7, Some(6)), (8, None)],
    );
    let by_parent = Hv::select()
        .left_join_as::<Hv>("parent", Hv::P.eq(Hv::ID.of_alias("parent")))
        .order_by(Hv::N.of_alias("parent").asc().nulls_first())
        .order_by(Hv::ID);
    c.ok(
        "ORDER BY a joined nullable column, NULLS FIRST",
        by_parent.all(e).await.map(|v| v.into_iter().map(|(h, _)| h.id).collect::<Vec<_>>()),
        vec![1, 3, 4, 6, 7, 8, 5, 2],
    );
    let by_parent_last = Hv::select()
        .left_join_as::<Hv>("parent", Hv::P.eq(Hv::ID.of_alias("parent")))
        .order_by(Hv::N.of_alias("parent").desc().nulls_last())
        .order_by(Hv::ID);
    c.ok(
        "ORDER BY a joined nullable column DESC, NULLS LAST",
        by_parent_last.all(e).await.map(|v| v.into_iter().map(|(h, _)| h.id).collect::<Vec<_>>()),
        vec![2, 5, 1, 3, 4, 6, 7, 8],
    );
    // A NOT NULL column of the LEFT JOINed side is NULL where nothing matched: its plain asc()/desc()
    // puts those NULLs first/last (smallest) on every dialect too.
    let by_id = |desc: bool| {
        let key = Hv::ID.of_alias("parent");
        Hv::select()
            .left_join_as::<Hv>("parent", Hv::P.eq(Hv::ID.of_alias("parent")))
            .order_by(if desc { key.desc() } else { key.asc() })
            .order_by(Hv::ID)
    };
    let order = |v: athanor::Result<Vec<(Hv, Option<Hv>)>>| v.map(|v| v.into_iter().map(|(h, _)| h.id).collect::<Vec<_>>());
    c.ok("ORDER BY a left-joined NOT NULL column", order(by_id(false).all(e).await), vec![1, 3, 4, 6, 8, 2, 5, 7]);
    c.ok("ORDER BY a left-joined NOT NULL column DESC", order(by_id(true).all(e).await), vec![7, 5, 2, 1, 3, 4, 6, 8]);
    let by_tag = Hv::select().left_join::<Tag>(Tag::ROW_ID.eq(Hv::ID)).order_by(Tag::ID.asc()).order_by(Hv::ID);
    c.ok(
        "ORDER BY a left-joined table's NOT NULL column",
        by_tag.all(e).await.map(|v| v.into_iter().map(|(h, t)| (h.id, t.map(|t| t.id))).collect::<Vec<_>>()),
        vec![(2, None), (3, None), (4, None), (6, None), (7, None), (8, None), (1, Some(1)), (1, Some(2)), (5, Some(4))],
    );
    let inner = Hv::select().inner_join::<Tag>(Tag::ROW_ID.eq(Hv::ID)).order_by(Tag::ID);
    c.ok(
        "INNER JOIN skips the NULL key",
        inner.all(e).await.map(|v| v.into_iter().map(|(h, t)| (h.id, t.id)).collect::<Vec<_>>()),
        vec![(1, 1), (1, 2), (5, 4)],
    );
    c.ok("count() of a LEFT JOIN", Hv::select().left_join::<Tag>(Tag::ROW_ID.eq(Hv::ID)).count(e).await, 9);
}
