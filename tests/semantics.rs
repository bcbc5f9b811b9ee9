//! Core query semantics on every SQL dialect (SQLite and MariaDB): `eq(None)` is `IS NULL`,
//! `count()`/`exists()` are "of the rows this query returns", `get_by_key` checks its arity,
//! mixed auto keys in `insert_many`, and raw SQL binds next to backslashes.

mod semantics {
    pub mod support;

    mod count_exists;
    mod get_by_key;
    mod insert_mixed;
    mod named_binds;
    mod null_eq;
    mod options;
}
