//! [`FromColumns`]: a value read from a fixed run of a row's columns, so tuples can be decoded
//! by position from projections and joins: `(NaiveDateTime, Decimal)`, `(Order, Option<Fill>)`.

use crate::error::{Error, Result};
use crate::model::{FromRow, Model, RowCache};
use crate::row::{get_at, RowAccess};
use crate::value::{Value, ValueKind};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// Reads [`FromColumns::WIDTH`] consecutive columns starting at `start`, by position (no name
/// lookups per row). A column type reads one column; a model (derived) reads its
/// [`Model::COLUMNS`]; `Option<M>` of a model is `None` where its primary key columns are all
/// NULL (the unmatched side of a LEFT JOIN, as SQLAlchemy returns it).
pub trait FromColumns: Sized + Send + 'static {
    /// How many columns it reads.
    const WIDTH: usize;
    /// Decodes columns `start .. start + WIDTH` of `row`.
    fn from_columns(row: &dyn RowAccess, start: usize) -> Result<Self>;
}

macro_rules! one_column {
    ($($t:ty),*) => {$(
        impl FromColumns for $t {
            const WIDTH: usize = 1;
            fn from_columns(row: &dyn RowAccess, start: usize) -> Result<Self> {
                get_at(row, start)
            }
        }
        impl FromColumns for Option<$t> {
            const WIDTH: usize = 1;
            fn from_columns(row: &dyn RowAccess, start: usize) -> Result<Self> {
                get_at(row, start)
            }
        }
    )*};
}
// The type names `with_sql_types!` passes are resolved here (chrono, Decimal, Uuid above).
crate::value::with_sql_types!(one_column);

impl<M: Model + FromColumns> FromColumns for Option<M> {
    const WIDTH: usize = M::WIDTH;
    fn from_columns(row: &dyn RowAccess, start: usize) -> Result<Self> {
        let key: &[&str] = if M::PRIMARY_KEY.is_empty() { M::COLUMNS } else { M::PRIMARY_KEY };
        for name in key {
            let Some(i) = M::COLUMNS.iter().position(|c| c == name) else { continue };
            if !matches!(row.get(start + i, ValueKind::Any)?, Value::Null) {
                return M::from_columns(row, start).map(Some);
            }
        }
        Ok(None)
    }
}

/// Checks that `row` has exactly `width` columns (a projection and its Rust type agree).
pub fn check_width(row: &dyn RowAccess, width: usize, what: &str) -> Result<()> {
    if row.len() != width {
        return Err(Error::decode(what, format!("expected {width} columns, the row has {}", row.len())));
    }
    Ok(())
}

macro_rules! tuple {
    ($($name:ident),+) => {
        impl<$($name: FromColumns),+> FromColumns for ($($name,)+) {
            const WIDTH: usize = 0 $(+ $name::WIDTH)+;
            #[allow(unused_assignments)]
            fn from_columns(row: &dyn RowAccess, start: usize) -> Result<Self> {
                let mut at = start;
                Ok(($({
                    let v = $name::from_columns(row, at)?;
                    at += $name::WIDTH;
                    v
                },)+))
            }
        }
        impl<$($name: FromColumns),+> FromRow for ($($name,)+) {
            fn from_row(row: &dyn RowAccess, _cache: &mut RowCache) -> Result<Self> {
                check_width(row, <Self as FromColumns>::WIDTH, "tuple")?;
                <Self as FromColumns>::from_columns(row, 0)
            }
        }
    };
}
/// Calls `$m!` with the type parameters of every tuple arity, 1 to 12, so the tuples that decode
/// ([`FromColumns`]) and the ones a projection lists (`Selectable`) are the same list.
macro_rules! with_tuples {
    ($m:ident) => {
        $m!(A);
        $m!(A, B);
        $m!(A, B, C);
        $m!(A, B, C, D);
        $m!(A, B, C, D, E);
        $m!(A, B, C, D, E, F);
        $m!(A, B, C, D, E, F, G);
        $m!(A, B, C, D, E, F, G, H);
        $m!(A, B, C, D, E, F, G, H, I);
        $m!(A, B, C, D, E, F, G, H, I, J);
        $m!(A, B, C, D, E, F, G, H, I, J, K);
        $m!(A, B, C, D, E, F, G, H, I, J, K, L);
    };
}
pub(crate) use with_tuples;
with_tuples!(tuple);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::Row;
    use std::sync::Arc;

    fn row(values: Vec<Value>) -> Row {
        let names: Arc<[String]> = (0..values.len()).map(|i| format!("c{i}")).collect::<Vec<_>>().into();
        Row::new(names, values)
    }

    #[test]
    fn tuples_decode_by_position_and_check_their_width() {
        let r = row(vec![Value::I64(7), Value::String("x".into()), Value::Null]);
        let t: (i64, String, Option<f64>) = FromRow::from_row(&r, &mut RowCache::default()).unwrap();
        assert_eq!(t, (7, "x".to_owned(), None));
        assert!(<(i64, String) as FromRow>::from_row(&r, &mut RowCache::default()).is_err());
        assert!(<(i64, i64, Option<f64>) as FromRow>::from_row(&r, &mut RowCache::default()).is_err());
        assert_eq!(<((i64, String), Option<f64>) as FromColumns>::WIDTH, 3);
    }
}
