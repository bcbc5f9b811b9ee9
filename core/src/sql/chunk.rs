//! Splits a bulk INSERT into statements under the server's placeholder and packet limits.

use crate::ast::Insert;
use crate::value::Value;
use std::ops::Range;

/// One piece of a split INSERT: a range of its rows.
pub type InsertChunk = Range<usize>;

/// Row ranges such that each statement binds at most `max_params` values and its values take
/// at most about `max_bytes` (estimated; leave headroom below the real packet limit).
pub fn insert_chunks(insert: &Insert, max_params: usize, max_bytes: usize) -> Vec<InsertChunk> {
    let cols = insert.columns.len().max(1);
    let rows_by_params = (max_params / cols).max(1);
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, row) in insert.rows.iter().enumerate() {
        let size: usize = row.iter().map(estimate).sum::<usize>() + 4 * cols;
        if i > start && (i - start >= rows_by_params || bytes + size > max_bytes) {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < insert.rows.len() {
        out.push(start..insert.rows.len());
    }
    out
}

fn estimate(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len() + 9,
        Value::Bytes(b) => b.len() + 9,
        Value::Json(j) => j.to_string().len() + 9,
        Value::Decimal(_) => 24,
        _ => 9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(rows: usize, cols: usize) -> Insert {
        Insert {
            table: "t".into(),
            columns: (0..cols).map(|i| format!("c{i}").into()).collect(),
            rows: (0..rows).map(|r| (0..cols).map(|_| Value::I64(r as i64)).collect()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn splits_by_params() {
        let chunks = insert_chunks(&ins(100_000, 8), 65_535, usize::MAX);
        assert!(chunks.iter().all(|c| c.len() * 8 <= 65_535));
        assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), 100_000);
        assert_eq!(chunks.first().unwrap().start, 0);
        assert!(chunks.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn splits_by_bytes() {
        let chunks = insert_chunks(&ins(1000, 2), 65_535, 500);
        assert!(chunks.len() > 1);
        assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), 1000);
    }
}
