//! Raw SQL binds next to backslashes: SQLite (and MySQL under `NO_BACKSLASH_ESCAPES`) has no
//! backslash escapes, so `'C:\'` is a whole string; MySQL by default reads `\'` as a quote.

use super::support::{mysql, sqlite};
use athanor::text;

#[tokio::test]
async fn backslash_at_the_end_of_a_string_on_sqlite() {
    let db = sqlite();
    let rows = text(r"SELECT 'C:\' AS p, :x AS y").bind("x", 7i64).fetch_all(&db.engine).await.unwrap();
    assert_eq!(rows[0].get::<String>("p").unwrap(), r"C:\");
    assert_eq!(rows[0].get::<i64>("y").unwrap(), 7);
    // A bind name inside that string is text, not a bind.
    let rows = text(r"SELECT 'C:\ :x' AS p, :x AS y").bind("x", 8i64).fetch_all(&db.engine).await.unwrap();
    assert_eq!(rows[0].get::<String>("p").unwrap(), r"C:\ :x");
    assert_eq!(rows[0].get::<i64>("y").unwrap(), 8);
    db.finish().await;
}

#[tokio::test]
async fn backslash_escapes_follow_the_mysql_sql_mode() {
    // Default sql_mode: `\'` is an escaped quote, `\\` a backslash.
    let db = mysql("").await;
    let rows = text(r"SELECT 'it\'s :x' AS p, 'C:\\' AS q, :x AS y").bind("x", 7i64).fetch_all(&db.engine).await.unwrap();
    assert_eq!(rows[0].get::<String>("p").unwrap(), "it's :x");
    assert_eq!(rows[0].get::<String>("q").unwrap(), r"C:\");
    assert_eq!(rows[0].get::<i64>("y").unwrap(), 7);
    db.finish().await;

    // NO_BACKSLASH_ESCAPES from the URL: `'C:\'` is a whole string, as on SQLite.
    let db = mysql("sql_mode=NO_BACKSLASH_ESCAPES").await;
    let rows = text(r"SELECT 'C:\' AS p, :x AS y").bind("x", 7i64).fetch_all(&db.engine).await.unwrap();
    assert_eq!(rows[0].get::<String>("p").unwrap(), r"C:\");
    assert_eq!(rows[0].get::<i64>("y").unwrap(), 7);
    db.finish().await;

    // Set another way (here `init_command`; also a server-wide default): learnt from the first
    // connection's `@@sql_mode`, so raw SQL compiled after it is read the same way.
    let db = mysql("init_command=SET+SESSION+sql_mode%3D%27NO_BACKSLASH_ESCAPES%27").await;
    text("SELECT 1").execute(&db.engine).await.unwrap();
    let rows = text(r"SELECT 'C:' AS p, :x AS y").bind("x", 7i64).fetch_all(&db.engine).await.unwrap();
    assert_eq!(rows[0].get::<String>("p").unwrap(), r"C:");
    assert_eq!(rows[0].get::<i64>("y").unwrap(), 7);
    db.finish().await;
}
