//! [`Returning`]: an UPDATE or DELETE that hands back the rows it changed (`… RETURNING`).
//!
//! Where the dialect has no such clause ([`crate::Capabilities::update_returning`] /
//! [`crate::Capabilities::delete_returning`]: MySQL, MariaDB's UPDATE) compiling it is
//! [`crate::Error::Unsupported`], before the statement is sent.

use super::{AsStatement, Delete, Update};
use crate::ast::Statement;
use crate::engine::Executor;
use crate::error::Result;
use crate::model::{FromRow, RowCache};
use crate::row::RowAccess;

/// An UPDATE or DELETE with a RETURNING list, decoding each returned row into `M` (a model, or
/// [`crate::Row`] for Core tables). Built by `Update::returning` / `Delete::returning`.
#[derive(Debug, Clone, PartialEq)]
pub struct Returning<M> {
    write: Write<M>,
}

#[derive(Debug, Clone, PartialEq)]
enum Write<M> {
    Update(Update<M>),
    Delete(Delete<M>),
}

impl<M> Returning<M> {
    pub(crate) fn update(u: Update<M>) -> Self {
        Returning { write: Write::Update(u) }
    }
    pub(crate) fn delete(d: Delete<M>) -> Self {
        Returning { write: Write::Delete(d) }
    }
}

/// Checks the values (as `execute` would) and builds the statement.
impl<M> AsStatement for Returning<M> {
    fn as_statement(&self) -> Result<Statement> {
        match &self.write {
            Write::Update(u) => u.as_statement(),
            Write::Delete(d) => d.as_statement(),
        }
    }
}

impl<M: FromRow> Returning<M> {
    /// Runs it; returns the changed rows (in the server's order).
    pub async fn all<'e, E: Executor<'e>>(self, exec: E) -> Result<Vec<M>> {
        let stmt = self.as_statement()?;
        let mut out = Vec::new();
        let mut cache = RowCache::default();
        exec.fetch(&stmt, &mut |row: &dyn RowAccess| {
            out.push(M::from_row(row, &mut cache)?);
            Ok(())
        })
        .await?;
        Ok(out)
    }
}
