//! Filter operators over typed columns: one enum, one match arm per operator, and a list per
//! column kind. Adding an operator (e.g. `contains`) is one variant, one arm and one list entry.

use super::construct::Construct;
use super::rng::Rng;
use athanor::ast::Expr;
use athanor::prelude::*;
use athanor::SqlType;
use std::collections::BTreeSet;

/// A filter operator the generator can apply to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Between,
    In,
    NotIn,
    InEmpty,
    NotInEmpty,
    InLarge,
    NotInLarge,
    InWithNull,
    NotInWithNull,
    EqNone,
    NeNone,
    IsNull,
    IsNotNull,
    Like,
    ILike,
    InOnlyEmptyString,
    NotInOnlyEmptyString,
    Contains,
    StartsWith,
    EndsWith,
    IContains,
    IStartsWith,
    IEndsWith,
}

/// Operators for every column.
pub const CMP_OPS: &[Op] = &[
    Op::Eq,
    Op::Ne,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::Between,
    Op::In,
    Op::NotIn,
    Op::InEmpty,
    Op::NotInEmpty,
    Op::InLarge,
    Op::NotInLarge,
];
/// Extra operators for nullable columns.
pub const NULL_OPS: &[Op] = &[Op::EqNone, Op::NeNone, Op::IsNull, Op::IsNotNull, Op::InWithNull, Op::NotInWithNull];
/// Extra operators for text columns.
pub const TEXT_OPS: &[Op] = &[
    Op::Like,
    Op::ILike,
    Op::InOnlyEmptyString,
    Op::NotInOnlyEmptyString,
    Op::Contains,
    Op::StartsWith,
    Op::EndsWith,
    Op::IContains,
    Op::IStartsWith,
    Op::IEndsWith,
];

/// Where a generated expression comes from: the random source and the constructs it used.
pub struct Gen {
    pub rng: Rng,
    pub used: BTreeSet<Construct>,
    /// Constructs this case must not use (the known-broken ones, in the cases kept strict).
    pub avoid: Vec<Construct>,
}

impl Gen {
    /// Runs `f` again (up to 50 times) while what it notes includes an avoided construct.
    pub fn avoiding<T>(&mut self, mut f: impl FnMut(&mut Gen) -> T) -> T {
        for _ in 0..50 {
            let before = self.used.clone();
            let out = f(self);
            if !self.used.difference(&before).any(|c| self.avoid.contains(c)) {
                return out;
            }
            self.used = before;
        }
        panic!("the generator could not avoid {:?}", self.avoid)
    }
    pub fn note(&mut self, c: Construct) {
        self.used.insert(c);
    }
    fn some<V: Clone>(&mut self, pool: &[V], max: usize) -> Vec<V> {
        let n = 1 + self.rng.below(max);
        (0..n).map(|_| self.rng.pick(pool).clone()).collect()
    }
}

/// What kind of column an operator is applied to (for the constructs it notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Decimal,
    Other,
}

fn note_op(g: &mut Gen, op: Op, kind: Kind) {
    use Construct as C;
    let text = kind == Kind::Text;
    if kind == Kind::Decimal {
        g.note(C::DecimalFilter);
    }
    let c = match op {
        Op::Eq | Op::Ne if text => C::TextEq,
        Op::In | Op::NotIn | Op::InLarge | Op::NotInLarge | Op::InWithNull | Op::NotInWithNull if text => C::TextEq,
        Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Between if text => C::TextOrder,
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Between => C::Compare,
        Op::In | Op::NotIn => C::InList,
        Op::InEmpty | Op::NotInEmpty => C::InListEmpty,
        Op::InLarge | Op::NotInLarge => C::InListLarge,
        Op::InWithNull | Op::NotInWithNull => C::InListNull,
        Op::EqNone => C::EqNone,
        Op::NeNone => C::NeNone,
        Op::IsNull | Op::IsNotNull => C::IsNull,
        Op::Like | Op::Contains | Op::StartsWith | Op::EndsWith => C::Like,
        Op::ILike | Op::IContains | Op::IStartsWith | Op::IEndsWith => C::ILike,
        Op::InOnlyEmptyString | Op::NotInOnlyEmptyString => C::InOnlyEmptyString,
    };
    g.note(c);
    match op {
        Op::InLarge | Op::NotInLarge => g.note(C::InListLarge),
        Op::InWithNull | Op::NotInWithNull => g.note(C::InListNull),
        _ => {}
    }
}

