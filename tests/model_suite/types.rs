//! Every supported field type survives an insert and a read back, with `None` and `Some`.

use super::models::*;
use athanor::chrono::{NaiveDate, TimeZone, Utc};
use athanor::prelude::*;
use athanor::serde_json::json;
use athanor::uuid::Uuid;

/// A row with every optional column set and ordinary values.
fn full_row() -> AllTypes {
    AllTypes {
        id: 0,
        small: -8,
        short: -1600,
        int: 320_000,
        big: 6_400_000_000,
        ubyte: 200,
        ushort: 60_000,
        uint: 4_000_000_000,
        ubig: 18_000_000_000,
        single: 1.5,
        double: 1234.5678,
        flag: true,
        name: "BTC/USDT ünïcödé".into(),
        body: "long text ".repeat(100),
        blob: vec![0, 1, 2, 0xfe, 0xff],
        price: dec!(1234567.12345678),
        day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        time: athanor::chrono::NaiveTime::from_hms_micro_opt(23, 59, 58, 999_999).unwrap(),
        stamp: ts(5, 30),
        stamp_utc: Utc.with_ymd_and_hms(2024, 3, 10, 1, 2, 3).unwrap() + athanor::chrono::Duration::microseconds(654_321),
        doc: json!({"bid": 1.25, "levels": [1, 2, 3], "venue": "x", "nested": {"ok": true}}),
        uid: Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap(),
        opt_int: Some(-42),
        opt_text: Some("present".into()),
        opt_price: Some(dec!(-0.0001)),
        opt_stamp: Some(ts(6, 0)),
        opt_flag: Some(false),
        opt_uint: Some(7),
        opt_double: Some(-2.5),
        opt_blob: Some(vec![9, 0, 9]),
        opt_day: Some(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()),
        opt_time: Some(athanor::chrono::NaiveTime::from_hms_micro_opt(8, 0, 0, 500).unwrap()),
        opt_utc: Some(Utc.with_ymd_and_hms(2030, 6, 1, 12, 0, 0).unwrap() + athanor::chrono::Duration::microseconds(1)),
        opt_doc: Some(json!({"k": "v"})),
        opt_uid: Some(Uuid::parse_str("00000000-0000-4000-8000-000000000001").unwrap()),
        scratch: vec!["not stored".into()],
    }
}

/// A row at the edges of each type, with every optional column NULL.
fn edge_row() -> AllTypes {
    AllTypes {
        id: 0,
        small: i8::MIN,
        short: i16::MAX,
        int: i32::MIN,
        big: i64::MAX,
        ubyte: u8::MAX,
        ushort: u16::MAX,
        uint: u32::MAX,
        // SQLite integers are signed 64-bit: the suite stays within what every dialect stores.
        ubig: i64::MAX as u64,
        single: -0.25,
        double: -1e300,
        flag: false,
        name: String::new(),
        body: String::new(),
        blob: Vec::new(),
        price: dec!(-9999999.99999999),
        day: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
        time: athanor::chrono::NaiveTime::from_hms_micro_opt(0, 0, 0, 1).unwrap(),
        stamp: NaiveDate::from_ymd_opt(2038, 1, 19).unwrap().and_hms_micro_opt(3, 14, 8, 1).unwrap(),
        stamp_utc: Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap(),
        doc: json!([]),
        uid: Uuid::nil(),
        opt_int: None,
        opt_text: None,
        opt_price: None,
        opt_stamp: None,
        opt_flag: None,
        opt_uint: None,
        opt_double: None,
        opt_blob: None,
        opt_day: None,
        opt_time: None,
        opt_utc: None,
        opt_doc: None,
        opt_uid: None,
        scratch: Vec::new(),
    }
}

/// `scratch` is `skip`: it is not stored and reads back as its default.
fn as_stored(mut row: AllTypes) -> AllTypes {
    row.scratch = Vec::new();
    row
}

