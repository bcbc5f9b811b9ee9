//! Typed projections and aggregates through the model API (`Item::select().columns(..)`), run
//! and compared like the other cases: each dialect decodes into the same Rust types.

use super::case::Case;
use super::compare::{Cell, Outcome};
use super::data::Item;
use athanor::ast::Statement;
use athanor::chrono::NaiveDateTime;
use athanor::prelude::*;
use athanor::query::{AsStatement, Select};

/// Which typed query a case runs (its filter, and order/limit/offset for the row forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypedQuery {
    /// `(name, price, score)` of the case's rows.
    Columns,
    /// `price` alone: one bare value per row.
    Scalar,
    /// Every typed aggregate in one row.
    Aggregates,
    /// `rank, COUNT(*), SUM(price), SUM(score), MAX(at)` grouped by rank, HAVING `COUNT(*) > n`
    /// and `SUM(score) >= m`.
    GroupHaving(i64, i64),
    /// `DISTINCT score` (run as rows, `.count()` and `.exists()`, which must agree).
    Distinct,
    /// Casts of every castable column (see [`super::write::casts`]).
    Casts,
}

fn filtered(case: &Case) -> Select<Item> {
    let mut q = Item::select();
    if let Some(f) = &case.filter {
        q = q.filter(f.clone());
    }
    q
}

/// A row of [`TypedQuery::Aggregates`].
type AggRow = (i64, i64, i64, Option<Decimal>, Option<i64>, Option<f64>, Option<Decimal>, Option<NaiveDateTime>, Option<i64>);
/// A row of [`TypedQuery::GroupHaving`].
type GroupRow = (Option<i64>, i64, Option<Decimal>, Option<i64>, Option<NaiveDateTime>);

fn aggregates(case: &Case) -> Select<AggRow> {
    filtered(case).columns((
        count_star(),
        Item::PRICE.count(),
        Item::SCORE.count_distinct(),
        Item::PRICE.sum(),
        Item::SCORE.sum(),
        Item::PRICE.avg(),
        Item::PRICE.min(),
        Item::AT.max(),
        Item::RANK.max(),
    ))
}

fn group_having(case: &Case, n: i64, m: i64) -> Select<GroupRow> {
    filtered(case)
        .columns((Item::RANK, count_star(), Item::PRICE.sum(), Item::SCORE.sum(), Item::AT.max()))
        .group_by([Item::RANK])
        .having(count_star().gt(n))
        .having(Item::SCORE.sum().ge(m))
}

fn distinct(case: &Case) -> Select<i32> {
    filtered(case).columns(Item::SCORE).distinct()
}

fn columns(case: &Case) -> Select<(Option<String>, Option<Decimal>, i32)> {
    case.select().columns((Item::NAME, Item::PRICE, Item::SCORE))
}

/// The statement the case sends.
pub fn statement(case: &Case, q: TypedQuery) -> Statement {
    let s = match q {
        TypedQuery::Columns => columns(case).as_statement(),
        TypedQuery::Scalar => case.select().columns(Item::PRICE).as_statement(),
        TypedQuery::Aggregates => aggregates(case).as_statement(),
        TypedQuery::GroupHaving(n, m) => group_having(case, n, m).as_statement(),
        TypedQuery::Distinct => distinct(case).as_statement(),
        TypedQuery::Casts => super::write::casts(case).as_statement(),
    };
    s.expect("statement")
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
    v.map(f).unwrap_or(Cell::Null)
}
fn approx(v: Option<f64>) -> Cell {
    opt(v, |f| Cell::Approx(Decimal::try_from(f).expect("a finite average")))
}

/// The answer as cells.
pub async fn answer(case: &Case, q: TypedQuery, e: &Engine) -> athanor::Result<Outcome> {
    Ok(match q {
        TypedQuery::Casts => super::write::cast_answer(case, e).await?,
        TypedQuery::Columns => Outcome::Rows(
            columns(case)
                .all(e)
                .await?
                .into_iter()
                .map(|(n, p, s)| vec![opt(n, Cell::Text), opt(p, Cell::Dec), Cell::Int(s.into())])
                .collect(),
        ),
        TypedQuery::Scalar => {
            let v: Vec<Option<Decimal>> = case.select().columns(Item::PRICE).all(e).await?;
            Outcome::Rows(v.into_iter().map(|p| vec![opt(p, Cell::Dec)]).collect())
        }
        TypedQuery::Aggregates => {
            let (n, n_price, n_score, sum_price, sum_score, avg, min_price, max_at, max_rank) = aggregates(case).one(e).await?;
            Outcome::Rows(vec![vec![
                Cell::Int(n),
                Cell::Int(n_price),
                Cell::Int(n_score),
                opt(sum_price, Cell::Dec),
                opt(sum_score, Cell::Int),
                approx(avg),
                opt(min_price, Cell::Dec),
                opt(max_at, Cell::Time),
                opt(max_rank, Cell::Int),
            ]])
        }
        TypedQuery::GroupHaving(n, m) => {
            let q = group_having(case, n, m);
            let (count, exists) = (q.clone().count(e).await?, q.clone().exists(e).await?);
            let rows = q.all(e).await?;
            if let Some(f) = disagree(count, exists, rows.len()) {
                return Ok(f);
            }
            Outcome::Rows(
                rows.into_iter()
                    .map(|(r, c, p, s, at)| {
                        vec![opt(r, Cell::Int), Cell::Int(c), opt(p, Cell::Dec), opt(s, Cell::Int), opt(at, Cell::Time)]
                    })
                    .collect(),
            )
        }
        TypedQuery::Distinct => {
            let q = distinct(case);
            let (count, exists) = (q.clone().count(e).await?, q.clone().exists(e).await?);
            let rows = q.all(e).await?;
            if let Some(f) = disagree(count, exists, rows.len()) {
                return Ok(f);
            }
            Outcome::Rows(rows.into_iter().map(|s| vec![Cell::Int(s.into())]).collect())
        }
    })
}

/// `.count()` and `.exists()` must match the rows `.all()` returns.
fn disagree(count: u64, exists: bool, rows: usize) -> Option<Outcome> {
    (count as usize != rows || exists == (rows == 0))
        .then(|| Outcome::Failed(format!("count() = {count}, exists() = {exists}, all() = {rows} row(s)")))
}
