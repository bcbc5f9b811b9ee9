//! SQLite 3.51 (the bundled one) answers `… WHERE EXISTS (SELECT …) LIMIT n OFFSET m` wrongly when
//! the subquery has no LIMIT: the OFFSET is lost (13 rows instead of the last 8, found by the
//! differential test, seed 0x18ec9b42525aca10 case 74). The SQLite dialect adds `LIMIT 1` to such
//! a subquery (EXISTS means the same with it), and the answers match the other dialects.

use athanor::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "exists_offset")]
struct Item {
    #[athanor(primary_key)]
    id: i64,
    score: i64,
}

#[tokio::test]
async fn exists_with_limit_and_offset_keeps_the_offset_on_sqlite() {
    let db = create_engine("sqlite://").expect("engine");
    db.create_all(&[Item::table()]).await.expect("create");
    let rows: Vec<Item> = (1..=64).map(|id| Item { id, score: id % 10 }).collect();
    Item::insert_many(&rows).execute(&db).await.expect("insert");

    let any_high = Item::select().filter(Item::SCORE.gt(5));
    let page = || Item::select().filter(exists(&any_high)).order_by(Item::ID).limit(13).offset(56);
    let ids: Vec<i64> = page().all(&db).await.expect("page").into_iter().map(|i| i.id).collect();
    assert_eq!(ids, (57..=64).collect::<Vec<_>>(), "the last 8 rows");
    assert_eq!(page().count(&db).await.expect("count"), 8);
    let none = Item::select().filter(exists(&any_high).not()).limit(13).offset(56);
    assert_eq!(none.count(&db).await.expect("count"), 0);
    // A subquery with its own LIMIT/OFFSET is left as written.
    let sql = db.compile(&Item::select().filter(exists(&any_high.clone().limit(3)))).expect("compile").to_string();
    assert!(sql.contains("LIMIT ?)"), "{sql}");
}
