//! `eq(None)` / `ne(None)` are `IS NULL` / `IS NOT NULL`, as SQLAlchemy's `== None`; other
//! comparisons with NULL keep SQL's meaning (they match nothing).

use super::support::both;
use athanor::prelude::*;
use athanor::{col, Value};

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "sem_notes")]
pub struct Note {
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    pub n: i64,
    #[athanor(max_len = 32)]
    pub note: Option<String>,
}

fn rows() -> Vec<Note> {
    vec![Note { id: 0, n: 1, note: None }, Note { id: 0, n: 2, note: Some("a".into()) }, Note { id: 0, n: 3, note: Some("b".into()) }]
}

#[tokio::test]
async fn eq_none_is_null_and_ne_none_is_not_null() {
    for db in both(&[Note::table()]).await {
        let (e, name) = (&db.engine, db.name);
        Note::insert_many(&rows()).execute(e).await.unwrap();
        let none: Option<&str> = None;
        assert_eq!(Note::select().filter(Note::NOTE.eq(none)).count(e).await.unwrap(), 1, "{name}: eq(None)");
        assert_eq!(Note::select().filter(Note::NOTE.ne(none)).count(e).await.unwrap(), 2, "{name}: ne(None)");
        let got = Note::select().filter(Note::NOTE.eq(None::<String>)).one(e).await.unwrap();
        assert_eq!(got.n, 1, "{name}");
        // Untyped columns and a bare Value::Null mean the same.
        let t = Note::table();
        assert_eq!(athanor::select(t).filter(col("note").eq(Value::Null)).count(e).await.unwrap(), 1, "{name}: col eq Null");
        assert_eq!(athanor::select(t).filter(col("note").ne(Value::Null)).count(e).await.unwrap(), 2, "{name}: col ne Null");
        // NOT (note IS NULL), and inside OR.
        assert_eq!(Note::select().filter(!Note::NOTE.eq(none)).count(e).await.unwrap(), 2, "{name}: not eq(None)");
        let q = Note::select().filter(Note::NOTE.eq(none).or(Note::N.eq(3)));
        assert_eq!(q.count(e).await.unwrap(), 2, "{name}: eq(None) or n = 3");
        // Other comparisons with NULL keep SQL semantics: nothing matches.
        assert_eq!(Note::select().filter(Note::NOTE.lt(none)).count(e).await.unwrap(), 0, "{name}: lt(None)");
        assert_eq!(Note::select().filter(Note::NOTE.ge(none)).count(e).await.unwrap(), 0, "{name}: ge(None)");
        // UPDATE and DELETE filter the same way.
        let n = Note::update().set(Note::N, 10).filter(Note::NOTE.eq(none)).execute(e).await.unwrap();
        assert_eq!(n, 1, "{name}: update where eq(None)");
        assert_eq!(Note::delete().filter(Note::NOTE.eq(none)).execute(e).await.unwrap(), 1, "{name}: delete where eq(None)");
        db.finish().await;
    }
}

/// The compiled-statement cache keys shapes without values: a `= ?` shape must never serve a
/// NULL value, in either order.
#[tokio::test]
async fn same_shape_with_and_without_null() {
    for db in both(&[Note::table()]).await {
        let (e, name) = (&db.engine, db.name);
        Note::insert_many(&rows()).execute(e).await.unwrap();
        for round in 0..2 {
            for v in [Some("a"), None, Some("b"), None] {
                let want = 1;
                let got = Note::select().filter(Note::NOTE.eq(v)).count(e).await.unwrap();
                assert_eq!(got, want, "{name} round {round}: eq({v:?})");
                let got = Note::select().filter(Note::NOTE.ne(v)).filter(Note::N.gt(0)).count(e).await.unwrap();
                assert_eq!(got, if v.is_some() { 1 } else { 2 }, "{name} round {round}: ne({v:?})");
            }
        }
        db.finish().await;
    }
}
