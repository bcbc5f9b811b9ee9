//! The WHERE, `.all_rows()` and RETURNING builders that [`super::Update`] and [`super::Delete`]
//! share.

/// Adds `filter`, `all_rows` and `returning_columns` to `$builder<M>`, whose `stmt` has the
/// `filter`, `all_rows` and `returning` fields, and which `Returning::$wrap` takes. `$sql`
/// ("UPDATE"), `$a_sql` ("an UPDATE") and `$done` ("updated") word the docs.
macro_rules! write_clauses {
    ($builder:ident, $wrap:ident, $sql:literal, $a_sql:literal, $done:literal) => {
        impl<M> $builder<M> {
            /// Adds a WHERE condition (ANDed with earlier ones).
            pub fn filter(mut self, cond: $crate::ast::Expr) -> Self {
                self.stmt.filter = Some($crate::ast::Expr::and_onto(self.stmt.filter.take(), cond));
                self
            }
            #[doc = concat!("Allows ", $a_sql, " of every row.")]
            pub fn all_rows(mut self) -> Self {
                self.stmt.all_rows = true;
                self
            }
            #[doc = concat!("`", $sql, " … RETURNING` the listed columns; `.all(exec)` returns the ", $done, " rows (see")]
            /// [`Returning`](crate::query::Returning) for the dialects that have it).
            pub fn returning_columns<S: Into<::std::borrow::Cow<'static, str>>>(
                mut self,
                cols: impl IntoIterator<Item = S>,
            ) -> $crate::query::Returning<M> {
                self.stmt.returning = cols.into_iter().map(Into::into).collect();
                $crate::query::Returning::$wrap(self)
            }
        }
    };
}
pub(super) use write_clauses;
