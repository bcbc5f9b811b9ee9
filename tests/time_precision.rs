//! A time value with more fractional-second digits than its column keeps is refused with
//! `Error::InvalidValue` before any I/O, on every dialect — as a Decimal with too much scale is.
//! Stored as given, MariaDB would truncate it, MySQL and PostgreSQL round it and SQLite keep every
//! digit: three answers to one insert. Values that fit round-trip exactly everywhere.

mod common_mysql;
mod pg_scratch;

use athanor::prelude::*;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "time_precision")]
struct Tick {
    #[athanor(primary_key)]
    id: i64,
    /// Default precision: microseconds (6 digits).
    ts: NaiveDateTime,
    #[athanor(precision = 0)]
    whole: Option<NaiveDateTime>,
    #[athanor(precision = 3)]
    utc: Option<DateTime<Utc>>,
    at: Option<NaiveTime>,
}

fn t(nanos: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_nano_opt(12, 30, 15, nanos).unwrap()
}

fn invalid(r: Result<impl std::fmt::Debug, athanor::Error>, column: &str) {
    match r {
        Err(athanor::Error::InvalidValue { column: c, .. }) if c == column => {}
        other => panic!("expected InvalidValue naming `{column}`, got {other:?}"),
    }
}

async fn check(engine: &Engine) {
    let ok = Tick {
        id: 1,
        ts: t(123_456_000),
        whole: Some(t(0)),
        utc: Some(t(987_000_000).and_utc()),
        at: Some(NaiveTime::from_hms_micro_opt(1, 2, 3, 456_789).unwrap()),
    };
    ok.insert().execute(engine).await.expect("values that fit their columns");
    assert_eq!(Tick::get_by_key(1i64).one(engine).await.expect("read back"), ok, "round trip");

    let row = |id: i64| Tick { id, ts: t(0), whole: None, utc: None, at: None };
    invalid(Tick { ts: t(123_456_789), ..row(2) }.insert().execute(engine).await, "ts");
    invalid(Tick { whole: Some(t(500_000_000)), ..row(3) }.insert().execute(engine).await, "whole");
    invalid(Tick { utc: Some(t(987_600_000).and_utc()), ..row(4) }.insert().execute(engine).await, "utc");
    invalid(Tick { at: Some(NaiveTime::from_hms_nano_opt(1, 2, 3, 1).unwrap()), ..row(5) }.insert().execute(engine).await, "at");
    invalid(Tick::insert_many(&[row(6), Tick { ts: t(1), ..row(7) }]).execute(engine).await, "ts");
    invalid(Tick::update().set(Tick::WHOLE, Some(t(1_000))).filter(Tick::ID.eq(1)).execute(engine).await, "whole");
    assert_eq!(Tick::select().count(engine).await.expect("count"), 1, "nothing refused was stored");
    assert_eq!(Tick::get_by_key(1i64).one(engine).await.expect("row 1"), ok, "refused update changed nothing");

    // The fix the error names: `Utc::now()` (nanoseconds) truncated to the column's digits.
    use chrono::SubsecRound;
    let now = Tick { ts: chrono::Utc::now().naive_utc().trunc_subsecs(6), utc: Some(chrono::Utc::now().trunc_subsecs(3)), ..row(9) };
    now.insert().execute(engine).await.expect("truncated values fit");
    assert_eq!(Tick::get_by_key(9i64).one(engine).await.expect("row 9"), now, "and round-trip exactly");
}

#[tokio::test]
async fn time_precision_on_sqlite() {
    let engine = athanor::create_engine("sqlite://").expect("engine");
    engine.create_all(&[Tick::table()]).await.expect("create");
    check(&engine).await;
}

#[tokio::test]
async fn time_precision_on_mariadb() {
    common_mysql::with_scratch_db("timeprec", "", |engine, _| async move {
        engine.create_all(&[Tick::table()]).await.expect("create");
        check(&engine).await;
    })
    .await;
}

#[tokio::test]
async fn time_precision_on_postgres() {
    pg_scratch::on_postgres(vec![Tick::table()], |engine| async move { check(&engine).await }).await;
}

#[tokio::test]
async fn time_precision_on_supabase() {
    pg_scratch::on_supabase_standin("timeprec-key", &[Tick::table()], |engine| async move { check(&engine).await }).await;
}
