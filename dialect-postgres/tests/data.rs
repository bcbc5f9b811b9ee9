//! Against the local PostgreSQL: every value type round-trips, typed errors by SQLSTATE,
//! transactions, streaming, all-or-nothing bulk inserts.

mod common;

use athanor_core::schema::{ColumnDef, ColumnType, Table};
use athanor_core::{col, insert_into, select, text, DbErrorKind, Error, IsolationLevel, TxOptions, Value};
use chrono::{NaiveDate, TimeZone, Utc};
use futures_util::StreamExt;
use rust_decimal::Decimal;

fn kind(e: &Error) -> Option<DbErrorKind> {
    e.db_kind()
}

fn all_types(name: &str) -> Table {
    Table::new(name.to_string())
        .column(ColumnDef::new("id", ColumnType::I64).auto_increment())
        .column(ColumnDef::new("b", ColumnType::Bool).nullable())
        .column(ColumnDef::new("i", ColumnType::I32).nullable())
        .column(ColumnDef::new("u", ColumnType::U64).nullable())
        .column(ColumnDef::new("f", ColumnType::F64).nullable())
        .column(ColumnDef::new("d", ColumnType::Decimal { precision: Some(28), scale: Some(10) }).nullable())
        .column(ColumnDef::new("s", ColumnType::String { max_len: Some(50) }).nullable())
        .column(ColumnDef::new("bytes", ColumnType::Bytes).nullable())
        .column(ColumnDef::new("day", ColumnType::Date).nullable())
        .column(ColumnDef::new("at", ColumnType::DateTime).nullable())
        .column(ColumnDef::new("at_utc", ColumnType::DateTimeUtc).nullable())
        .column(ColumnDef::new("doc", ColumnType::Json).nullable())
        .column(ColumnDef::new("uid", ColumnType::Uuid).nullable())
        .primary_key(["id"])
}

#[tokio::test]
async fn every_value_type_round_trips_and_nulls_bind_untyped() {
    let e = common::engine();
    let name = common::unique("pg_types");
    let t = all_types(&name);
    e.create_all(&[&t]).await.unwrap();
    let at = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap().and_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    let row = vec![
        Value::Bool(true),
        Value::I64(-7),
        Value::U64(u64::MAX),
        Value::F64(1.5),
        Value::Decimal(Decimal::from_str_exact("123456789012345678.0123456789").unwrap()),
        Value::from("héllo 'q' \\ %"),
        Value::Bytes(vec![0, 255, 1]),
        Value::Date(at.date()),
        Value::DateTime(at),
        Value::DateTimeUtc(Utc.from_utc_datetime(&at)),
        Value::Json(serde_json::json!({"a": [1, 2, {"b": null}]})),
        Value::Uuid(uuid::Uuid::new_v4()),
    ];
    let cols = ["b", "i", "u", "f", "d", "s", "bytes", "day", "at", "at_utc", "doc", "uid"];
    insert_into(&t).columns(cols).values(row.clone()).execute(&e).await.unwrap();
    insert_into(&t).columns(cols).values(vec![Value::Null; cols.len()]).execute(&e).await.unwrap();
    let rows = select(&t).columns(cols.map(col)).order_by(col("id").asc()).all(&e).await.unwrap();
    assert_eq!(rows.len(), 2);
    // Read untyped, NUMERIC(20, 0) is a Decimal (a model field of type u64 asks for U64).
    let mut want = row.clone();
    want[2] = Value::Decimal(Decimal::from(u64::MAX));
    assert_eq!(rows[0].values(), &want[..]);
    assert!(rows[1].values().iter().all(|v| *v == Value::Null), "{:?}", rows[1]);
    // eq(None) is IS NULL here too; filters on each type bind and compare.
    let n = select(&t).filter(col("uid").eq(row[11].clone()).and(col("d").eq(row[4].clone()))).count(&e).await.unwrap();
    assert_eq!(n, 1);
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn errors_are_typed_by_sqlstate() {
    let e = common::engine();
    let parent = common::unique("pg_parent");
    let child = common::unique("pg_child");
    text(format!("CREATE TABLE \"{parent}\" (id INT PRIMARY KEY, name TEXT NOT NULL)")).execute(&e).await.unwrap();
    text(format!("CREATE TABLE \"{child}\" (id INT PRIMARY KEY, parent INT REFERENCES \"{parent}\"(id))")).execute(&e).await.unwrap();
    text(format!("INSERT INTO \"{parent}\" VALUES (1, 'a')")).execute(&e).await.unwrap();
    let err = text(format!("INSERT INTO \"{parent}\" VALUES (1, 'b')")).execute(&e).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::UniqueViolation), "{err}");
    let err = text(format!("INSERT INTO \"{child}\" VALUES (1, 99)")).execute(&e).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::ForeignKeyViolation), "{err}");
    let err = text(format!("INSERT INTO \"{parent}\" VALUES (2, NULL)")).execute(&e).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::NotNullViolation), "{err}");
    let err = text("SELECT * FROM no_such_table_here").fetch_all(&e).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::TableNotFound), "{err}");
    let err = text("SELEC 1").execute(&e).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::Syntax), "{err}");
    // statement_timeout through libpq's `options`: 57014 is a typed Timeout.
    let slow = common::engine_at(&format!("{}?options=-c%20statement_timeout%3D100", common::url()));
    let err = text("SELECT pg_sleep(5)").fetch_all(&slow).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::Timeout), "{err}");
    // The engine still serves after the error.
    assert_eq!(text("SELECT 1 AS one").fetch_all(&e).await.unwrap().len(), 1);
    text(format!("DROP TABLE \"{child}\", \"{parent}\"")).execute(&e).await.unwrap();
}

