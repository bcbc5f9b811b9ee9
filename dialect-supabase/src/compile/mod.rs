//! Statement AST → PostgREST request. Pure: no I/O.

mod filter;
mod select;
pub mod select_list;
mod write;

pub use select_list::select_list;

use crate::request::{RequestContext, RequestParts};
use crate::DIALECT;
use athanor_core::ast::Statement;
use athanor_core::{Error, HttpRequest, Result};

/// Compiles `stmt` to its request parts (before credentials and URL rendering).
/// Raw SQL and DDL are [`Error::Unsupported`].
pub fn compile_parts(stmt: &Statement) -> Result<RequestParts> {
    // Typed columns name their table; PostgREST takes the statement's own columns unqualified
    // (a column of another table stays qualified and is refused).
    let stmt = &*stmt.without_own_qualifiers();
    match stmt {
        Statement::Select(s) => select::compile_select(s),
        Statement::Insert(i) => write::compile_insert(i),
        Statement::Update(u) => write::compile_update(u),
        Statement::Delete(d) => write::compile_delete(d),
        Statement::Raw(_) => Err(Error::unsupported(DIALECT, "raw SQL (text()); use rpc() to call a database function")),
        Statement::CreateTable(_) | Statement::DropTable(_) => {
            Err(Error::unsupported(DIALECT, "DDL (create_all/drop_all); create tables with a migration"))
        }
        #[allow(unreachable_patterns)]
        other => Err(Error::unsupported(DIALECT, other.kind())),
    }
}

/// Compiles `stmt` into the full HTTP request for this context.
pub fn compile(stmt: &Statement, ctx: &RequestContext<'_>) -> Result<HttpRequest> {
    compile_parts(stmt)?.finish(ctx)
}

/// The column names the response rows are decoded in, or `None` for `*` (every key of the
/// object, in the server's order).
pub fn result_columns(stmt: &Statement) -> Option<Vec<String>> {
    let names: Vec<String> = match stmt {
        // The statement's own columns unqualified, as `compile_parts` sends them.
        Statement::Select(_) => match &*stmt.without_own_qualifiers() {
            Statement::Select(s) => select_list::items(s).ok()?.into_iter().map(|i| i.key).collect(),
            _ => unreachable!("a select stays a select"),
        },
        Statement::Insert(i) => i.returning.iter().map(|c| c.to_string()).collect(),
        Statement::Update(u) => u.returning.iter().map(|c| c.to_string()).collect(),
        Statement::Delete(d) => d.returning.iter().map(|c| c.to_string()).collect(),
        _ => Vec::new(),
    };
    if names.is_empty() || names.iter().any(|n| n == "*") {
        None
    } else {
        Some(names)
    }
}
