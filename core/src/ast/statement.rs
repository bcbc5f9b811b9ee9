//! Statements: SELECT, INSERT, UPDATE, DELETE, raw text, and DDL from [`crate::schema::Table`].

use super::expr::{Expr, OrderBy};
use crate::schema::Table;
use crate::value::Value;
use std::borrow::Cow;
use std::sync::Arc;

/// Anything a backend can compile and run.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// SELECT (rows, count or exists).
    Select(Select),
    /// INSERT, single or bulk, with optional ON CONFLICT.
    Insert(Insert),
    /// UPDATE.
    Update(Update),
    /// DELETE.
    Delete(Delete),
    /// Raw SQL text with named binds.
    Raw(Raw),
    /// `CREATE TABLE IF NOT EXISTS` with its indexes.
    CreateTable(Arc<Table>),
    /// `DROP TABLE IF EXISTS`.
    DropTable(Cow<'static, str>),
}

impl Statement {
    /// Short name of the statement kind, for errors and tracing.
    pub fn kind(&self) -> &'static str {
        match self {
            Statement::Select(_) => "SELECT",
            Statement::Insert(_) => "INSERT",
            Statement::Update(_) => "UPDATE",
            Statement::Delete(_) => "DELETE",
            Statement::Raw(_) => "raw SQL",
            Statement::CreateTable(_) => "CREATE TABLE",
            Statement::DropTable(_) => "DROP TABLE",
        }
    }
}

/// What a SELECT returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SelectKind {
    /// The rows.
    #[default]
    Rows,
    /// One row with one integer column: the number of rows the select would return.
    Count,
    /// One row with one boolean/integer column: whether any row matches.
    Exists,
}

/// One item of the select list.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectItem {
    /// The expression.
    pub expr: Expr,
    /// Optional `AS alias`.
    pub alias: Option<Cow<'static, str>>,
}

/// `SELECT … FROM table WHERE … GROUP BY … HAVING … ORDER BY … LIMIT … OFFSET …`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    /// Table name.
    pub table: Cow<'static, str>,
    /// Select list; empty means `*`.
    pub columns: Vec<SelectItem>,
    /// WHERE.
    pub filter: Option<Expr>,
    /// GROUP BY.
    pub group_by: Vec<Expr>,
    /// HAVING.
    pub having: Option<Expr>,
    /// ORDER BY.
    pub order_by: Vec<OrderBy>,
    /// LIMIT.
    pub limit: Option<u64>,
    /// OFFSET.
    pub offset: Option<u64>,
    /// DISTINCT.
    pub distinct: bool,
    /// Rows, count or exists.
    pub kind: SelectKind,
    /// JOINs, in order, after the FROM table.
    pub joins: Vec<Join>,
    /// `FOR UPDATE` / `FOR SHARE` and how to treat locked rows.
    pub lock: Option<RowLock>,
}

/// The kind of a [`Join`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// `INNER JOIN`.
    Inner,
    /// `LEFT JOIN` (the right side's columns are NULL where nothing matches).
    Left,
}

/// `… JOIN table [AS alias] ON condition`.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// Inner or left.
    pub kind: JoinKind,
    /// The joined table.
    pub table: Cow<'static, str>,
    /// Optional alias (to join a table to itself).
    pub alias: Option<Cow<'static, str>>,
    /// The ON condition.
    pub on: Expr,
}

/// How strongly a [`RowLock`] locks the selected rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockStrength {
    /// `FOR UPDATE`.
    Update,
    /// `FOR SHARE` (MySQL 8 / PostgreSQL; MariaDB `LOCK IN SHARE MODE`).
    Share,
}

/// What a locking select does about rows another transaction holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LockWait {
    /// Wait for them.
    #[default]
    Wait,
    /// Fail at once (`NOWAIT`).
    NoWait,
    /// Leave them out (`SKIP LOCKED`).
    SkipLocked,
}

/// `FOR UPDATE [NOWAIT | SKIP LOCKED]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowLock {
    /// Update or share.
    pub strength: LockStrength,
    /// Waiting behaviour.
    pub wait: LockWait,
}

/// What to do when an INSERT hits a unique key.
#[derive(Debug, Clone, PartialEq)]
pub struct OnConflict {
    /// The conflict target columns; empty means "any unique key" (MySQL's only form; PostgREST
    /// then uses the primary key).
    pub target: Vec<Cow<'static, str>>,
    /// The action.
    pub action: OnConflictAction,
}

/// The action of an [`OnConflict`].
#[derive(Debug, Clone, PartialEq)]
pub enum OnConflictAction {
    /// Keep the existing row.
    DoNothing,
    /// Overwrite these columns with the new row's values.
    Update(Vec<Cow<'static, str>>),
    /// Assign expressions: [`Expr::Column`] is the existing row's value, [`Expr::Excluded`]
    /// the one the INSERT proposed (`SET volume = volume + excluded.volume`).
    Set(Vec<(Cow<'static, str>, Expr)>),
}

/// `INSERT INTO table (cols) VALUES (…), (…)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Insert {
    /// Table name.
    pub table: Cow<'static, str>,
    /// Column names, in the order of each row's values.
    pub columns: Vec<Cow<'static, str>>,
    /// Rows of values.
    pub rows: Vec<Vec<Value>>,
    /// ON CONFLICT / ON DUPLICATE KEY behaviour.
    pub on_conflict: Option<OnConflict>,
    /// RETURNING columns (needs the dialect's `insert_returning` capability).
    pub returning: Vec<Cow<'static, str>>,
}

/// `UPDATE table SET … WHERE …`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Update {
    /// Table name.
    pub table: Cow<'static, str>,
    /// Assignments.
    pub set: Vec<(Cow<'static, str>, Expr)>,
    /// WHERE.
    pub filter: Option<Expr>,
    /// Explicitly allow a filterless update.
    pub all_rows: bool,
    /// RETURNING columns.
    pub returning: Vec<Cow<'static, str>>,
}

/// `DELETE FROM table WHERE …`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Delete {
    /// Table name.
    pub table: Cow<'static, str>,
    /// WHERE.
    pub filter: Option<Expr>,
    /// Explicitly allow a filterless delete.
    pub all_rows: bool,
    /// RETURNING columns.
    pub returning: Vec<Cow<'static, str>>,
}

/// Raw SQL with `:name` binds, like SQLAlchemy's `text()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Raw {
    /// The SQL text.
    pub sql: String,
    /// Named values.
    pub binds: Vec<(String, Value)>,
}
