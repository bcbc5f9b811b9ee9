//! [`Lifecycle`] and [`Atomic`] driven against a scripted connection that keeps the trait's
//! default [`BackendConnection::discard`], the way a dialect that does not override it would.

use super::lifecycle::{Lifecycle, TxState};
use super::{Atomic, TxOptions};
use crate::ast::{Insert, Statement};
use crate::dialect::{BackendConnection, ExecResult, RowSink};
use crate::error::{DatabaseError, DbErrorKind, Error, Result};
use crate::row::Row;
use async_trait::async_trait;
use futures_core::stream::BoxStream;
use futures_util::FutureExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Ok,
    Fail,
    /// Never answers (a statement in flight when the future is dropped).
    Hang,
}

/// A sqlx-like connection: a queued rollback ends one level; `discard` is the trait default.
#[derive(Debug)]
struct Scripted {
    depth: usize,
    commit: Answer,
    rollback: Answer,
    log: Vec<&'static str>,
}

impl Scripted {
    fn new(commit: Answer, rollback: Answer) -> Self {
        Scripted { depth: 0, commit, rollback, log: vec![] }
    }
}

fn failure() -> Error {
    Error::Database(DatabaseError::new("test", DbErrorKind::ForeignKeyViolation, None, "deferred FK"))
}

async fn answer(a: Answer) -> Result<()> {
    match a {
        Answer::Ok => Ok(()),
        Answer::Fail => Err(failure()),
        Answer::Hang => std::future::pending().await,
    }
}

#[async_trait]
impl BackendConnection for Scripted {
    async fn execute(&mut self, _: &Statement) -> Result<ExecResult> {
        self.log.push("execute");
        Ok(ExecResult::default())
    }
    async fn fetch(&mut self, _: &Statement, _: &mut RowSink<'_>) -> Result<()> {
        Ok(())
    }
    fn stream<'a>(&'a mut self, _: Statement) -> BoxStream<'a, Result<Row>> {
        Box::pin(futures_util::stream::empty())
    }
    async fn begin(&mut self, _: &TxOptions) -> Result<()> {
        self.log.push(if self.depth == 0 { "BEGIN" } else { "SAVEPOINT" });
        self.depth += 1;
        Ok(())
    }
    async fn commit(&mut self) -> Result<()> {
        self.log.push("COMMIT");
        answer(self.commit).await?;
        self.depth -= 1;
        Ok(())
    }
    async fn rollback(&mut self) -> Result<()> {
        self.log.push("ROLLBACK");
        answer(self.rollback).await?;
        self.depth -= 1;
        Ok(())
    }
    fn start_rollback(&mut self) {
        self.log.push("queued ROLLBACK");
        self.depth = self.depth.saturating_sub(1);
    }
    fn transaction_depth(&self) -> usize {
        self.depth
    }
}

async fn open(conn: &mut Scripted) -> Lifecycle {
    let mut life = Lifecycle::new();
    life.begin(conn, &TxOptions::default()).await.unwrap();
    life
}

#[tokio::test]
async fn failed_commit_is_rolled_back_and_reported() {
    let mut c = Scripted::new(Answer::Fail, Answer::Ok);
    let mut life = open(&mut c).await;
    let err = life.commit(&mut c).await.unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::ForeignKeyViolation));
    assert_eq!(life.state(), TxState::Closed);
    assert_eq!(c.depth, 0);
    assert_eq!(c.log, ["BEGIN", "COMMIT", "ROLLBACK"]);
    life.on_drop(&mut c);
    assert_eq!(c.log.len(), 3, "nothing more on drop");
    // The next level is a real BEGIN, not a savepoint.
    open(&mut c).await;
    assert_eq!(c.log[3], "BEGIN");
}

