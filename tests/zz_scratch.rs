use athanor::prelude::*;
use athanor_core::text;
#[tokio::test]
async fn scratch() {
    let e = create_engine("postgresql://postgres@127.0.0.1:5432/test").unwrap();
    for (sql, b) in [
        ("SELECT '5'::int AS v", false),
        ("SELECT :x::int AS v", true),
        ("SELECT CAST(:x AS int) AS v", true),
        ("SELECT '{\"a\":1}'::jsonb->>'a' AS v", false),
        ("SELECT 'a:b' AS v", false),
        ("SELECT E'\\\\:x' AS v", false),
        ("SELECT $$ :x $$ AS v", false),
        ("SELECT 1 AS v -- :x", false),
        ("SELECT /* :x */ 1 AS v", false),
        ("SELECT \"v\" FROM (SELECT 2 AS \"v\") AS \":x\"", false),
    ] {
        let mut q = text(sql);
        if b {
            q = q.bind("x", "5");
        }
        let r = q.fetch_all(&e).await;
        println!("{sql:50} => {:?}", r.map(|r| r.into_iter().map(|r| format!("{:?}", r)).collect::<Vec<_>>()));
    }
}
