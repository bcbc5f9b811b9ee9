//! Outcomes and the comparator. The normalisation rules, all of them:
//!
//! 1. Rows of a query with ORDER BY are compared in order (the generator always ends ORDER BY
//!    with the key, so ties are broken the same way everywhere); rows of a query without it,
//!    and GROUP BY groups, are compared as sorted sets.
//! 2. A Decimal is compared by value *and* scale (`100.50000000` ≠ `100.5`). Only when
//!    [`Construct::DecimalRead`] is in `KNOWN_BROKEN` is a case whose answers differ *only* in
//!    Decimal scale or in digits past the 15th reported as known instead of failing.
//! 3. AVG is compared by value to within 0.0001 or 1e-12 relative, whichever is larger: it is a
//!    double on SQLite and MySQL (averaged as doubles), PostgreSQL's exact NUMERIC read as one.
//! 4. Datetimes are compared to the microsecond (all the data has microseconds).
//! 5. `.one()` answers are a row, or `NotFound`/`MultipleRows`, which must agree too.
//! 6. `Unsupported` is allowed on a dialect if `engine.compile` refuses the same statement and
//!    the dialect did no I/O for it; the other dialects must still agree with each other.
//!    Any other error is a failure.

use super::case::AggKind;
use super::data::Item;
use athanor::chrono::NaiveDateTime;
use athanor::prelude::*;
use athanor::Error;

/// One value of an answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    /// An AVG: equal to within 0.0001 or 1e-12 relative.
    Approx(Decimal),
    Text(String),
    Time(NaiveDateTime),
}

impl Cell {
    /// Exact equality: Decimals by value and scale.
    fn exact(&self, other: &Cell) -> bool {
        match (self, other) {
            (Cell::Dec(a), Cell::Dec(b)) => a == b && a.scale() == b.scale(),
            // A double: within 0.0001, or 1e-12 of the magnitude (a double has ~16 digits).
            (Cell::Approx(a), Cell::Approx(b)) => (a - b).abs() <= Decimal::new(1, 4).max(a.abs().max(b.abs()) * Decimal::new(1, 12)),
            (a, b) => a == b,
        }
    }
    /// Equality up to Decimal scale and digits past the 15th (what a float-backed store keeps).
    fn loose(&self, other: &Cell) -> bool {
        match (self, other) {
            (Cell::Approx(_), Cell::Approx(_)) => self.exact(other),
            (Cell::Dec(a), Cell::Dec(b)) => {
                let f = |d: &Decimal| d.normalize().to_string().parse::<f64>().unwrap_or(f64::NAN);
                let (x, y) = (f(a), f(b));
                x == y || (x - y).abs() <= 1e-14 * x.abs().max(y.abs())
            }
            (a, b) => a == b,
        }
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Null => write!(f, "NULL"),
            Cell::Bool(b) => write!(f, "{b}"),
            Cell::Int(i) => write!(f, "{i}"),
            Cell::Dec(d) | Cell::Approx(d) => write!(f, "{d}"),
            Cell::Text(s) => write!(f, "{s:?}"),
            Cell::Time(t) => write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S%.6f")),
        }
    }
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
    v.map(f).unwrap_or(Cell::Null)
}

/// A model row as cells, in column order.
pub fn item_cells(i: &Item) -> Vec<Cell> {
    vec![
        Cell::Int(i.id),
        opt(i.name.clone(), Cell::Text),
        opt(i.price, Cell::Dec),
        Cell::Int(i.score.into()),
        opt(i.rank, Cell::Int),
        opt(i.flag, Cell::Bool),
        opt(i.at, Cell::Time),
    ]
}

/// One aggregate value read from a row as its kind says.
pub fn agg_cell(row: &Row, i: usize, kind: AggKind) -> athanor::Result<Cell> {
    Ok(match kind {
        AggKind::Int => opt(row.get_index::<Option<i64>>(i)?, Cell::Int),
        AggKind::Num => opt(row.get_index::<Option<Decimal>>(i)?, Cell::Dec),
        AggKind::Avg => opt(row.get_index::<Option<Decimal>>(i)?, Cell::Approx),
        AggKind::Text => opt(row.get_index::<Option<String>>(i)?, Cell::Text),
        AggKind::Time => opt(row.get_index::<Option<NaiveDateTime>>(i)?, Cell::Time),
    })
}

