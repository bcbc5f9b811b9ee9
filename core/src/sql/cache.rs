//! Compiled SQL cached per statement shape, so a query repeated with new values (a point select
//! in a loop) skips sea-query.
//!
//! The shape is every part of a SELECT, UPDATE or DELETE except its values, written out as bytes.
//! On a miss the statement is compiled with each value replaced by a numbered sentinel; the
//! parameters sea-query emits then say, slot by slot, which of the statement's values goes where
//! (or which constant the compiler added, like the `1 = 2` of an empty `IN`). A hit costs one walk
//! of the statement and a lookup.
//!
//! With `Capabilities::array_params` an IN list of one kind is one slot holding the whole list
//! as a [`Value::Array`] (its length is not part of the shape); a list mixing kinds is not cached.
//!
//! A NULL value is part of the shape, not a slot: `x = NULL` compiles to `x IS NULL`, so a
//! statement with a NULL where another had a value must not reuse that one's `= ?`.

use super::expr::array_list;
use crate::ast::{Delete, Expr, OrderBy, Select, Statement, Update};
use crate::compiled::SqlQuery;
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock};

const SENTINEL: u64 = 0xA7A4_5EA0_0000_0000;
const SENTINEL_MASK: u64 = 0xFFFF_FFFF_0000_0000;
/// Shapes kept before the cache starts over (a program has a bounded set of query shapes).
const CAPACITY: usize = 2048;
/// The bit of the capability flags that says IN lists go as arrays.
pub(super) const ARRAYS_BIT: u8 = 4;

/// Where each placeholder's value comes from.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// The statement's n-th value, in walk order.
    Value(usize),
    /// A value the compiler added.
    Const(Value),
}

#[derive(Debug)]
struct Entry {
    sql: String,
    slots: Vec<Slot>,
}

/// Keyed by the shape bytes with FxHash: shapes come from the program's statements (values are
/// not part of a key), so there is no untrusted input to flood the map with.
type Cache = Mutex<FxHashMap<Vec<u8>, Arc<Entry>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(FxHashMap::default()))
}

/// The shape key and values of a statement, or `None` for statements not worth caching.
/// `dialect` and `flags` (the capabilities that change the SQL) are part of the key.
pub(super) fn shape(dialect: &str, flags: u8, stmt: &Statement) -> Option<(Vec<u8>, Vec<Value>)> {
    let arrays = flags & (1 << ARRAYS_BIT) != 0;
    let mut w = Walk { key: Vec::with_capacity(256), values: Vec::with_capacity(4), uncacheable: false, arrays };
    w.name(dialect);
    w.tag(flags);
    match stmt {
        Statement::Select(s) => w.select(s),
        Statement::Update(u) => w.update(u),
        Statement::Delete(d) => w.delete(d),
        _ => return None,
    }
    if w.uncacheable {
        return None;
    }
    Some((w.key, w.values))
}

/// Looks up a shape; on a hit, the query with `values` placed in its slots.
pub(super) fn lookup(key: &[u8], values: &[Value]) -> Option<SqlQuery> {
    let entry = cache().lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()?;
    Some(fill(&entry, values))
}

fn fill(entry: &Entry, values: &[Value]) -> SqlQuery {
    let params = entry
        .slots
        .iter()
        .map(|s| match s {
            Slot::Value(i) => values[*i].clone(),
            Slot::Const(v) => v.clone(),
        })
        .collect();
    SqlQuery { sql: entry.sql.clone(), params }
}

/// The statement with every value replaced by a numbered sentinel, to compile once; with
/// `arrays`, an array IN list becomes a one-item list of its sentinel.
pub(super) fn with_sentinels(stmt: &Statement, arrays: bool) -> Statement {
    let mut copy = stmt.clone();
    let mut n = 0u64;
    let mut next = || {
        let v = Value::U64(SENTINEL | n);
        n += 1;
        v
    };
    let next = &mut next;
    match &mut copy {
        Statement::Select(s) => sentinel_select(s, next, arrays),
        Statement::Update(u) => {
            for (_, e) in &mut u.set {
                sentinel_expr(e, next, arrays);
            }
            if let Some(f) = &mut u.filter {
                sentinel_expr(f, next, arrays);
            }
        }
        Statement::Delete(d) => {
            if let Some(f) = &mut d.filter {
                sentinel_expr(f, next, arrays);
            }
        }
        _ => {}
    }
    copy
}

