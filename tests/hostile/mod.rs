//! The hostile-data sweep of the expression language (`tests/hostile.rs`): one table of values the
//! dialects disagree about, and a checker that records every mismatch before failing.

#![allow(dead_code)]

pub mod numbers;
pub mod subqueries;
pub mod text;
pub mod writes;

use athanor::chrono::{NaiveDate, NaiveDateTime};
use athanor::prelude::*;
use athanor::query::select;
use athanor::Row;

/// Values the dialects tend to disagree about.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "hostile_rows")]
pub struct Hv {
    #[athanor(primary_key)]
    pub id: i64,
    #[athanor(max_len = 32)]
    pub t: Option<String>,
    pub n: Option<i64>,
    #[athanor(precision = 20, scale = 8)]
    pub d: Option<Decimal>,
    pub at: Option<NaiveDateTime>,
    pub g: i64,
    pub p: Option<i64>,
}

/// Tags pointing at rows (the side of correlated subqueries and joins).
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "hostile_tags")]
pub struct Tag {
    #[athanor(primary_key)]
    pub id: i64,
    pub row_id: Option<i64>,
}

pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_micro_opt(h, mi, s, us).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn hv(id: i64, t: Option<&str>, n: Option<i64>, d: Option<Decimal>, at: Option<NaiveDateTime>, g: i64, p: Option<i64>) -> Hv {
    Hv { id, t: t.map(Into::into), n, d, at, g, p }
}

/// The rows, in id order.
pub fn rows() -> Vec<Hv> {
    vec![
        hv(1, Some("9"), Some(i64::MAX), Some(dec!(1.5)), Some(at(2024, 1, 1, 0, 0, 0, 1)), 1, None),
        hv(2, Some("10"), Some(-7), None, Some(at(2023, 12, 31, 23, 59, 59, 999_999)), 1, Some(1)),
        hv(3, Some("Straße"), None, Some(dec!(-2.5)), None, 2, Some(99)),
        hv(4, Some("𐐀ΣΑΣ"), Some(2), Some(dec!(10)), Some(at(2024, 2, 29, 12, 0, 0, 0)), 2, None),
        hv(5, Some("ab  "), Some(-2), Some(dec!(9.99)), Some(at(2024, 1, 1, 0, 0, 0, 0)), 3, Some(2)),
        hv(6, None, None, None, None, 3, None),
        hv(7, Some("A"), Some(i64::MIN), Some(dec!(-0.00000001)), Some(at(1970, 1, 1, 0, 0, 0, 0)), 4, Some(6)),
        hv(8, Some(""), Some(0), Some(dec!(0)), Some(at(2038, 1, 19, 3, 14, 8, 0)), 4, None),
    ]
}

pub fn tags() -> Vec<Tag> {
    vec![Tag { id: 1, row_id: Some(1) }, Tag { id: 2, row_id: Some(1) }, Tag { id: 3, row_id: None }, Tag { id: 4, row_id: Some(5) }]
}

pub async fn seed(e: &Engine) {
    e.drop_all(&[Hv::table(), Tag::table()]).await.unwrap();
    e.create_all(&[Hv::table(), Tag::table()]).await.unwrap();
    Hv::insert_many(&rows()).execute(e).await.unwrap();
    Tag::insert_many(&tags()).execute(e).await.unwrap();
}

/// Records mismatches; [`Check::finish`] panics with all of them.
pub struct Check {
    pub dialect: String,
    pub failures: Vec<String>,
}

impl Check {
    pub fn new(e: &Engine) -> Check {
        Check { dialect: e.dialect().to_string(), failures: Vec::new() }
    }
    /// `got` must be `Ok(expected)`.
    pub fn ok<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: athanor::Result<T>, expected: T) {
        match got {
            Ok(v) if v == expected => {}
            other => self.failures.push(format!("[{}] {what}: got {other:?}, expected Ok({expected:?})", self.dialect)),
        }
    }
    /// `got` must be an error (any).
    pub fn err<T: std::fmt::Debug>(&mut self, what: &str, got: athanor::Result<T>) {
        if let Ok(v) = got {
            self.failures.push(format!("[{}] {what}: got Ok({v:?}), expected an error", self.dialect));
        }
    }
    pub fn finish(self) {
        assert!(self.failures.is_empty(), "{} mismatch(es):\n{}", self.failures.len(), self.failures.join("\n"));
    }
}

/// One expression per row of `hostile_rows`, in id order.
pub async fn column<T: athanor::FromValue>(e: &Engine, x: impl Into<athanor::ast::Expr>) -> athanor::Result<Vec<T>> {
    let rows: Vec<Row> = select(Hv::table()).columns([x.into()]).order_by(Hv::ID.asc()).all(e).await?;
    rows.iter().map(|r| r.get_index::<T>(0)).collect()
}

/// The ids of the rows a filter keeps.
pub async fn ids(e: &Engine, f: athanor::ast::Expr) -> athanor::Result<Vec<i64>> {
    Ok(Hv::select().filter(f).order_by(Hv::ID.asc()).all(e).await?.into_iter().map(|h| h.id).collect())
}

/// The checks the Supabase dialect can run (no expressions): text with NUL refused before any
/// request, UPDATE/DELETE … RETURNING with the same rows as the SQL dialects.
pub async fn run_supabase(e: &Engine) {
    Hv::insert_many(&rows()).execute(e).await.unwrap();
    let mut c = Check::new(e);
    text::refuse_nul(e, &mut c).await;
    writes::plain(e, &mut c).await;
    c.finish();
}

/// Every check, on one engine.
pub async fn run(e: &Engine) {
    seed(e).await;
    let mut c = Check::new(e);
    text::check(e, &mut c).await;
    numbers::check(e, &mut c).await;
    subqueries::check(e, &mut c).await;
    writes::check(e, &mut c).await;
    e.drop_all(&[Hv::table(), Tag::table()]).await.unwrap();
    c.finish();
}
