//! Row locks: `FOR UPDATE / FOR SHARE [NOWAIT | SKIP LOCKED]`, checked against the dialect's
//! [`RowLockCaps`](crate::RowLockCaps) before any I/O and appended to the compiled SELECT.

use super::expr::ExprCompiler;
use crate::ast::{Expr, JoinKind, LockStrength, LockWait, RowLock, Select, SelectKind};
use crate::error::{Error, Result};

/// The clause for `lock` on `s` (with its leading space), or why the dialect cannot lock so.
pub(super) fn lock_clause(ec: &ExprCompiler<'_>, s: &Select, lock: RowLock) -> Result<&'static str> {
    let caps = &ec.caps.locks;
    if !caps.supported {
        let why = if ec.dialect == "sqlite" {
            "row locks (FOR UPDATE/FOR SHARE): SQLite has none, a write transaction locks the whole database"
        } else {
            "row locks (FOR UPDATE/FOR SHARE)"
        };
        return Err(Error::unsupported(ec.dialect, why));
    }
    if s.kind != SelectKind::Rows {
        return Err(Error::InvalidQuery("count()/exists() with a row lock: lock the rows with all(), one() or first()".into()));
    }
    match lock.wait {
        LockWait::NoWait if !caps.nowait => return Err(Error::unsupported(ec.dialect, "NOWAIT on this server version")),
        LockWait::SkipLocked if !caps.skip_locked => return Err(Error::unsupported(ec.dialect, "SKIP LOCKED on this server version")),
        _ => {}
    }
    if !caps.with_grouping && groups(s) {
        return Err(Error::unsupported(ec.dialect, "a row lock with DISTINCT, GROUP BY, HAVING or aggregates"));
    }
    if !caps.with_outer_join && s.joins.iter().any(|j| j.kind == JoinKind::Left) {
        return Err(Error::unsupported(ec.dialect, "a row lock with a LEFT JOIN (the nullable side cannot be locked)"));
    }
    Ok(match (lock.strength, caps.share_mode_syntax, lock.wait) {
        (LockStrength::Update, _, LockWait::Wait) => " FOR UPDATE",
        (LockStrength::Update, _, LockWait::NoWait) => " FOR UPDATE NOWAIT",
        (LockStrength::Update, _, LockWait::SkipLocked) => " FOR UPDATE SKIP LOCKED",
        (LockStrength::Share, false, LockWait::Wait) => " FOR SHARE",
        (LockStrength::Share, false, LockWait::NoWait) => " FOR SHARE NOWAIT",
        (LockStrength::Share, false, LockWait::SkipLocked) => " FOR SHARE SKIP LOCKED",
        (LockStrength::Share, true, LockWait::Wait) => " LOCK IN SHARE MODE",
        (LockStrength::Share, true, LockWait::NoWait) => " LOCK IN SHARE MODE NOWAIT",
        (LockStrength::Share, true, LockWait::SkipLocked) => " LOCK IN SHARE MODE SKIP LOCKED",
    })
}

/// DISTINCT, GROUP BY, HAVING or an aggregate in the select list.
fn groups(s: &Select) -> bool {
    let mut aggregate = false;
    for item in &s.columns {
        item.expr.walk(&mut |e| aggregate |= matches!(e, Expr::Agg { .. }));
    }
    aggregate || s.distinct || !s.group_by.is_empty() || s.having.is_some()
}