/// Stores the compiled form of a sentinel statement under `key` and returns the query for `values`.
pub(super) fn store(key: Vec<u8>, compiled: &SqlQuery, values: &[Value]) -> SqlQuery {
    let slots = compiled
        .params
        .iter()
        .map(|p| match p {
            Value::U64(u) if u & SENTINEL_MASK == SENTINEL => Slot::Value((u & !SENTINEL_MASK) as usize),
            // An array IN list, compiled from its one sentinel.
            Value::Array(items) => match items.as_slice() {
                [Value::U64(u)] if u & SENTINEL_MASK == SENTINEL => Slot::Value((u & !SENTINEL_MASK) as usize),
                _ => Slot::Const(p.clone()),
            },
            other => Slot::Const(other.clone()),
        })
        .collect();
    let mut map = cache().lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= CAPACITY {
        map.clear();
    }
    let entry = Arc::new(Entry { sql: compiled.sql.clone(), slots });
    map.insert(key, entry.clone());
    drop(map);
    fill(&entry, values)
}

fn sentinel_select(s: &mut Select, next: &mut dyn FnMut() -> Value, arrays: bool) {
    for item in &mut s.columns {
        sentinel_expr(&mut item.expr, next, arrays);
    }
    if let Some(f) = &mut s.filter {
        sentinel_expr(f, next, arrays);
    }
    for g in &mut s.group_by {
        sentinel_expr(g, next, arrays);
    }
    if let Some(h) = &mut s.having {
        sentinel_expr(h, next, arrays);
    }
    for o in &mut s.order_by {
        sentinel_expr(&mut o.expr, next, arrays);
    }
    for n in [&mut s.limit, &mut s.offset].into_iter().flatten() {
        let Value::U64(u) = next() else { unreachable!() };
        *n = u;
    }
}

fn sentinel_expr(e: &mut Expr, next: &mut dyn FnMut() -> Value, arrays: bool) {
    match e {
        Expr::Value(Value::Null) | Expr::Column(_) | Expr::QualifiedColumn { .. } => {}
        Expr::Value(v) => *v = next(),
        Expr::Binary { left, right, .. } => {
            sentinel_expr(left, next, arrays);
            sentinel_expr(right, next, arrays);
        }
        Expr::IsNull(x) | Expr::IsNotNull(x) | Expr::Not(x) => sentinel_expr(x, next, arrays),
        Expr::InList { expr, list, .. } => {
            sentinel_expr(expr, next, arrays);
            if arrays && array_list(list) {
                *list = vec![next()];
                return;
            }
            list.iter_mut().filter(|v| !matches!(v, Value::Null)).for_each(|v| *v = next());
        }
        Expr::Between { expr, low, high } => {
            sentinel_expr(expr, next, arrays);
            sentinel_expr(low, next, arrays);
            sentinel_expr(high, next, arrays);
        }
        Expr::And(v) | Expr::Or(v) => v.iter_mut().for_each(|x| sentinel_expr(x, next, arrays)),
        Expr::Agg { arg: Some(a), .. } => sentinel_expr(a, next, arrays),
        Expr::Agg { arg: None, .. } => {}
        // Statements holding these are not cached (`Walk::uncacheable`), so never get here.
        _ => {}
    }
}

/// Writes the shape and collects the values, in the same order as the sentinel walk.
struct Walk {
    key: Vec<u8>,
    values: Vec<Value>,
    /// Set when the statement holds a construct the shape does not describe (yet): such a
    /// statement is compiled every time rather than risk sharing another one's SQL.
    uncacheable: bool,
    /// IN lists of one kind are one array slot (`Capabilities::array_params`).
    arrays: bool,
}

