//! What `#[derive(Model)]` implements: [`FromRow`], [`Model`], and typed [`Column`] handles.

use crate::ast::{Expr, OrderBy};
use crate::engine::Executor;
use crate::error::Result;
use crate::query::{escape_like, Col, ColumnName, Delete, InsertMany, InsertOne, Literal, Operand, Select, TypedExpr, Update};
use crate::row::{column_names, Row, RowAccess};
use crate::schema::Table;
use crate::value::{SqlType, Value};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

/// Per-result state a decoder may keep between rows (the column names, for [`Row`]; where a
/// model's or a `#[derive(FromRow)]` struct's columns are); forgotten when a row of another result
/// set comes ([`RowAccess::result_set`]).
#[derive(Debug, Default)]
pub struct RowCache {
    names: Option<Arc<[String]>>,
    indices: Option<Box<[usize]>>,
    /// The result has a model's columns in field order.
    in_order: bool,
    result_set: usize,
}

impl RowCache {
    /// Forgets what was learned from another result set's rows.
    fn sync(&mut self, row: &dyn RowAccess) {
        let set = row.result_set();
        if set != self.result_set {
            *self = RowCache { result_set: set, ..RowCache::default() };
        }
    }

    /// The positions of the columns `names` in this result, looked up on the first row and kept
    /// for the rest (what `#[derive(FromRow)]` structs decode by). A name the result lacks, or
    /// holds twice, is an error naming `what`.
    pub fn columns_by_name(&mut self, row: &dyn RowAccess, names: &[&str], what: &str) -> Result<&[usize]> {
        self.sync(row);
        if self.indices.is_none() {
            self.indices = Some(find_by_name(row, names, what, false)?);
        }
        Ok(self.indices.as_deref().expect("set above"))
    }

    /// How a model whose columns are `names` (in field order) reads this result: `None` when it
    /// has exactly those columns in that order (what a model query selects: read by position),
    /// else their positions by name (raw SQL listing them in another order, or with more
    /// columns), exact names first, then ignoring ASCII case (MySQL keeps a raw `ID` as written).
    /// A column missing or named twice is an error naming `what`. Looked up once per result set.
    pub fn model_columns(&mut self, row: &dyn RowAccess, names: &[&str], what: &str) -> Result<Option<&[usize]>> {
        self.sync(row);
        if !self.in_order && self.indices.is_none() {
            if row.len() == names.len() && names.iter().enumerate().all(|(i, n)| row.name(i) == *n) {
                self.in_order = true;
            } else {
                self.indices = Some(find_by_name(row, names, what, true)?);
            }
        }
        Ok(if self.in_order { None } else { self.indices.as_deref() })
    }
}

/// The position of each of `names` in `row`; with `fold_case`, a name found nowhere exactly is
/// looked up again ignoring ASCII case.
fn find_by_name(row: &dyn RowAccess, names: &[&str], what: &str, fold_case: bool) -> Result<Box<[usize]>> {
    let mut found = Vec::with_capacity(names.len());
    for name in names {
        let matches = |eq: &dyn Fn(&str) -> bool| (0..row.len()).filter(|&i| eq(row.name(i))).collect::<Vec<_>>();
        let mut at = matches(&|n| n == *name);
        if at.is_empty() && fold_case {
            at = matches(&|n| n.eq_ignore_ascii_case(name));
        }
        let [i] = at[..] else {
            let have = (0..row.len()).map(|i| row.name(i)).collect::<Vec<_>>().join(", ");
            let why = if at.is_empty() { "has no column" } else { "has more than one column" };
            return Err(crate::Error::decode(what, format!("the result {why} named `{name}` (it has: {have}); label the expression")));
        };
        found.push(i);
    }
    Ok(found.into_boxed_slice())
}

/// Decodes one row. Models decode their fields by position, each in one read (by name when a
/// raw query lists their columns in another order: [`RowCache::model_columns`]).
pub trait FromRow: Sized + Send + 'static {
    /// Decodes `row`.
    fn from_row(row: &dyn RowAccess, cache: &mut RowCache) -> Result<Self>;
}

impl FromRow for Row {
    fn from_row(row: &dyn RowAccess, cache: &mut RowCache) -> Result<Self> {
        cache.sync(row);
        let names = cache.names.get_or_insert_with(|| column_names(row));
        Row::from_access(row, names)
    }
}

