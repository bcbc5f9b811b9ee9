//! Instance writes at the edges, on SQLite: a model whose every column is its key (save checks
//! the row exists) and a model without a primary key (refused before any I/O).

use athanor::prelude::*;
use athanor::Error;

/// Every column is the key.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "edge_tags")]
pub struct Tag {
    #[athanor(primary_key, max_len = 16)]
    pub name: String,
    #[athanor(primary_key, max_len = 16)]
    pub kind: String,
}

/// No primary key.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "edge_log")]
pub struct LogLine {
    #[athanor(max_len = 64)]
    pub line: String,
}

#[tokio::test]
async fn key_only_and_keyless_models() {
    let engine = athanor::create_engine("sqlite://").unwrap();
    engine.create_all(&[Tag::table(), LogLine::table()]).await.unwrap();
    let mut tag = Tag { name: "a".into(), kind: "x".into() };
    tag.insert().execute(&engine).await.unwrap();
    tag.save(&engine).await.expect("a key-only row that exists saves as a no-op");
    tag.refresh(&engine).await.unwrap();
    let missing = Tag { name: "b".into(), kind: "x".into() };
    assert!(matches!(missing.save(&engine).await, Err(Error::NotFound)));
    tag.delete_instance(&engine).await.unwrap();
    assert!(matches!(tag.save(&engine).await, Err(Error::NotFound)));

    let mut line = LogLine { line: "hello".into() };
    line.insert().execute(&engine).await.unwrap();
    for err in [
        line.save(&engine).await.unwrap_err(),
        line.delete_instance(&engine).await.unwrap_err(),
        line.clone().refresh(&engine).await.unwrap_err(),
        line.update_columns(&engine, [LogLine::LINE]).await.unwrap_err(),
    ] {
        assert!(matches!(err, Error::InvalidQuery(ref m) if m.contains("no primary key")), "{err}");
    }
    line.line = "changed".into();
    assert_eq!(LogLine::select().all(&engine).await.unwrap(), [LogLine { line: "hello".into() }], "nothing was written");
}
