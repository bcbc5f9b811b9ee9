//! Error kinds for bad input, and that no password or key ever leaks into an error or Debug.

use athanor::schema::{ColumnDef, ColumnType, Table};
use athanor::{col, create_engine, delete_from, update, Error, TxOptions};

const SECRET: &str = "S3cr3t!pw";

fn t() -> Table {
    Table::new("t").column(ColumnDef::new("id", ColumnType::I64)).primary_key(["id"])
}

#[test]
fn malformed_urls_are_typed_and_hide_the_password() {
    for url in [
        format!("mysql://user:{SECRET}@host:notaport/db"),
        "mysql://user:p@ss@host/db".to_string(),
        format!("my-sql://user:{SECRET}@host/db"),
        "notaurl".to_string(),
    ] {
        let err = create_engine(&url).unwrap_err();
        assert!(matches!(err, Error::Url(_)), "{url}: {err:?}");
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(SECRET) && !shown.contains("p@ss"), "{shown}");
        }
    }
}

#[test]
fn unknown_scheme_and_driver_list_what_is_accepted() {
    let err = create_engine("oracle://u@h/db").unwrap_err();
    let Error::UnknownDialect { accepted, .. } = &err else { panic!("{err:?}") };
    assert!(accepted.contains("mysql") && accepted.contains("sqlite") && accepted.contains("supabase"), "{accepted}");
    let err = create_engine("sqlite+nosuchdriver://").unwrap_err();
    let Error::UnknownDriver { accepted, .. } = &err else { panic!("{err:?}") };
    assert!(accepted.contains("aiosqlite"), "{accepted}");
}

#[test]
fn driver_names_from_python_configs_are_accepted() {
    for url in ["sqlite://", "sqlite+aiosqlite://", "SQLite+AioSQLite:///:memory:"] {
        let e = create_engine(url).unwrap();
        assert_eq!(e.dialect(), "sqlite");
    }
}

#[test]
fn unknown_option_is_refused_with_the_accepted_list() {
    let err = create_engine("sqlite://?maxsize=3&bogus=1").unwrap_err();
    let Error::UnknownOption { key, accepted, .. } = &err else { panic!("{err:?}") };
    assert_eq!(key, "bogus");
    assert!(accepted.contains("maxsize") && accepted.contains("journal_mode"), "{accepted}");
    let err = create_engine("sqlite://?pool_timeout=soon").unwrap_err();
    assert!(matches!(err, Error::InvalidOption { .. }), "{err:?}");
}

#[test]
fn engine_debug_hides_the_password() {
    // Build an engine through a URL with a password on a dialect that is lazy (no connect).
    let e = create_engine(&format!("mysql+aiomysql://bot:{SECRET}@127.0.0.1:1/db")).unwrap();
    assert!(!format!("{e:?}").contains(SECRET));
    assert!(format!("{e:?}").contains("bot:***@"));
    assert!(!e.url().to_string().contains(SECRET));
}

#[test]
fn filterless_update_and_delete_are_refused() {
    let e = create_engine("sqlite://").unwrap();
    assert!(matches!(e.compile(&delete_from(&t())), Err(Error::MissingFilter { statement: "DELETE" })));
    assert!(matches!(e.compile(&update(&t()).set_value("id", 1)), Err(Error::MissingFilter { statement: "UPDATE" })));
    assert!(e.compile(&delete_from(&t()).filter(col("id").eq(1))).is_ok());
    assert!(e.compile(&delete_from(&t()).all_rows()).is_ok());
}

#[tokio::test]
async fn filterless_delete_is_refused_before_running() {
    let e = create_engine("sqlite://").unwrap();
    e.create_all(&[&t()]).await.unwrap();
    let err = delete_from(&t()).execute(&e).await.unwrap_err();
    assert!(matches!(err, Error::MissingFilter { .. }), "{err:?}");
}

#[tokio::test]
async fn unsupported_feature_names_dialect_and_feature() {
    let e = create_engine("sqlite://").unwrap();
    let err = e.begin_with(TxOptions::default().read_only()).await.unwrap_err();
    let Error::Unsupported { dialect, feature } = &err else { panic!("{err:?}") };
    assert_eq!(*dialect, "sqlite");
    assert!(feature.contains("read-only"), "{feature}");
}