/// Inserts both rows, checks the generated keys and reads each back by key, by filter and in bulk.
pub async fn round_trip_every_type(engine: &Engine) {
    let full = full_row().insert().execute(engine).await.expect("insert the full row");
    assert!(full.id > 0, "the generated key is set on the returned model: {}", full.id);
    let edge = edge_row().insert().execute(engine).await.expect("insert the edge row");
    assert!(edge.id > full.id, "keys increase: {} then {}", full.id, edge.id);

    let got = AllTypes::get_by_key(full.id).one(engine).await.expect("get the full row by key");
    assert_eq!(got, as_stored(AllTypes { id: full.id, ..full_row() }));
    let got = AllTypes::get_by_key(edge.id).one(engine).await.expect("get the edge row by key");
    assert_eq!(got, as_stored(AllTypes { id: edge.id, ..edge_row() }));

    // Typed filters on several column types find the rows they should.
    let by_uid = AllTypes::select().filter(AllTypes::UID.eq(full_row().uid)).one(engine).await.expect("filter by uuid");
    assert_eq!(by_uid.id, full.id);
    let by_price = AllTypes::select().filter(AllTypes::PRICE.gt(dec!(0))).all(engine).await.expect("filter by decimal");
    assert_eq!(by_price.iter().map(|r| r.id).collect::<Vec<_>>(), [full.id]);
    let by_stamp = AllTypes::select().filter(AllTypes::STAMP.eq(ts(5, 30))).all(engine).await.expect("filter by datetime");
    assert_eq!(by_stamp.len(), 1, "microseconds are stored and compared exactly");
    let nulls = AllTypes::select().filter(AllTypes::OPT_TEXT.is_null()).all(engine).await.expect("is_null");
    assert_eq!(nulls.iter().map(|r| r.id).collect::<Vec<_>>(), [edge.id]);
    let flagged = AllTypes::select().filter(AllTypes::FLAG.eq(true)).count(engine).await.expect("filter by bool");
    assert_eq!(flagged, 1);
    let all = AllTypes::select().order_by(AllTypes::ID.asc()).all(engine).await.expect("select all");
    assert_eq!(all, vec![as_stored(full.clone()), as_stored(edge)]);
    wide_decimal(engine, full.id).await;
}

/// DECIMAL(20, 8) at full width. SQLite keeps 15 significant digits (documented in the dialect).
async fn wide_decimal(engine: &Engine, id: i64) {
    let wide = if engine.dialect() == "sqlite" { dec!(1234567.12345678) } else { dec!(-999999999999.99999999) };
    AllTypes::update().set(AllTypes::PRICE, wide).filter(AllTypes::ID.eq(id)).execute(engine).await.expect("update a wide decimal");
    assert_eq!(AllTypes::get_by_key(id).one(engine).await.unwrap().price, wide);
    AllTypes::update().set(AllTypes::PRICE, full_row().price).filter(AllTypes::ID.eq(id)).execute(engine).await.unwrap();
}

/// Typed UPDATE and DELETE by key; a filterless one is refused.
pub async fn update_and_delete(engine: &Engine) {
    let ids: Vec<i64> = AllTypes::select().order_by(AllTypes::ID.asc()).all(engine).await.unwrap().iter().map(|r| r.id).collect();
    let (full, edge) = (ids[0], ids[1]);
    let n = AllTypes::update()
        .set(AllTypes::OPT_TEXT, Some("changed"))
        .set(AllTypes::PRICE, dec!(1.5))
        .set(AllTypes::OPT_STAMP, None::<athanor::chrono::NaiveDateTime>)
        .filter(AllTypes::ID.eq(full))
        .execute(engine)
        .await
        .expect("update by key");
    assert_eq!(n, 1);
    let got = AllTypes::get_by_key(full).one(engine).await.unwrap();
    assert_eq!((got.opt_text.as_deref(), got.price, got.opt_stamp), (Some("changed"), dec!(1.5), None));

    let err = AllTypes::update().set(AllTypes::FLAG, true).execute(engine).await.expect_err("a filterless update is refused");
    assert!(matches!(err, athanor::Error::MissingFilter { .. }), "{err}");
    let err = AllTypes::delete().execute(engine).await.expect_err("a filterless delete is refused");
    assert!(matches!(err, athanor::Error::MissingFilter { .. }), "{err}");

    assert_eq!(AllTypes::delete().filter(AllTypes::ID.eq(edge)).execute(engine).await.expect("delete by key"), 1);
    assert_eq!(AllTypes::get_by_key(edge).first(engine).await.expect("get a deleted row"), None);
    assert_eq!(AllTypes::select().count(engine).await.unwrap(), 1);
}
