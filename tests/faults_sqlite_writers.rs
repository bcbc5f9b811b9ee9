//! 16 concurrent writers on one SQLite file database (WAL, the default busy timeout): every row lands,
//! autocommit inserts and transactions alike, with no error and nothing half-written.

mod fault_support;

use std::collections::BTreeSet;

use athanor::prelude::*;
use fault_support::{unique, within};

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "writes")]
pub struct Write {
    #[athanor(primary_key)]
    pub id: i64,
    pub writer: i64,
    #[athanor(max_len = 32)]
    pub note: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_writers_all_land() {
    const WRITERS: i64 = 16;
    const EACH: i64 = 60;
    let path = std::env::temp_dir().join(format!("{}.db", unique("fault_writers")));
    let e = create_engine(&format!("sqlite:///{}?maxsize=16", path.display())).unwrap();
    within(30, "create", e.create_all(&[Write::table()])).await.unwrap();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let e = e.clone();
            tokio::spawn(async move {
                for k in 0..EACH {
                    let row = Write { id: w * 1000 + k, writer: w, note: format!("w{w} k{k}") };
                    if w % 2 == 0 {
                        // Even writers: one autocommit insert per row.
                        row.insert().execute(&e).await?;
                    } else if k % 10 == 0 {
                        // Odd writers: ten rows per transaction.
                        let mut tx = e.begin().await?;
                        for j in k..k + 10 {
                            let r = Write { id: w * 1000 + j, writer: w, note: format!("w{w} k{j}") };
                            r.insert().execute(&mut tx).await?;
                        }
                        tx.commit().await?;
                    }
                }
                athanor::Result::<()>::Ok(())
            })
        })
        .collect();
    for (w, t) in tasks.into_iter().enumerate() {
        within(120, "writer", t).await.unwrap().unwrap_or_else(|err| panic!("writer {w}: {err:?}"));
    }
    let rows = within(30, "read back", Write::select().all(&e)).await.unwrap();
    let ids: BTreeSet<i64> = rows.iter().map(|r| r.id).collect();
    let want: BTreeSet<i64> = (0..WRITERS).flat_map(|w| (0..EACH).map(move |k| w * 1000 + k)).collect();
    assert_eq!(rows.len() as i64, WRITERS * EACH);
    assert_eq!(ids, want, "every writer's rows, no more, no fewer");
    assert!(rows.iter().all(|r| r.note == format!("w{} k{}", r.writer, r.id % 1000)));
    eprintln!("{WRITERS} concurrent writers on one SQLite file: {} of {} rows, no error", rows.len(), WRITERS * EACH);
    e.dispose().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
