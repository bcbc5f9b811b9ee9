//! Row locks on a real server: SKIP LOCKED and NOWAIT against a held lock, and the job-queue
//! pattern with concurrent workers.

use super::Job;
use athanor::prelude::*;
use athanor::DbErrorKind;

fn new_jobs(ids: std::ops::RangeInclusive<i64>) -> Vec<Job> {
    ids.map(|id| Job { id, status: "new".into(), worker: None }).collect()
}

fn ids(jobs: &[Job]) -> Vec<i64> {
    jobs.iter().map(|j| j.id).collect()
}

fn next_batch() -> athanor::query::Select<Job> {
    Job::select().filter(Job::STATUS.eq("new")).order_by(Job::ID).limit(10).for_update()
}

/// One transaction holds jobs 1–10; others skip them, or fail at once with NOWAIT.
pub async fn skip_locked_and_nowait(engine: &Engine) {
    Job::delete().all_rows().execute(engine).await.unwrap();
    Job::insert_many(&new_jobs(1..=30)).execute(engine).await.unwrap();

    let mut holder = engine.begin().await.unwrap();
    assert_eq!(ids(&next_batch().all(&mut holder).await.unwrap()), (1..=10).collect::<Vec<_>>());

    let mut other = engine.begin().await.unwrap();
    let skipped = next_batch().skip_locked().all(&mut other).await.unwrap();
    assert_eq!(ids(&skipped), (11..=20).collect::<Vec<_>>(), "SKIP LOCKED leaves out the held rows");
    // A shared lock skips rows either transaction holds for update.
    let mut reader = engine.begin().await.unwrap();
    let shared =
        Job::select().filter(Job::STATUS.eq("new")).order_by(Job::ID).limit(10).for_share().skip_locked().all(&mut reader).await.unwrap();
    assert_eq!(ids(&shared), (21..=30).collect::<Vec<_>>());
    reader.rollback().await.unwrap();

    for q in [Job::get_by_key(1).for_update().nowait(), Job::get_by_key(1).for_share().nowait()] {
        let mut tx = engine.begin().await.unwrap();
        let err = q.all(&mut tx).await.expect_err("row 1 is locked");
        assert_eq!(err.db_kind(), Some(DbErrorKind::LockTimeout), "{err}");
        assert!(err.is_retryable(), "{err}");
        tx.rollback().await.unwrap();
    }
    // Unlocked rows are taken at once with NOWAIT.
    let mut tx = engine.begin().await.unwrap();
    assert_eq!(ids(&Job::get_by_key(25).for_update().nowait().all(&mut tx).await.unwrap()), vec![25]);
    tx.rollback().await.unwrap();

    other.rollback().await.unwrap();
    holder.rollback().await.unwrap();
}

/// Workers each loop: take up to 10 new jobs `FOR UPDATE SKIP LOCKED`, mark them done, commit.
/// No job is taken twice (each update finds its job still new) and every job gets done.
pub async fn workers_take_each_job_once(engine: &Engine) {
    const JOBS: i64 = 200;
    const WORKERS: i64 = 4;
    Job::delete().all_rows().execute(engine).await.unwrap();
    Job::insert_many(&new_jobs(1..=JOBS)).execute(engine).await.unwrap();

    let workers: Vec<_> = (1..=WORKERS)
        .map(|w| {
            let engine = engine.clone();
            tokio::spawn(async move {
                let mut taken = Vec::new();
                loop {
                    let mut tx = engine.begin().await.unwrap();
                    let batch = next_batch().skip_locked().all(&mut tx).await.unwrap();
                    if batch.is_empty() {
                        tx.commit().await.unwrap();
                        return taken;
                    }
                    // Let the other workers run while this batch is held.
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    for job in &batch {
                        let still_new = Job::ID.eq(job.id).and(Job::STATUS.eq("new"));
                        let n = Job::update()
                            .set(Job::STATUS, "done")
                            .set(Job::WORKER, Some(w))
                            .filter(still_new)
                            .execute(&mut tx)
                            .await
                            .unwrap();
                        assert_eq!(n, 1, "job {} was taken by another worker", job.id);
                    }
                    tx.commit().await.unwrap();
                    taken.extend(ids(&batch));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.expect("worker"));
    }
    all.sort_unstable();
    assert_eq!(all, (1..=JOBS).collect::<Vec<_>>(), "every job taken exactly once");
    assert_eq!(Job::select().filter(Job::STATUS.eq("done")).count(engine).await.unwrap(), JOBS as u64);
    assert!(!Job::select().filter(Job::WORKER.is_null()).exists(engine).await.unwrap());
}
