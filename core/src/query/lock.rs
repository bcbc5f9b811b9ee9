//! Row locks on a [`Select`]: `for_update()`, `for_share()`, then optionally `nowait()` or
//! `skip_locked()`. Run them inside a transaction: the locks last until it ends.

use super::Select;
use crate::ast::{LockStrength, LockWait, RowLock};
use crate::model::FromRow;

impl<M: FromRow> Select<M> {
    fn lock(mut self, strength: LockStrength) -> Self {
        let wait = self.ast_mut().lock.map(|l| l.wait).unwrap_or_default();
        self.ast_mut().lock = Some(RowLock { strength, wait });
        self
    }
    fn lock_wait(mut self, wait: LockWait, name: &str) -> Self {
        match &mut self.ast_mut().lock {
            Some(l) => {
                l.wait = wait;
                self
            }
            None => self.refuse(format!("{name}() needs for_update() or for_share() before it")),
        }
    }
    /// `FOR UPDATE`: locks the selected rows (of every joined table) against other writers and
    /// lockers until the transaction ends. Not on SQLite (it locks the whole database) or
    /// Supabase ([`Error::Unsupported`](crate::Error::Unsupported), before any I/O).
    pub fn for_update(self) -> Self {
        self.lock(LockStrength::Update)
    }
    /// A shared lock: `FOR SHARE` (PostgreSQL, MySQL 8), `LOCK IN SHARE MODE` (MariaDB).
    pub fn for_share(self) -> Self {
        self.lock(LockStrength::Share)
    }
    /// `NOWAIT`: a row another transaction holds fails the select at once with
    /// [`DbErrorKind::LockTimeout`](crate::DbErrorKind::LockTimeout) instead of waiting.
    pub fn nowait(self) -> Self {
        self.lock_wait(LockWait::NoWait, "nowait")
    }
    /// `SKIP LOCKED`: rows another transaction holds are left out (the job-queue pattern:
    /// each worker takes rows no other worker has).
    ///
    /// ```text
    /// let mut tx = engine.begin().await?;
    /// let batch = Job::select().filter(Job::STATUS.eq("new")).order_by(Job::ID).limit(10).for_update().skip_locked().all(&mut tx).await?;
    /// ```
    pub fn skip_locked(self) -> Self {
        self.lock_wait(LockWait::SkipLocked, "skip_locked")
    }
}
