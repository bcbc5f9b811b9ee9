//! The statement AST every dialect compiles. Built by [`crate::query`] and by generated model code.

mod expr;
mod statement;

pub use expr::{AggFunc, BinOp, Expr, Nulls, OrderBy};
pub use statement::{Delete, Insert, OnConflict, OnConflictAction, Raw, Select, SelectItem, SelectKind, Statement, Update};