/// What one dialect answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Rows(Vec<Vec<Cell>>),
    Count(u64),
    Exists(bool),
    NotFound,
    MultipleRows,
    /// Refused before any I/O (checked by the runner).
    Unsupported(String),
    /// `InvalidQuery` before any I/O (checked by the runner): bad input every dialect refuses
    /// alike (a LIKE pattern ending in an unpaired `\`).
    Invalid(String),
    /// Any other error, or an `Unsupported`/`InvalidQuery` after I/O or that `compile` does not give.
    Failed(String),
}

impl Outcome {
    /// The outcome of a query that ended in `err`.
    pub fn from_error(err: Error) -> Outcome {
        match err {
            Error::NotFound => Outcome::NotFound,
            Error::MultipleRows => Outcome::MultipleRows,
            Error::Unsupported { .. } => Outcome::Unsupported(err.to_string()),
            Error::InvalidQuery(m) => Outcome::Invalid(m),
            other => Outcome::Failed(other.to_string()),
        }
    }
    /// Rows sorted, for answers whose order carries no meaning.
    pub fn sorted(self) -> Outcome {
        match self {
            Outcome::Rows(mut rows) => {
                rows.sort();
                Outcome::Rows(rows)
            }
            o => o,
        }
    }
    fn matches(&self, other: &Outcome, cell: fn(&Cell, &Cell) -> bool) -> bool {
        match (self, other) {
            (Outcome::Rows(a), Outcome::Rows(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| cell(p, q)))
            }
            (Outcome::Failed(_), _) | (_, Outcome::Failed(_)) => false,
            (Outcome::Invalid(_), Outcome::Invalid(_)) => true,
            (a, b) => a == b,
        }
    }
}

/// How the answers of one case relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every dialect that answered gave the same answer.
    Agree,
    /// The answers differ only in Decimal scale or float-lost digits.
    DecimalOnly,
    /// The answers differ.
    Differ,
}

/// Compares the answers (refusals aside; a `Failed` anywhere is a difference).
pub fn verdict(outcomes: &[Outcome]) -> Verdict {
    let answered: Vec<&Outcome> = outcomes.iter().filter(|o| !matches!(o, Outcome::Unsupported(_))).collect();
    if answered.iter().any(|o| matches!(o, Outcome::Failed(_))) {
        return Verdict::Differ;
    }
    let Some((first, rest)) = answered.split_first() else { return Verdict::Agree };
    if rest.iter().all(|o| first.matches(o, Cell::exact)) {
        Verdict::Agree
    } else if rest.iter().all(|o| first.matches(o, Cell::loose)) {
        Verdict::DecimalOnly
    } else {
        Verdict::Differ
    }
}

/// Short text of an outcome for the failure report (at most `max` rows).
pub fn show(o: &Outcome, max: usize) -> String {
    match o {
        Outcome::Rows(rows) => {
            let mut s = format!("{} row(s)", rows.len());
            for r in rows.iter().take(max) {
                s.push_str("\n      ");
                s.push_str(&r.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | "));
            }
            if rows.len() > max {
                s.push_str("\n      …");
            }
            s
        }
        o => format!("{o:?}"),
    }
}

#[test]
fn decimal_scale_is_part_of_the_value() {
    let a = Outcome::Rows(vec![vec![Cell::Dec(Decimal::new(10050000000, 8))]]);
    let b = Outcome::Rows(vec![vec![Cell::Dec(Decimal::new(1005, 1))]]);
    assert_eq!(verdict(&[a.clone(), a.clone()]), Verdict::Agree);
    assert_eq!(verdict(&[a.clone(), b]), Verdict::DecimalOnly);
    let c = Outcome::Rows(vec![vec![Cell::Dec(Decimal::new(1006, 1))]]);
    assert_eq!(verdict(&[a.clone(), c]), Verdict::Differ);
    assert_eq!(verdict(&[a.clone(), Outcome::Unsupported("x".into())]), Verdict::Agree);
    assert_eq!(verdict(&[a.clone(), Outcome::Failed("x".into())]), Verdict::Differ);
    assert_eq!(verdict(&[Outcome::Count(1), Outcome::Count(2)]), Verdict::Differ);
}
