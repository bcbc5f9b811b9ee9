//! Streaming a read: the response's JSON array is split into objects as bytes arrive, so memory
//! stays bounded by one network chunk plus one row, whatever the result size.

use crate::backend::Inner;
use crate::compile::{compile, result_columns};
use crate::response::{JsonRow, RawObject};
use athanor_core::ast::Statement;
use athanor_core::row::column_names;
use athanor_core::{Error, Result, Row};
use futures_core::stream::BoxStream;
use std::collections::VecDeque;
use std::sync::Arc;

fn malformed(why: &str) -> Error {
    Error::decode("(response)", format!("expected a JSON array of rows: {why}"))
}

/// Finds complete top-level objects in a growing JSON array.
#[derive(Default)]
struct Scanner {
    buf: Vec<u8>,
    pos: usize,
    depth: u32,
    in_str: bool,
    escaped: bool,
    start: Option<usize>,
    closed: bool,
}

impl Scanner {
    fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete object of the array, if one has arrived.
    fn next_object(&mut self) -> Result<Option<Vec<u8>>> {
        while self.pos < self.buf.len() {
            let (i, c) = (self.pos, self.buf[self.pos]);
            self.pos += 1;
            if self.in_str {
                match (self.escaped, c) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_str = false,
                    _ => {}
                }
                continue;
            }
            match c {
                b'"' => self.in_str = true,
                b'[' | b'{' => {
                    match (self.depth, c) {
                        (0, b'{') => return Err(malformed("found an object")),
                        (1, b'[') => return Err(malformed("found a nested array")),
                        (1, _) => self.start = Some(i),
                        _ => {}
                    }
                    self.depth += 1;
                }
                b']' | b'}' => {
                    self.depth = self.depth.checked_sub(1).ok_or_else(|| malformed("unbalanced brackets"))?;
                    match self.depth {
                        0 => self.closed = true,
                        1 => {
                            let start = self.start.take().ok_or_else(|| malformed("unbalanced brackets"))?;
                            let obj = self.buf[start..=i].to_vec();
                            self.compact();
                            return Ok(Some(obj));
                        }
                        _ => {}
                    }
                }
                b' ' | b'\n' | b'\r' | b'\t' | b',' => {}
                _ if self.depth <= 1 => return Err(malformed("found a value that is not an object")),
                _ => {}
            }
        }
        self.compact();
        Ok(None)
    }

    /// Drops the bytes no longer needed (everything before the current object).
    fn compact(&mut self) {
        let keep = self.start.unwrap_or(self.pos);
        self.buf.drain(..keep);
        self.pos -= keep;
        if let Some(s) = self.start.as_mut() {
            *s = 0;
        }
    }
}

struct State {
    inner: Arc<Inner>,
    stmt: Statement,
    columns: Option<Vec<String>>,
    names: Option<Arc<[String]>>,
    resp: Option<reqwest::Response>,
    scanner: Scanner,
    pending: VecDeque<Row>,
    rows: u64,
    done: bool,
}

impl State {
    async fn step(&mut self) -> Result<()> {
        if self.resp.is_none() {
            let req = compile(&self.stmt, &self.inner.context())?;
            self.resp = Some(self.inner.send_head(&req).await?);
            self.columns = result_columns(&self.stmt);
        }
        let chunk = self.resp.as_mut().expect("response").chunk().await.map_err(|e| self.inner.transport(&e))?;
        let Some(bytes) = chunk else {
            if !self.scanner.closed {
                return Err(malformed("the response ended before the array closed"));
            }
            self.done = true;
            if let Statement::Select(s) = &self.stmt {
                self.inner.check_truncation(s, self.rows).await?;
            }
            return Ok(());
        };
        self.scanner.feed(&bytes);
        while let Some(obj) = self.scanner.next_object()? {
            let raw: RawObject<'_> = serde_json::from_slice(&obj).map_err(|e| malformed(&e.to_string()))?;
            let row = JsonRow::new(&raw, self.columns.as_deref());
            let names = self.names.get_or_insert_with(|| column_names(&row));
            self.pending.push_back(Row::from_access(&row, names)?);
            self.rows += 1;
        }
        Ok(())
    }
}

/// Streams the rows of a `SELECT` as they arrive.
pub(crate) fn select_stream<'a>(inner: Arc<Inner>, stmt: Statement) -> BoxStream<'a, Result<Row>> {
    let state = State {
        inner,
        stmt,
        columns: None,
        names: None,
        resp: None,
        scanner: Scanner::default(),
        pending: VecDeque::new(),
        rows: 0,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(row) = st.pending.pop_front() {
                return Some((Ok(row), st));
            }
            if st.done {
                return None;
            }
            if let Err(e) = st.step().await {
                st.done = true;
                st.pending.clear();
                return Some((Err(e), st));
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::Scanner;

    #[test]
    fn objects_split_across_chunks() {
        let body = br#" [ {"a":"x}\"{","b":[1,{"c":2}]} , {"a":null} ] "#;
        for split in 0..body.len() {
            let mut s = Scanner::default();
            let mut out = Vec::new();
            for part in [&body[..split], &body[split..]] {
                s.feed(part);
                while let Some(o) = s.next_object().unwrap() {
                    out.push(String::from_utf8(o).unwrap());
                }
            }
            assert_eq!(out, [r#"{"a":"x}\"{","b":[1,{"c":2}]}"#, r#"{"a":null}"#], "split at {split}");
            assert!(s.closed);
        }
    }

    #[test]
    fn non_arrays_are_errors() {
        for bad in [&br#"{"a":1}"#[..], b"[1,2]", b"[[1]]"] {
            let mut s = Scanner::default();
            s.feed(bad);
            assert!(s.next_object().is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
