//! Rows: the access trait dialects implement over their native rows, and an owned [`Row`].

use crate::error::{Error, Result};
use crate::value::{decode, FromValue, Value, ValueKind};
use std::sync::Arc;

/// Read access to one row as the dialect holds it (a sqlx row, a JSON object).
/// Decoders read each column once, by index, asking for the kind they need.
pub trait RowAccess {
    /// Number of columns.
    fn len(&self) -> usize;
    /// True when the row has no columns.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Name of column `i`.
    fn name(&self, i: usize) -> &str;
    /// Value of column `i`, read as `kind` (or as the column's own type for [`ValueKind::Any`]).
    fn get(&self, i: usize, kind: ValueKind) -> Result<Value>;
    /// Index of the column named `name`.
    fn index_of(&self, name: &str) -> Option<usize> {
        (0..self.len()).find(|&i| self.name(i) == name)
    }
    /// Which result set of the statement's answer the row belongs to (raw SQL of several
    /// statements answers with several, each with its own columns): what a decoder learned from
    /// an earlier row (names, positions) holds only while this stays the same.
    fn result_set(&self) -> usize {
        0
    }
}

/// `row` seen through `at`: its column `i` is `row`'s column `at[i]` (a model read by name).
pub struct Reordered<'a> {
    row: &'a dyn RowAccess,
    at: &'a [usize],
}

impl<'a> Reordered<'a> {
    /// Column `i` of the view is column `at[i]` of `row`.
    pub fn new(row: &'a dyn RowAccess, at: &'a [usize]) -> Self {
        Reordered { row, at }
    }
}

impl RowAccess for Reordered<'_> {
    fn len(&self) -> usize {
        self.at.len()
    }
    fn name(&self, i: usize) -> &str {
        self.row.name(self.at[i])
    }
    fn get(&self, i: usize, kind: ValueKind) -> Result<Value> {
        self.row.get(self.at[i], kind)
    }
    fn result_set(&self) -> usize {
        self.row.result_set()
    }
}

/// Decodes column `i` of `row` into `T`, naming the column in errors.
pub fn get_at<T: FromValue>(row: &dyn RowAccess, i: usize) -> Result<T> {
    if i >= row.len() {
        return Err(Error::decode(format!("#{i}"), format!("the row has only {} columns", row.len())));
    }
    let v = row.get(i, T::KIND).map_err(|e| match e {
        Error::Decode { .. } => e,
        other => Error::decode(row.name(i), other),
    })?;
    decode(row.name(i), v)
}

/// An owned row: column names shared between the rows of one result, and values.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// A row from shared column names and its values.
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        Row { columns, values }
    }
    /// Reads every column of `row` with [`ValueKind::Any`].
    pub fn from_access(row: &dyn RowAccess, columns: &Arc<[String]>) -> Result<Self> {
        let values = (0..row.len()).map(|i| row.get(i, ValueKind::Any)).collect::<Result<_>>()?;
        Ok(Row { columns: columns.clone(), values })
    }
    /// Column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }
    /// Values in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
    /// Consumes the row into its values.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
    /// The column named `name` decoded as `T`. A name the row holds twice (`SELECT a.id, b.id`)
    /// is an error, as in SQLAlchemy, not the first of them: label the columns, or read by
    /// position with [`Row::get_index`].
    pub fn get<T: FromValue>(&self, name: &str) -> Result<T> {
        let mut at = self.columns.iter().enumerate().filter(|(_, c)| *c == name).map(|(i, _)| i);
        let i = at.next().ok_or_else(|| Error::decode(name, format!("no such column; the row has {:?}", self.columns)))?;
        if at.next().is_some() {
            return Err(Error::decode(
                name,
                format!(
                    "ambiguous: the row has more than one column of that name ({:?}); label them with AS, or use get_index",
                    self.columns
                ),
            ));
        }
        decode(name, self.values[i].clone())
    }
    /// Column `i` decoded as `T`.
    pub fn get_index<T: FromValue>(&self, i: usize) -> Result<T> {
        get_at(self, i)
    }
}

impl RowAccess for Row {
    fn len(&self) -> usize {
        self.values.len()
    }
    fn name(&self, i: usize) -> &str {
        &self.columns[i]
    }
    fn get(&self, i: usize, _kind: ValueKind) -> Result<Value> {
        Ok(self.values[i].clone())
    }
}

/// Column names of `row`, collected once per result set.
pub fn column_names(row: &dyn RowAccess) -> Arc<[String]> {
    (0..row.len()).map(|i| row.name(i).to_owned()).collect::<Vec<_>>().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_by_name_refuses_a_name_held_twice() {
        let cols: Arc<[String]> = vec!["id".to_string(), "v".to_string(), "id".to_string()].into();
        let row = Row::new(cols, vec![Value::I64(1), Value::I64(2), Value::I64(3)]);
        let err = row.get::<i64>("id").unwrap_err();
        assert!(err.to_string().contains("ambiguous"), "{err}");
        assert_eq!(row.get::<i64>("v").unwrap(), 2);
        assert_eq!(row.get_index::<i64>(2).unwrap(), 3);
        assert!(row.get::<i64>("nope").unwrap_err().to_string().contains("no such column"));
    }
}
