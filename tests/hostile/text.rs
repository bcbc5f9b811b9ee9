//! Text: case mapping beyond ASCII and the BMP, lengths with trailing spaces, exact equality,
//! and MIN/MAX of text that looks like numbers.

use super::{column, ids, Check, Hv};
use athanor::prelude::*;
use athanor::query::{case_when, cast, coalesce, length, lower, upper};

fn s(v: &[Option<&str>]) -> Vec<Option<String>> {
    v.iter().map(|o| o.map(Into::into)).collect()
}

pub async fn check(e: &Engine, c: &mut Check) {
    // MariaDB's case tables stop at the BMP (and at its Unicode version): a documented difference
    // (README, "Text and values"), asserted so that a change is noticed.
    let deseret = if e.dialect() == "mysql" { "𐐀σασ" } else { "𐐨σασ" };
    c.ok(
        "lower",
        column::<Option<String>>(e, lower(Hv::T)).await,
        s(&[Some("9"), Some("10"), Some("straße"), Some(deseret), Some("ab  "), None, Some("a"), Some("")]),
    );
    let folded = if e.dialect() == "mysql" { vec![] } else { vec![4] };
    c.ok("ilike beyond the BMP", ids(e, Hv::T.ilike("𐐨%")).await, folded);
    c.ok("ilike of Σ", ids(e, Hv::T.ilike("%σας")).await, vec![]);
    c.ok("ilike of Σ (simple mapping)", ids(e, Hv::T.ilike("%σασ")).await, vec![4]);
    c.ok(
        "upper",
        column::<Option<String>>(e, upper(Hv::T)).await,
        s(&[Some("9"), Some("10"), Some("STRAßE"), Some("𐐀ΣΑΣ"), Some("AB  "), None, Some("A"), Some("")]),
    );
    c.ok(
        "length",
        column::<Option<i64>>(e, length(Hv::T)).await,
        vec![Some(1), Some(2), Some(6), Some(4), Some(4), None, Some(1), Some(0)],
    );
    c.ok("eq without trailing spaces", ids(e, Hv::T.eq("ab")).await, vec![]);
    c.ok("eq with trailing spaces", ids(e, Hv::T.eq("ab  ")).await, vec![5]);
    c.ok("eq is case-sensitive", ids(e, Hv::T.eq("a")).await, vec![]);
    c.ok("lower(t) = 'a'", ids(e, lower(Hv::T).eq("a")).await, vec![7]);
    c.ok("lower(t) = 'ab'", ids(e, lower(Hv::T).eq("ab")).await, vec![]);
    c.ok("length(t) = 0", ids(e, length(Hv::T).eq(Some(0i64))).await, vec![8]);
    c.ok("eq ''", ids(e, Hv::T.eq("")).await, vec![8]);

    // Text made by expressions (CAST, CASE of literals, COALESCE of literals) compares exactly
    // too, not by the connection's collation (MariaDB: utf8mb4_general_ci, case-insensitive, PAD SPACE).
    c.ok("CAST(n AS TEXT) = '-7 '", ids(e, cast::<Option<String>>(Hv::N).eq("-7 ")).await, vec![]);
    let word = || case_when::<String>(Hv::N.gt(0i64), "pos").otherwise("neg");
    c.ok("CASE … 'pos' = 'POS'", ids(e, word().eq("POS")).await, vec![]);
    c.ok("CASE … 'pos' IN ('POS')", ids(e, word().in_list(["POS"])).await, vec![]);
    c.ok("CASE … 'pos' = 'pos '", ids(e, word().eq("pos ")).await, vec![]);
    c.ok("CASE … 'pos' > 'Z'", ids(e, word().gt("Z")).await, vec![1, 2, 3, 4, 5, 6, 7, 8]);
    let ab = || case_when::<String>(Hv::ID.eq(1i64), "a").otherwise("B");
    c.ok(
        "ORDER BY CASE 'a'/'B'",
        Hv::select().order_by(ab().asc()).order_by(Hv::ID).all(e).await.map(|v| v.into_iter().map(|h| h.id).collect::<Vec<_>>()),
        vec![2, 3, 4, 5, 6, 7, 8, 1],
    );
    let aa = case_when::<String>(Hv::ID.eq(1i64), "a").otherwise("A");
    c.ok("COUNT(DISTINCT CASE 'a'/'A')", Hv::select().columns(aa.count_distinct()).one(e).await, 2);
    c.ok("coalesce(NULL, 'X') = 'x'", ids(e, coalesce(Hv::T, "X").eq("x")).await, vec![]);
    c.ok("lower(CAST(n AS TEXT)) = '-7 '", ids(e, lower(cast::<Option<String>>(Hv::N)).eq("-7 ")).await, vec![]);

    refuse_nul(e, c).await;

    // MIN/MAX of text compare as text, also in HAVING and ORDER BY ('10' < '9').
    let groups = Hv::select().columns((Hv::G, Hv::T.min(), Hv::T.max())).group_by([Hv::G]);
    c.ok(
        "min/max of text per group",
        groups.clone().order_by(Hv::G).all(e).await,
        vec![
            (1, Some("10".to_string()), Some("9".to_string())),
            (2, Some("Straße".to_string()), Some("𐐀ΣΑΣ".to_string())),
            (3, Some("ab  ".to_string()), Some("ab  ".to_string())),
            (4, Some("".to_string()), Some("A".to_string())),
        ],
    );
    let having = groups.clone().having(Hv::T.max().le("9")).order_by(Hv::G);
    c.ok("HAVING max(text) <= '9'", having.all(e).await.map(|v| v.into_iter().map(|r| r.0).collect::<Vec<_>>()), vec![1]);
    let having = groups.clone().having(Hv::T.min().lt("2")).order_by(Hv::G);
    c.ok("HAVING min(text) < '2'", having.all(e).await.map(|v| v.into_iter().map(|r| r.0).collect::<Vec<_>>()), vec![1, 4]);
    let ordered = Hv::select().columns((Hv::ID, Hv::T.max())).filter(Hv::ID.le(2)).group_by([Hv::ID]).order_by(Hv::T.max().asc());
    c.ok("ORDER BY max(text)", ordered.all(e).await.map(|v| v.into_iter().map(|r| r.0).collect::<Vec<_>>()), vec![2, 1]);
}

