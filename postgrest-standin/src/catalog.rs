//! What the server knows of a table: its columns with their types, and its primary key.

use crate::error::ApiError;
use sqlx::PgPool;

/// A table as the catalog describes it.
#[derive(Debug, Clone)]
pub struct TableInfo {
    /// Schema name.
    pub schema: String,
    /// Table name.
    pub name: String,
    /// `(column, format_type(…))` in column order.
    pub columns: Vec<(String, String)>,
    /// Primary key columns.
    pub primary_key: Vec<String>,
}

impl TableInfo {
    /// `"schema"."table"`.
    pub fn qualified(&self) -> String {
        format!("{}.{}", crate::quote_ident(&self.schema), crate::quote_ident(&self.name))
    }

    /// The SQL type of `column`, or PostgREST's 42703 error.
    pub fn type_of(&self, column: &str) -> Result<&str, ApiError> {
        self.columns
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, t)| t.as_str())
            .ok_or_else(|| ApiError::new(400, "42703", format!("column {}.{} does not exist", self.name, column)))
    }
}

/// Looks `schema.name` up; an unknown table is PostgREST's `PGRST205` (404).
pub async fn table(pool: &PgPool, schema: &str, name: &str) -> Result<TableInfo, ApiError> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'v', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY a.attnum",
    )
    .bind(schema)
    .bind(name)
    .fetch_all(pool)
    .await?;
    if columns.is_empty() {
        return Err(ApiError::new(404, "PGRST205", format!("Could not find the table '{schema}.{name}' in the schema cache")));
    }
    let primary_key: Vec<(String,)> = sqlx::query_as(
        "SELECT a.attname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
         WHERE i.indisprimary AND n.nspname = $1 AND c.relname = $2 ORDER BY array_position(i.indkey::int2[], a.attnum)",
    )
    .bind(schema)
    .bind(name)
    .fetch_all(pool)
    .await?;
    Ok(TableInfo {
        schema: schema.to_owned(),
        name: name.to_owned(),
        columns,
        primary_key: primary_key.into_iter().map(|(c,)| c).collect(),
    })
}