impl Walk {
    fn tag(&mut self, t: u8) {
        self.key.push(t);
    }
    fn name(&mut self, s: &str) {
        self.key.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.key.extend_from_slice(s.as_bytes());
    }
    fn len(&mut self, n: usize) {
        self.key.extend_from_slice(&(n as u32).to_le_bytes());
    }
    fn value(&mut self, v: &Value) {
        // Refused by the compiler, which must see it.
        self.uncacheable |= crate::schema_check::unportable(v);
        if matches!(v, Value::Null) {
            // Kept in the statement compiled for this shape (see `with_sentinels`).
            self.tag(b'0');
        } else if matches!(v, Value::Array(_)) {
            // Refused by the compiler, which must see it (a sentinel would hide it).
            self.uncacheable = true;
        } else {
            self.tag(b'v');
            self.values.push(v.clone());
        }
    }
    fn select(&mut self, s: &Select) {
        if !s.joins.is_empty() || s.lock.is_some() {
            self.uncacheable = true;
        }
        self.tag(b'S');
        self.name(&s.table);
        self.tag(s.distinct as u8);
        self.tag(s.kind as u8);
        self.len(s.columns.len());
        for item in &s.columns {
            self.expr(&item.expr);
            match &item.alias {
                Some(a) => {
                    self.tag(1);
                    self.name(a);
                }
                None => self.tag(0),
            }
        }
        self.opt_expr(s.filter.as_ref());
        self.len(s.group_by.len());
        for g in &s.group_by {
            self.expr(g);
        }
        self.opt_expr(s.having.as_ref());
        self.len(s.order_by.len());
        for o in &s.order_by {
            self.order(o);
        }
        for n in [s.limit, s.offset] {
            match n {
                Some(n) => self.value(&Value::U64(n)),
                None => self.tag(0),
            }
        }
    }
    fn update(&mut self, u: &Update) {
        self.tag(b'U');
        self.name(&u.table);
        self.tag(u.all_rows as u8);
        self.len(u.set.len());
        for (c, e) in &u.set {
            self.name(c);
            self.expr(e);
        }
        self.opt_expr(u.filter.as_ref());
        self.names(&u.returning);
    }
    fn delete(&mut self, d: &Delete) {
        self.tag(b'D');
        self.name(&d.table);
        self.tag(d.all_rows as u8);
        self.opt_expr(d.filter.as_ref());
        self.names(&d.returning);
    }
    fn names(&mut self, names: &[std::borrow::Cow<'static, str>]) {
        self.len(names.len());
        for n in names {
            self.name(n);
        }
    }
    fn order(&mut self, o: &OrderBy) {
        self.expr(&o.expr);
        self.tag(o.desc as u8);
        self.tag(match o.nulls {
            None => 0,
            Some(crate::ast::Nulls::First) => 1,
            Some(crate::ast::Nulls::Last) => 2,
        });
    }
    fn opt_expr(&mut self, e: Option<&Expr>) {
        match e {
            Some(e) => {
                self.tag(1);
                self.expr(e);
            }
            None => self.tag(0),
        }
    }
    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Column(c) => {
                self.tag(b'c');
                self.name(c);
            }
            Expr::QualifiedColumn { table, column } => {
                self.tag(b'q');
                self.name(table);
                self.name(column);
            }
            Expr::Value(v) => self.value(v),
            Expr::Binary { op, left, right } => {
                // A pattern the compiler refuses must reach it: never served from another's shape.
                if let (crate::ast::BinOp::Like | crate::ast::BinOp::ILike, Expr::Value(Value::String(p))) = (op, &**right) {
                    self.uncacheable |= crate::query::like_pattern_problem(p).is_some();
                }
                self.tag(b'b');
                self.tag(*op as u8);
                self.expr(left);
                self.expr(right);
            }
            Expr::IsNull(x) => {
                self.tag(b'n');
                self.expr(x);
            }
            Expr::IsNotNull(x) => {
                self.tag(b'N');
                self.expr(x);
            }
            Expr::Not(x) => {
                self.tag(b'!');
                self.expr(x);
            }
            Expr::InList { expr, list, negated } if self.arrays && array_list(list) => {
                self.uncacheable |= list.iter().any(crate::schema_check::unportable);
                self.tag(b'I');
                self.tag(*negated as u8);
                self.expr(expr);
                self.values.push(Value::Array(list.clone()));
            }
            Expr::InList { list, .. } if self.arrays && list.iter().any(|v| !v.is_null()) => {
                // Mixed kinds: compiled as a plain IN, whose sentinels would all look alike.
                self.uncacheable = true;
            }
            Expr::InList { expr, list, negated } => {
                self.tag(b'i');
                self.tag(*negated as u8);
                self.expr(expr);
                self.len(list.len());
                list.iter().for_each(|v| self.value(v));
            }
            Expr::Between { expr, low, high } => {
                self.tag(b'w');
                self.expr(expr);
                self.expr(low);
                self.expr(high);
            }
            Expr::And(v) | Expr::Or(v) => {
                self.tag(if matches!(e, Expr::And(_)) { b'&' } else { b'|' });
                self.len(v.len());
                v.iter().for_each(|x| self.expr(x));
            }
            Expr::Agg { func, arg, kind } => {
                self.tag(b'a');
                self.tag(*func as u8);
                self.tag(*kind as u8);
                self.opt_expr(arg.as_deref());
            }
            _ => self.uncacheable = true,
        }
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
