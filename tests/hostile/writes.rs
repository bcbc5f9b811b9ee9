//! UPDATE/DELETE … RETURNING: the rows as they are after the write, the same on every dialect
//! that has it; `Unsupported` before the statement is sent where the server lacks it.

use super::{Check, Hv};
use athanor::prelude::*;

/// `(id, t, n)` of a returned row.
type Short = (i64, Option<String>, Option<i64>);

fn sorted(v: athanor::Result<Vec<Hv>>) -> athanor::Result<Vec<Short>> {
    v.map(|mut v| {
        v.sort_by_key(|h| h.id);
        v.into_iter().map(|h| (h.id, h.t, h.n)).collect()
    })
}

/// What a dialect says about UPDATE … RETURNING: rows, or `Unsupported` (MariaDB, MySQL).
fn update_returning_refused(e: &Engine) -> bool {
    e.dialect() == "mysql"
}

/// UPDATE (to a value) and DELETE … RETURNING on a dialect that has both, expressions aside
/// (Supabase): the same rows as [`check`] gives on SQLite and PostgreSQL.
pub async fn plain(e: &Engine, c: &mut Check) {
    let upd = Hv::update().set(Hv::T, Some("x".to_string())).filter(Hv::N.lt(0i64)).returning().all(e).await;
    let want = vec![(2, Some("x".into()), Some(-7)), (5, Some("x".into()), Some(-2)), (7, Some("x".into()), Some(i64::MIN))];
    c.ok("UPDATE … RETURNING", sorted(upd), want);
    let del = Hv::delete().filter(Hv::G.eq(4)).returning().all(e).await;
    c.ok("DELETE … RETURNING", sorted(del), vec![(7, Some("x".into()), Some(i64::MIN)), (8, Some("".into()), Some(0))]);
    c.ok("rows left", Hv::select().count(e).await, 6);
}

pub async fn check(e: &Engine, c: &mut Check) {
    let refused = update_returning_refused(e);
    let upd = Hv::update().set(Hv::T, Some("x".to_string())).filter(Hv::N.lt(0i64)).returning().all(e).await;
    if refused {
        if !matches!(upd, Err(athanor::Error::Unsupported { .. })) {
            c.failures.push(format!("[{}] UPDATE … RETURNING: got {upd:?}, expected Unsupported", c.dialect));
        }
        c.ok("nothing was updated", Hv::select().filter(Hv::T.eq("x")).count(e).await, 0);
    } else {
        let want = vec![(2, Some("x".into()), Some(-7)), (5, Some("x".into()), Some(-2)), (7, Some("x".into()), Some(i64::MIN))];
        c.ok("UPDATE … RETURNING", sorted(upd), want);
        let plus = Hv::update().set(Hv::N, Hv::N + 1i64).filter(Hv::ID.eq(2)).returning().all(e).await;
        c.ok("UPDATE … SET n = n + 1 RETURNING", sorted(plus), vec![(2, Some("x".into()), Some(-6))]);
        let nothing = Hv::update().set(Hv::N, Hv::N + 1i64).filter(Hv::ID.lt(0)).returning().all(e).await;
        c.ok("UPDATE … RETURNING of no row", sorted(nothing), vec![]);
        let overflow = Hv::update().set(Hv::N, Hv::N + 1i64).filter(Hv::ID.le(2)).returning().all(e).await;
        c.err("UPDATE … RETURNING past i64", overflow);
        c.ok("the failed update changed nothing", Hv::get_by_key(2i64).one(e).await.map(|h| h.n), Some(-6));
    }
    let del = Hv::delete().filter(Hv::G.eq(4)).returning().all(e).await;
    let t7 = if refused { "A" } else { "x" };
    c.ok("DELETE … RETURNING", sorted(del), vec![(7, Some(t7.into()), Some(i64::MIN)), (8, Some("".into()), Some(0))]);
    c.ok("DELETE … RETURNING of no row", sorted(Hv::delete().filter(Hv::G.eq(4)).returning().all(e).await), vec![]);
    c.ok("rows left", Hv::select().count(e).await, 6);
}
