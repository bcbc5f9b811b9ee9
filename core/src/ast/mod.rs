//! The statement AST every dialect compiles. Built by [`crate::query`] and by generated model code.

mod expr;
mod qualify;
mod statement;

pub use expr::{AggFunc, ArithOp, BinOp, CastType, Expr, Nulls, OrderBy, ScalarFunc};
pub use statement::{
    Delete, Insert, Join, JoinKind, LockStrength, LockWait, OnConflict, OnConflictAction, Raw, RowLock, Select, SelectItem, SelectKind,
    Statement, Update,
};