/// A table mapped to a struct. Implemented by `#[derive(Model)]`.
pub trait Model: FromRow + Sync + Sized {
    /// The table name.
    const TABLE: &'static str;
    /// Column names in field order; selects list exactly these, so decoding is by position (raw
    /// SQL that lists them otherwise is read by name).
    const COLUMNS: &'static [&'static str];
    /// Primary key columns.
    const PRIMARY_KEY: &'static [&'static str];
    /// The auto-increment column, if any.
    const AUTO_INCREMENT: Option<&'static str>;

    /// The table definition, for `create_all`.
    fn table() -> &'static Table;
    /// Field values in [`Model::COLUMNS`] order.
    fn values(&self) -> Vec<Value>;
    /// Primary key values in [`Model::PRIMARY_KEY`] order.
    fn primary_key_values(&self) -> Vec<Value>;
    /// Stores a database-generated key into the auto-increment field.
    fn set_generated_key(&mut self, key: Value) -> Result<()>;

    /// `SELECT <columns> FROM <table>`.
    fn select() -> Select<Self> {
        Select::from_model()
    }
    /// INSERT of this row; `.execute()` returns it with its generated key.
    fn insert(&self) -> InsertOne<Self>
    where
        Self: Clone,
    {
        InsertOne::new(self.clone())
    }
    /// Bulk INSERT, split by the dialect into statements within the server's limits.
    fn insert_many(rows: &[Self]) -> InsertMany<Self> {
        InsertMany::new(rows)
    }
    /// `UPDATE <table>`; needs a filter or `.all_rows()`.
    fn update() -> Update<Self> {
        Update::for_table(std::borrow::Cow::Borrowed(Self::table()))
    }
    /// `DELETE FROM <table>`; needs a filter or `.all_rows()`.
    fn delete() -> Delete<Self> {
        Delete::new(Self::TABLE)
    }
    /// Select by primary key (values in [`Model::PRIMARY_KEY`] order); use `.first()` or `.one()`.
    ///
    /// A key with the wrong number of values, or a model without a primary key, makes the select
    /// fail with [`Error::InvalidQuery`](crate::Error::InvalidQuery) before any I/O (as
    /// SQLAlchemy's `Session.get` does).
    fn get_by_key(key: impl IntoKey) -> Select<Self> {
        let values = key.into_key();
        let (table, pk) = (Self::TABLE, Self::PRIMARY_KEY);
        if pk.is_empty() {
            return Self::select().refuse(format!("get_by_key on `{table}`, which has no primary key"));
        }
        if values.len() != pk.len() {
            return Self::select().refuse(format!(
                "get_by_key on `{table}` takes {} key value(s) ({}), got {}",
                pk.len(),
                pk.join(", "),
                values.len()
            ));
        }
        let filter = pk.iter().zip(values).map(|(c, v)| Col::new(*c).eq(v)).reduce(Expr::and).expect("a non-empty key");
        Self::select().filter(filter)
    }
    /// Every column except the primary key and auto-increment ones (for `on_conflict_update`).
    fn non_key_columns() -> Vec<&'static str> {
        Self::COLUMNS.iter().copied().filter(|c| !Self::PRIMARY_KEY.contains(c) && Some(*c) != Self::AUTO_INCREMENT).collect()
    }

    /// Writes every non-key field to the row with this instance's primary key (`UPDATE … SET
    /// <all non-key columns> WHERE <key>`), with the value checks of every write.
    /// [`Error::NotFound`](crate::Error::NotFound) when no row has the key (saving an unchanged
    /// instance is not an error on any dialect); [`Error::InvalidQuery`](crate::Error::InvalidQuery)
    /// for a model without a primary key. See [`crate::query::instance`].
    fn save<'e, E: Executor<'e>>(&self, exec: E) -> impl Future<Output = Result<()>> + Send {
        crate::query::instance::save(self, exec)
    }
    /// Writes only `columns` (names or typed handles: `&[Candle::CLOSE]`) to the row with this
    /// instance's key; errors as [`Model::save`]. A key column, an unknown name or an empty list
    /// is [`Error::InvalidQuery`](crate::Error::InvalidQuery) before any I/O.
    fn update_columns<'e, E: Executor<'e>, C: ColumnName>(
        &self,
        exec: E,
        columns: impl IntoIterator<Item = C>,
    ) -> impl Future<Output = Result<()>> + Send {
        let names = crate::query::instance::columns_to_write::<Self>(columns.into_iter().map(|c| c.column_name()).collect());
        async move { crate::query::instance::write_columns(self, exec, &names?, "update_columns").await }
    }
    /// Deletes the row with this instance's primary key. Named apart from the associated
    /// [`Model::delete`] builder (`Candle::delete().filter(..)`), as peewee's `delete_instance`;
    /// errors as [`Model::save`].
    fn delete_instance<'e, E: Executor<'e>>(&self, exec: E) -> impl Future<Output = Result<()>> + Send {
        crate::query::instance::delete(self, exec)
    }
    /// Reloads every field from the row with this instance's primary key (fields marked
    /// `#[athanor(skip)]` get their default, as in a select); errors as [`Model::save`].
    fn refresh<'e, E: Executor<'e>>(&mut self, exec: E) -> impl Future<Output = Result<()>> + Send {
        crate::query::instance::refresh(self, exec)
    }
}

