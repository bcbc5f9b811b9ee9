//! Athanor's derive macros: `#[derive(Model)]` maps a struct with named fields to a table.
//!
//! Use it through the facade (`athanor::Model`); the generated code refers only to
//! `::athanor::__private::…` paths.
//!
//! Struct attributes: `#[athanor(table = "name")]` (default: the snake_case struct name),
//! `#[athanor(unique(a, b))]` and `#[athanor(index(a, b))]` (multi-column keys, by field name).
//!
//! Field attributes: `primary_key` (on one or several fields), `auto_increment` (an integer
//! primary key), `column = "name"`, `unique`, `unique_with = "other_field"`, `index`,
//! `max_len = N` (String), `text` (String as unbounded TEXT), `precision = P, scale = S`
//! (Decimal), `precision = 0..=6` (fractional-second digits of a `NaiveDateTime`,
//! `DateTime<Utc>` or `NaiveTime`; default 6: `DATETIME(3)` on MySQL), `default = <literal>`, `references = "table(column)"`, and `skip` (not a column,
//! `Default::default()` on decode). `Option<T>` is a nullable column.
//!
//! Generated: typed column handles as associated consts in UPPER_SNAKE
//! (`Candle::SYMBOL: Column<Candle, String>`), `FromRow` decoding by position in one pass, and
//! `Model` (names, the `Table` for `create_all`, values, keys, the generated-key setter).

mod attrs;
mod codegen;
mod from_row;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `athanor::Model` (and `FromRow`) for a struct with named fields. See the crate docs
/// for the attributes.
#[proc_macro_derive(Model, attributes(athanor))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match attrs::parse(&input) {
        Ok(def) => codegen::expand(&def).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Derives `athanor::FromRow` for a struct with named fields, decoded from a projection by
/// column name: each field reads the result column of its name, or of
/// `#[athanor(column = "label")]`. Names are resolved once per result, then rows decode by
/// position. Use it with `Select::decode_as::<T>()` or `text(..).fetch_all_as::<T>()`.
#[proc_macro_derive(FromRow, attributes(athanor))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match from_row::expand(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}