/// A NUL character in text: PostgreSQL can neither store nor compare it, SQLite's `length()` stops
/// at it, MariaDB and SQLite store it; refused before any I/O everywhere.
pub async fn refuse_nul(e: &Engine, c: &mut Check) {
    let nul = super::Hv { id: 99, t: Some("a\0b".into()), n: None, d: None, at: None, g: 9, p: None };
    let r = nul.clone().insert().execute(e).await;
    if !matches!(r, Err(athanor::Error::InvalidValue { .. })) {
        c.failures.push(format!("[{}] insert of text with NUL: got {r:?}, expected InvalidValue", c.dialect));
    }
    let r = Hv::update().set(Hv::T, Some("x\0".to_string())).filter(Hv::ID.eq(99)).execute(e).await;
    if !matches!(r, Err(athanor::Error::InvalidValue { .. })) {
        c.failures.push(format!("[{}] update to text with NUL: got {r:?}, expected InvalidValue", c.dialect));
    }
    for (what, f) in [("eq", Hv::T.eq("a\0b")), ("in_list", Hv::T.in_list(["x", "a\0b"])), ("like", Hv::T.like("a\0%"))] {
        let r = ids(e, f).await;
        if !matches!(r, Err(athanor::Error::InvalidQuery(_))) {
            c.failures.push(format!("[{}] {what} with a NUL: got {r:?}, expected InvalidQuery", c.dialect));
        }
    }
}