/// `op` on a column of any type; `pool` are values near the data, `large` makes 1000+ values.
/// `None` when `op` does not apply (the null and text operators, handled by [`nullable`] and [`text`]).
pub fn typed<T: SqlType, V: Literal<T> + Clone>(
    g: &mut Gen,
    op: Op,
    col: Column<Item, T>,
    kind: Kind,
    pool: &[V],
    large: fn(usize) -> V,
) -> Option<Expr> {
    let e = match op {
        Op::Eq => col.eq(g.rng.pick(pool).clone()),
        Op::Ne => col.ne(g.rng.pick(pool).clone()),
        Op::Lt => col.lt(g.rng.pick(pool).clone()),
        Op::Le => col.le(g.rng.pick(pool).clone()),
        Op::Gt => col.gt(g.rng.pick(pool).clone()),
        Op::Ge => col.ge(g.rng.pick(pool).clone()),
        Op::Between => col.between(g.rng.pick(pool).clone(), g.rng.pick(pool).clone()),
        Op::In => col.in_list(g.some(pool, 5)),
        Op::NotIn => col.not_in_list(g.some(pool, 5)),
        Op::InEmpty => col.in_list(Vec::<V>::new()),
        Op::NotInEmpty => col.not_in_list(Vec::<V>::new()),
        Op::InLarge | Op::NotInLarge => {
            let mut list: Vec<V> = (0..1001 + g.rng.below(500)).map(large).collect();
            list.extend(g.some(pool, 5));
            if op == Op::InLarge {
                col.in_list(list)
            } else {
                col.not_in_list(list)
            }
        }
        _ => return None,
    };
    note_op(g, op, kind);
    Some(e)
}

/// The NULL operators on a nullable column.
pub fn nullable<T>(g: &mut Gen, op: Op, col: Column<Item, Option<T>>, kind: Kind, pool: &[T]) -> Option<Expr>
where
    T: SqlType + Clone + Literal<Option<T>>,
    Option<T>: Literal<Option<T>>,
{
    let with_null = |g: &mut Gen| {
        let mut list: Vec<Option<T>> = g.some(pool, 4).into_iter().map(Some).collect();
        list.insert(g.rng.below(list.len() + 1), None);
        list
    };
    let e = match op {
        Op::EqNone => col.eq(None::<T>),
        Op::NeNone => col.ne(None::<T>),
        Op::IsNull => col.is_null(),
        Op::IsNotNull => col.is_not_null(),
        Op::InWithNull => col.in_list(with_null(g)),
        Op::NotInWithNull => col.not_in_list(with_null(g)),
        _ => return None,
    };
    note_op(g, op, kind);
    Some(e)
}

/// The pattern operators (`pattern` for LIKE, `literal` for the escaping helpers) and the lone
/// empty string in a list, on a text column.
pub fn text(g: &mut Gen, op: Op, col: Column<Item, Option<String>>, pattern: &str, literal: &str) -> Option<Expr> {
    let e = match op {
        Op::Like => col.like(pattern),
        Op::ILike => col.ilike(pattern),
        Op::Contains => col.contains(literal),
        Op::StartsWith => col.starts_with(literal),
        Op::EndsWith => col.ends_with(literal),
        Op::IContains => col.icontains(literal),
        Op::IStartsWith => col.istarts_with(literal),
        Op::IEndsWith => col.iends_with(literal),
        Op::InOnlyEmptyString => col.in_list([""]),
        Op::NotInOnlyEmptyString => col.not_in_list([""]),
        _ => return None,
    };
    note_op(g, op, Kind::Text);
    Some(e)
}

use super::data::Item;