#[tokio::test]
async fn failed_commit_and_rollback_discard_through_the_default() {
    let mut c = Scripted::new(Answer::Fail, Answer::Fail);
    let mut life = open(&mut c).await;
    assert!(life.commit(&mut c).await.is_err());
    assert_eq!(life.state(), TxState::Discarded);
    assert!(matches!(life.state().check_open(), Err(Error::State(_))));
    // The default discard queued the rollback of the open level: the connection is at depth 0.
    assert_eq!(c.log, ["BEGIN", "COMMIT", "ROLLBACK", "queued ROLLBACK"]);
    assert_eq!(c.depth, 0);
}

#[tokio::test]
async fn failed_release_of_a_savepoint_keeps_the_outer_level() {
    let mut c = Scripted::new(Answer::Ok, Answer::Ok);
    let mut outer = open(&mut c).await;
    let mut inner = open(&mut c).await;
    c.commit = Answer::Fail;
    assert!(inner.commit(&mut c).await.is_err());
    assert_eq!(c.depth, 1);
    c.commit = Answer::Ok;
    outer.commit(&mut c).await.unwrap();
    assert_eq!(c.log, ["BEGIN", "SAVEPOINT", "COMMIT", "ROLLBACK", "COMMIT"]);
    assert_eq!(c.depth, 0);
}

#[tokio::test]
async fn commit_cancelled_in_flight_discards() {
    let mut c = Scripted::new(Answer::Hang, Answer::Ok);
    let mut life = open(&mut c).await;
    assert!(life.commit(&mut c).now_or_never().is_none(), "the commit hangs");
    assert_eq!(life.state(), TxState::Committing);
    life.on_drop(&mut c);
    assert_eq!(life.state(), TxState::Discarded);
    assert_eq!(c.log, ["BEGIN", "COMMIT", "queued ROLLBACK"]);
    assert_eq!(c.depth, 0);
}

#[tokio::test]
async fn dropped_open_level_queues_a_rollback() {
    let mut c = Scripted::new(Answer::Ok, Answer::Ok);
    let mut life = open(&mut c).await;
    life.on_drop(&mut c);
    assert_eq!(c.log, ["BEGIN", "queued ROLLBACK"]);
    assert_eq!(life.state(), TxState::Closed);
}

fn insert() -> Statement {
    Statement::Insert(Insert { table: "t".into(), columns: vec![], rows: vec![], on_conflict: None, returning: vec![] })
}

#[tokio::test]
async fn atomic_scope_commits_rolls_back_and_nests() {
    assert!(Atomic::<Scripted>::needed(&insert(), 2));
    assert!(!Atomic::<Scripted>::needed(&insert(), 1));
    assert!(!Atomic::<Scripted>::needed(&Statement::DropTable("t".into()), 2));

    let mut c = Scripted::new(Answer::Ok, Answer::Ok);
    let scope = Atomic::begin(&mut c).await.unwrap();
    assert_eq!(scope.finish(Ok(7)).await.unwrap(), 7);
    let scope = Atomic::begin(&mut c).await.unwrap();
    assert!(scope.finish::<()>(Err(failure())).await.is_err());
    assert_eq!(c.log, ["BEGIN", "COMMIT", "BEGIN", "ROLLBACK"]);

    // Inside a transaction: a savepoint, rolled back alone.
    let mut c = Scripted::new(Answer::Ok, Answer::Ok);
    let _outer = open(&mut c).await;
    let scope = Atomic::begin(&mut c).await.unwrap();
    assert!(scope.finish::<()>(Err(failure())).await.is_err());
    assert_eq!(c.depth, 1);
    assert_eq!(c.log, ["BEGIN", "SAVEPOINT", "ROLLBACK"]);
}

#[tokio::test]
async fn atomic_scope_dropped_mid_plan_rolls_back() {
    let mut c = Scripted::new(Answer::Ok, Answer::Ok);
    let mut scope = Atomic::begin(&mut c).await.unwrap();
    scope.conn().execute(&insert()).await.unwrap();
    drop(scope);
    assert_eq!(c.log, ["BEGIN", "execute", "queued ROLLBACK"]);
    assert_eq!(c.depth, 0);
}
