//! `get_by_key` with the wrong number of key values, or on a model without a primary key, is a
//! typed error before any I/O (SQLAlchemy's `Session.get` raises the same way).

use super::support::both;
use athanor::prelude::*;
use athanor::Error;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "sem_pairs")]
pub struct Pair {
    #[athanor(primary_key)]
    pub a: i64,
    #[athanor(primary_key)]
    pub b: i64,
    #[athanor(max_len = 8)]
    pub v: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "sem_keyless")]
pub struct Keyless {
    pub x: i64,
}

fn is_key_error(e: &Error) -> bool {
    matches!(e, Error::InvalidQuery(m) if m.contains("key"))
}

#[tokio::test]
async fn wrong_arity_and_no_key_are_errors() {
    for db in both(&[Pair::table(), Keyless::table()]).await {
        let (e, name) = (&db.engine, db.name);
        let rows = [Pair { a: 1, b: 1, v: "x".into() }, Pair { a: 1, b: 2, v: "y".into() }];
        Pair::insert_many(&rows).execute(e).await.unwrap();
        Keyless::insert_many(&[Keyless { x: 1 }, Keyless { x: 2 }]).execute(e).await.unwrap();

        assert_eq!(Pair::get_by_key((1, 2)).one(e).await.unwrap(), rows[1], "{name}");
        let err = Pair::get_by_key(1).one(e).await.unwrap_err();
        assert!(is_key_error(&err), "{name}: one value for a two-column key: {err:?}");
        assert!(err.to_string().contains("2") && err.to_string().contains("1"), "{name}: {err}");
        let err = Pair::get_by_key((1, 2, 3)).first(e).await.unwrap_err();
        assert!(is_key_error(&err), "{name}: three values: {err:?}");
        for err in [
            Keyless::get_by_key(1).all(e).await.unwrap_err(),
            Keyless::get_by_key(1).count(e).await.unwrap_err(),
            Keyless::get_by_key(1).exists(e).await.unwrap_err(),
        ] {
            assert!(is_key_error(&err) && err.to_string().contains("sem_keyless"), "{name}: no primary key: {err:?}");
        }
        // Compiling refuses too: the statement is never built.
        assert!(e.compile(&Pair::get_by_key(1)).is_err(), "{name}");
        db.finish().await;
    }
}
