//! [`Atomic`]: how a dialect runs a statement that compiled to several SQL statements (bulk
//! insert chunks) all or nothing, cancellation included.

use super::lifecycle::Lifecycle;
use crate::ast::Statement;
use crate::dialect::BackendConnection;
use crate::engine::TxOptions;
use crate::error::Result;

/// A transaction level a dialect opens around a multi-statement plan: BEGIN at depth 0, a
/// SAVEPOINT inside the user's transaction (so a failure undoes only this statement's rows, as
/// with a single statement, and the user's transaction goes on).
///
/// ```text
/// if Atomic::<MyConn>::needed(stmt, plan.len()) {
///     let mut scope = Atomic::begin(conn).await?;
///     let r = run_plan(scope.conn(), plan).await;
///     return scope.finish(r).await;
/// }
/// ```
///
/// Dropped before [`Atomic::finish`] completes (the future was cancelled), it rolls the level
/// back, or discards the connection when BEGIN/COMMIT was in flight: never partial rows.
pub struct Atomic<'a, C: BackendConnection> {
    conn: &'a mut C,
    life: Lifecycle,
}

impl<'a, C: BackendConnection> Atomic<'a, C> {
    /// True when `stmt`, compiled to `statements` SQL statements, must run inside an [`Atomic`]
    /// level: an INSERT split into several chunks. (A single statement is atomic by itself.)
    pub fn needed(stmt: &Statement, statements: usize) -> bool {
        statements > 1 && matches!(stmt, Statement::Insert(_))
    }

    /// Opens the level on `conn`.
    pub async fn begin(conn: &'a mut C) -> Result<Atomic<'a, C>> {
        let mut scope = Atomic { conn, life: Lifecycle::new() };
        scope.life.begin(&mut *scope.conn, &TxOptions::default()).await?;
        Ok(scope)
    }

    /// The connection, to run the plan on.
    pub fn conn(&mut self) -> &mut C {
        self.conn
    }

    /// Commits when `r` is `Ok`, rolls back when it is an error; returns `r`, or the COMMIT
    /// error (after which the level was rolled back or the connection discarded).
    pub async fn finish<T>(mut self, r: Result<T>) -> Result<T> {
        match r {
            Ok(v) => {
                self.life.commit(&mut *self.conn).await?;
                Ok(v)
            }
            Err(e) => {
                // The plan's error is what the caller needs; a failed rollback discards.
                let _ = self.life.rollback(&mut *self.conn).await;
                Err(e)
            }
        }
    }
}

impl<C: BackendConnection> Drop for Atomic<'_, C> {
    fn drop(&mut self) {
        self.life.on_drop(&mut *self.conn);
    }
}