#[tokio::test]
async fn refused_login_is_typed_and_hides_the_password() {
    let e = common::engine_at("postgresql://no_such_role_x:S3cretPw9@127.0.0.1:5432/test?pool_timeout=5");
    let err = text("SELECT 1").fetch_all(&e).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::AccessDenied), "{err}");
    assert!(!err.to_string().contains("S3cretPw9") && !format!("{err:?}").contains("S3cretPw9"), "{err:?}");
    assert!(!format!("{e:?}").contains("S3cretPw9"));
}

#[tokio::test]
async fn transactions_isolation_read_only_savepoints_and_drop() {
    let e = common::engine();
    let name = common::unique("pg_tx");
    text(format!("CREATE TABLE \"{name}\" (id INT PRIMARY KEY)")).execute(&e).await.unwrap();
    let count = |e: athanor_core::Engine, name: String| async move {
        text(format!("SELECT count(*) AS n FROM \"{name}\"")).fetch_all(&e).await.unwrap()[0].values()[0].clone()
    };
    {
        let mut tx = e.begin_with(TxOptions::default().isolation(IsolationLevel::Serializable)).await.unwrap();
        let level = text("SHOW transaction_isolation").fetch_all(&mut tx).await.unwrap();
        assert_eq!(level[0].values()[0], Value::from("serializable"));
        text(format!("INSERT INTO \"{name}\" VALUES (1)")).execute(&mut tx).await.unwrap();
        {
            let mut inner = tx.begin().await.unwrap();
            text(format!("INSERT INTO \"{name}\" VALUES (2)")).execute(&mut inner).await.unwrap();
            inner.rollback().await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    assert_eq!(count(e.clone(), name.clone()).await, Value::I64(1), "savepoint rolled back, outer committed");
    {
        let mut tx = e.begin_with(TxOptions::default().read_only()).await.unwrap();
        let err = text(format!("INSERT INTO \"{name}\" VALUES (3)")).execute(&mut tx).await.unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
    }
    {
        let mut tx = e.begin().await.unwrap();
        text(format!("INSERT INTO \"{name}\" VALUES (4)")).execute(&mut tx).await.unwrap();
        // dropped without commit
    }
    assert_eq!(count(e.clone(), name.clone()).await, Value::I64(1), "a dropped transaction rolls back");
    text(format!("DROP TABLE \"{name}\"")).execute(&e).await.unwrap();
}

#[tokio::test]
async fn streams_rows_and_an_empty_stream_leaves_the_connection_usable() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::url()));
    let name = common::unique("pg_stream");
    let t = Table::new(name.clone()).column(ColumnDef::new("id", ColumnType::I64)).primary_key(["id"]);
    e.create_all(&[&t]).await.unwrap();
    text(format!("INSERT INTO \"{name}\" SELECT g FROM generate_series(1, 10000) g")).execute(&e).await.unwrap();
    let mut s = select(&t).order_by(col("id").asc()).stream(&e);
    let mut n = 0i64;
    while let Some(r) = s.next().await {
        n += 1;
        assert_eq!(r.unwrap().values()[0], Value::I64(n));
    }
    drop(s);
    assert_eq!(n, 10000);
    // Dropped after the first row: the engine still serves (maxsize=1, so the same slot).
    let mut s = select(&t).stream(&e);
    assert!(s.next().await.is_some());
    drop(s);
    let mut tx = e.begin().await.unwrap();
    {
        let mut empty = select(&t).filter(col("id").lt(0)).stream(&mut tx);
        assert!(empty.next().await.is_none());
    }
    assert_eq!(select(&t).count(&mut tx).await.unwrap(), 10000);
    tx.commit().await.unwrap();
    e.drop_all(&[&t]).await.unwrap();
}

