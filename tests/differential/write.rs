//! Writes with RETURNING, and casts read back: drawn last in a case (so the rest of the case is
//! what the seed gave before they existed).
//!
//! - `UPDATE … SET score = k WHERE <filter> AND score = k RETURNING *`: changes nothing, returns
//!   the matching rows (MariaDB: `Unsupported` before I/O, it has no UPDATE … RETURNING).
//! - `DELETE … WHERE <filter> RETURNING *`, then the returned rows inserted again, so the data set
//!   is the same for the next case (and a wrong answer shows in the later cases too).
//! - A typed projection of casts (`CAST(price AS TEXT)`, `… AS DOUBLE`, `CAST(at AS DATE)`, …).

use super::case::{Case, Terminal};
use super::compare::{item_cells, Cell, Outcome};
use super::construct::Construct as C;
use super::data::Item;
use super::ops::Gen;
use super::typed::TypedQuery;
use athanor::ast::Statement;
use athanor::chrono::NaiveDate;
use athanor::prelude::*;
use athanor::query::{cast, AsStatement, Returning, Select};

/// A write a case runs instead of a select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// `UPDATE … SET score = k … RETURNING *` (a no-op on the rows it matches).
    Update(i32),
    /// `DELETE … RETURNING *`, the rows inserted again afterwards.
    Delete,
}

/// Turns one in ten plain `.all()` cases into a write with RETURNING, and one in four typed
/// column projections into a projection of casts.
pub fn maybe_write(case: &mut Case, g: &mut Gen) {
    let plain = case.terminal == Terminal::All && case.join.is_none() && !case.lock;
    if plain && !g.avoid.contains(&C::Returning) && g.rng.below(10) == 0 {
        case.terminal = Terminal::Write(if g.rng.chance(1, 2) { Write::Update(g.rng.below(13) as i32 - 4) } else { Write::Delete });
        (case.order, case.limit, case.offset) = (Vec::new(), None, None);
        g.note(C::Returning);
        g.note(C::DecimalRead);
    } else if case.terminal == Terminal::Typed(TypedQuery::Columns) && !g.avoid.contains(&C::Cast) && g.rng.below(4) == 0 {
        case.terminal = Terminal::Typed(TypedQuery::Casts);
        g.note(C::Cast);
    }
}

fn update(case: &Case, k: i32) -> Returning<Item> {
    let mut u = Item::update().set(Item::SCORE, k).filter(Item::SCORE.eq(k));
    if let Some(f) = &case.filter {
        u = u.filter(f.clone());
    }
    u.returning()
}

fn delete(case: &Case) -> Returning<Item> {
    match &case.filter {
        Some(f) => Item::delete().filter(f.clone()).returning(),
        None => Item::delete().all_rows().returning(),
    }
}

/// The statement the case sends.
pub fn statement(case: &Case, w: Write) -> Statement {
    match w {
        Write::Update(k) => update(case, k).as_statement(),
        Write::Delete => delete(case).as_statement(),
    }
    .expect("statement")
}

/// The returned rows; a delete's rows are inserted again.
pub async fn answer(case: &Case, w: Write, e: &Engine) -> athanor::Result<Outcome> {
    let rows = match w {
        Write::Update(k) => update(case, k).all(e).await?,
        Write::Delete => {
            let gone = delete(case).all(e).await?;
            if !gone.is_empty() {
                Item::insert_many(&gone).execute(e).await?;
            }
            gone
        }
    };
    Ok(Outcome::Rows(rows.iter().map(item_cells).collect()))
}

/// A row of [`TypedQuery::Casts`].
type CastRow = (i64, Option<String>, Option<f64>, String, f64, i64, Option<NaiveDate>, Option<String>);

/// Casts of every castable column, ordered by id.
pub fn casts(case: &Case) -> Select<CastRow> {
    let mut q = Item::select().columns((
        Item::ID,
        cast::<Option<String>>(Item::PRICE),
        cast::<Option<f64>>(Item::PRICE),
        cast::<String>(Item::SCORE),
        cast::<f64>(Item::SCORE),
        cast::<i64>(Item::SCORE),
        cast::<Option<NaiveDate>>(Item::AT),
        cast::<Option<String>>(Item::RANK),
    ));
    if let Some(f) = &case.filter {
        q = q.filter(f.clone());
    }
    q.order_by(Item::ID)
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
    v.map(f).unwrap_or(Cell::Null)
}
fn double(f: f64) -> Cell {
    Cell::Approx(Decimal::try_from(f).expect("a finite double"))
}

/// The casts as cells.
pub async fn cast_answer(case: &Case, e: &Engine) -> athanor::Result<Outcome> {
    Ok(Outcome::Rows(
        casts(case)
            .all(e)
            .await?
            .into_iter()
            .map(|(id, pt, pf, st, sf, si, day, rt)| {
                vec![
                    Cell::Int(id),
                    opt(pt, Cell::Text),
                    opt(pf, double),
                    Cell::Text(st),
                    double(sf),
                    Cell::Int(si),
                    opt(day, |d| Cell::Text(d.to_string())),
                    opt(rt, Cell::Text),
                ]
            })
            .collect(),
    ))
}