/// A primary key value or tuple of values.
pub trait IntoKey {
    /// The values in key order.
    fn into_key(self) -> Vec<Value>;
}
impl<T: Into<Value>> IntoKey for T {
    fn into_key(self) -> Vec<Value> {
        vec![self.into()]
    }
}
impl<A: Into<Value>, B: Into<Value>> IntoKey for (A, B) {
    fn into_key(self) -> Vec<Value> {
        vec![self.0.into(), self.1.into()]
    }
}
impl<A: Into<Value>, B: Into<Value>, C: Into<Value>> IntoKey for (A, B, C) {
    fn into_key(self) -> Vec<Value> {
        vec![self.0.into(), self.1.into(), self.2.into()]
    }
}

/// A typed column of model `M` holding `T`: `Candle::CLOSE: Column<Candle, Decimal>`. Comparisons
/// only accept values of `T`, so a mismatch does not compile.
pub struct Column<M, T> {
    /// The table (empty: unknown, the column compiles unqualified).
    table: &'static str,
    name: &'static str,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Column<M, T> {}
impl<M, T> std::fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.table {
            "" => write!(f, "Column({})", self.name),
            t => write!(f, "Column({t}.{})", self.name),
        }
    }
}

impl<M, T: SqlType> Column<M, T> {
    /// Ascending order. On a nullable (`Option`) column NULLs come first on every dialect, as
    /// if NULL were the smallest value (PostgreSQL is told `NULLS FIRST`); `nulls_last()` changes it.
    pub fn asc(self) -> OrderBy {
        let o = self.expr().asc();
        if T::NULLABLE {
            o.nulls_first()
        } else {
            o
        }
    }
    /// Descending order. On a nullable (`Option`) column NULLs come last on every dialect.
    pub fn desc(self) -> OrderBy {
        let o = self.expr().desc();
        if T::NULLABLE {
            o.nulls_last()
        } else {
            o
        }
    }
}

impl<M, T> Column<M, T> {
    /// A handle for the column `name` of an unnamed table: it compiles unqualified.
    pub const fn new(name: &'static str) -> Self {
        Column { table: "", name, _marker: PhantomData }
    }
    /// A handle for the column `name` of `table` (what `#[derive(Model)]` generates). Its
    /// expressions name the table ([`Expr::QualifiedColumn`]), so a join can tell `orders.id`
    /// from `fills.id`; a statement on that table alone compiles it unqualified.
    pub const fn in_table(table: &'static str, name: &'static str) -> Self {
        Column { table, name, _marker: PhantomData }
    }
    /// The column name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
    /// The table name (empty for a column made by [`Column::new`]).
    pub const fn table(&self) -> &'static str {
        self.table
    }
    /// The column as an expression, qualified with its table when it has one.
    pub fn expr(self) -> Expr {
        self.col().expr()
    }
    /// The same column of a join alias (`Order::ID.of_alias("parent")`), for self-joins.
    pub fn of_alias(self, alias: &'static str) -> TypedExpr<T> {
        TypedExpr::new(Col::of(alias, self.name).expr())
    }
    fn col(self) -> Col {
        if self.table.is_empty() {
            Col::new(self.name)
        } else {
            Col::of(self.table, self.name)
        }
    }
}