#[tokio::test]
async fn bulk_insert_over_the_parameter_limit_is_all_or_nothing() {
    let e = common::engine();
    let name = common::unique("pg_bulk");
    let t = Table::new(name.clone())
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("v", ColumnType::I64))
        .primary_key(["id"]);
    e.create_all(&[&t]).await.unwrap();
    let mut q = insert_into(&t).columns(["id", "v"]);
    for i in 0..100_000i64 {
        q = q.values([Value::I64(i), Value::I64(i)]);
    }
    let mut dup = q.clone();
    dup = dup.values([Value::I64(99_999), Value::I64(0)]);
    let err = dup.execute(&e).await.unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::UniqueViolation), "{err}");
    assert_eq!(select(&t).count(&e).await.unwrap(), 0, "nothing of a failed bulk insert stays");
    // Cancelled after it started: nothing stays either.
    let _ = tokio::time::timeout(std::time::Duration::from_millis(150), q.clone().execute(&e)).await;
    // The server may still finish (and commit) the abandoned statement: wait until it is done.
    for _ in 0..200 {
        // An INSERT, or (100,000 rows) a COPY.
        let busy = text("SELECT pid FROM pg_stat_activity WHERE state = 'active' AND (query LIKE :q OR query LIKE :c)")
            .bind("q", format!("INSERT INTO \"{name}\"%"))
            .bind("c", format!("COPY \"{name}\"%"))
            .fetch_all(&e)
            .await
            .unwrap();
        if busy.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let after_cancel = select(&t).count(&e).await.unwrap();
    assert!(after_cancel == 0 || after_cancel == 100_000, "{after_cancel}");
    let _ = text(format!("DELETE FROM \"{name}\"")).execute(&e).await;
    assert_eq!(q.execute(&e).await.unwrap().rows_affected, 100_000);
    assert_eq!(select(&t).count(&e).await.unwrap(), 100_000);
    e.drop_all(&[&t]).await.unwrap();
}

/// sqlx caches a prepared statement by its SQL text and never checks the bound types against it:
/// the same SQL first bound with an `INT8` and then with a `FLOAT8` sent the float's bits as an
/// integer (a silent wrong answer). Each type signature gets its own statement.
#[tokio::test]
async fn the_same_sql_with_other_parameter_types_is_prepared_again() {
    let e = common::engine_at(&format!("{}?maxsize=1", common::url()));
    let name = common::unique("pg_sig");
    let t = Table::new(name.clone())
        .column(ColumnDef::new("id", ColumnType::I64))
        .column(ColumnDef::new("f", ColumnType::F64))
        .primary_key(["id"]);
    e.create_all(&[&t]).await.unwrap();
    insert_into(&t)
        .columns(["id", "f"])
        .values([Value::I64(1), Value::F64(1.0)])
        .values([Value::I64(2), Value::F64(2.0)])
        .execute(&e)
        .await
        .unwrap();
    assert_eq!(select(&t).filter(col("f").gt(1)).count(&e).await.unwrap(), 1);
    assert_eq!(select(&t).filter(col("f").gt(1.5)).count(&e).await.unwrap(), 1);
    assert_eq!(select(&t).filter(col("f").gt(-3)).count(&e).await.unwrap(), 2);
    e.drop_all(&[&t]).await.unwrap();
}

/// Raw SQL's `:name` binds skip PostgreSQL's own literals: dollar-quoted strings (`$$…$$`,
/// `$tag$…$tag$`, as in a function body) and `E'…'` strings with a backslash-escaped quote hold
/// text, not binds; casts (`:x::int`) and `$1`-free SQL around them bind as usual.
#[tokio::test]
async fn named_binds_skip_dollar_quotes_and_e_strings() {
    let e = common::engine();
    let row =
        text(r"SELECT $$ :x $$ AS a, $f$ it's :x $f$ AS b, E'it\'s :x' AS c, :x::int AS d").bind("x", "5").fetch_one(&e).await.unwrap();
    assert_eq!(row.get::<String>("a").unwrap(), " :x ");
    assert_eq!(row.get::<String>("b").unwrap(), " it's :x ");
    assert_eq!(row.get::<String>("c").unwrap(), "it's :x");
    assert_eq!(row.get::<i64>("d").unwrap(), 5);
    // A function body with `:name` in it, created without binds.
    let f = common::unique("pg_fn_body");
    text(format!(r#"CREATE FUNCTION "{f}"() RETURNS text LANGUAGE sql AS $body$ SELECT ':kept'::text $body$"#)).execute(&e).await.unwrap();
    let row = text(format!(r#"SELECT "{f}"() AS v"#)).fetch_one(&e).await.unwrap();
    assert_eq!(row.get::<String>("v").unwrap(), ":kept");
    text(format!(r#"DROP FUNCTION "{f}""#)).execute(&e).await.unwrap();
}