impl<M, T> Column<M, T> {
    /// The column as a typed expression (what arithmetic, functions and projections build on).
    pub fn typed(self) -> TypedExpr<T> {
        TypedExpr::from(self)
    }
    /// `col = v` (a value, a column or an expression of `T`; `IS NULL` for a NULL value).
    pub fn eq(self, v: impl Operand<T>) -> Expr {
        self.typed().eq(v)
    }
    /// `col <> v` (`IS NOT NULL` for a NULL value).
    pub fn ne(self, v: impl Operand<T>) -> Expr {
        self.typed().ne(v)
    }
    /// `col < v`.
    pub fn lt(self, v: impl Operand<T>) -> Expr {
        self.typed().lt(v)
    }
    /// `col <= v`.
    pub fn le(self, v: impl Operand<T>) -> Expr {
        self.typed().le(v)
    }
    /// `col > v`.
    pub fn gt(self, v: impl Operand<T>) -> Expr {
        self.typed().gt(v)
    }
    /// `col >= v`.
    pub fn ge(self, v: impl Operand<T>) -> Expr {
        self.typed().ge(v)
    }
    /// `col BETWEEN low AND high`.
    pub fn between(self, low: impl Operand<T>, high: impl Operand<T>) -> Expr {
        self.typed().between(low, high)
    }
    /// `col IN (…)`; an empty list matches nothing.
    pub fn in_list<V: Literal<T>>(self, values: impl IntoIterator<Item = V>) -> Expr {
        self.typed().in_list(values)
    }
    /// `col NOT IN (…)`; an empty list matches everything.
    pub fn not_in_list<V: Literal<T>>(self, values: impl IntoIterator<Item = V>) -> Expr {
        self.typed().not_in_list(values)
    }
}

impl<M, T: SqlType> Column<M, Option<T>> {
    /// `col IS NULL`.
    pub fn is_null(self) -> Expr {
        self.typed().is_null()
    }
    /// `col IS NOT NULL`.
    pub fn is_not_null(self) -> Expr {
        self.typed().is_not_null()
    }
}

/// Text columns: pattern matching, with one meaning on every dialect (see [`Col::like`]).
pub trait TextColumn: Sized {
    /// `col LIKE pattern`: case-sensitive; `%`, `_` wildcards, `\` escapes the next character.
    fn like(self, pattern: &str) -> Expr;
    /// Case-insensitive LIKE (`ILIKE`, or `LOWER(col) LIKE LOWER(pattern)` where emulated).
    fn ilike(self, pattern: &str) -> Expr;
    /// The text contains `s`, taken literally (SQLAlchemy's `contains(.., autoescape=True)`).
    fn contains(self, s: &str) -> Expr {
        self.like(&format!("%{}%", escape_like(s)))
    }
    /// The text starts with `s`, taken literally.
    fn starts_with(self, s: &str) -> Expr {
        self.like(&format!("{}%", escape_like(s)))
    }
    /// The text ends with `s`, taken literally.
    fn ends_with(self, s: &str) -> Expr {
        self.like(&format!("%{}", escape_like(s)))
    }
    /// Case-insensitive [`TextColumn::contains`].
    fn icontains(self, s: &str) -> Expr {
        self.ilike(&format!("%{}%", escape_like(s)))
    }
    /// Case-insensitive [`TextColumn::starts_with`].
    fn istarts_with(self, s: &str) -> Expr {
        self.ilike(&format!("{}%", escape_like(s)))
    }
    /// Case-insensitive [`TextColumn::ends_with`].
    fn iends_with(self, s: &str) -> Expr {
        self.ilike(&format!("%{}", escape_like(s)))
    }
}
impl<M> TextColumn for Column<M, String> {
    fn like(self, pattern: &str) -> Expr {
        self.col().like(pattern)
    }
    fn ilike(self, pattern: &str) -> Expr {
        self.col().ilike(pattern)
    }
}
impl<M> TextColumn for Column<M, Option<String>> {
    fn like(self, pattern: &str) -> Expr {
        self.col().like(pattern)
    }
    fn ilike(self, pattern: &str) -> Expr {
        self.col().ilike(pattern)
    }
}

impl<M, T: SqlType> From<Column<M, T>> for OrderBy {
    fn from(c: Column<M, T>) -> OrderBy {
        c.asc()
    }
}
impl<M, T> From<Column<M, T>> for Expr {
    fn from(c: Column<M, T>) -> Expr {
        c.expr()
    }
}
impl<M, T> ColumnName for Column<M, T> {
    fn column_name(&self) -> &'static str {
        self.name
    }
}
