//! JSON rows as PostgREST sends each PostgreSQL type, decoded through `RowAccess` into Rust types.

use athanor_core::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use athanor_core::row::get_at;
use athanor_core::uuid::Uuid;
use athanor_core::{Decimal, RowAccess};
use athanor_supabase::response::{parse_rows, ContentRange, JsonRow};

const ROW: &str = r#"[{
  "small": -8, "uint": 4000000000, "ubig": 18446744073709551615, "single": 1.5, "double": 2.25e-3,
  "flag": true, "name": "naïve \"x\"", "blob": "\\x00ff10", "price": 12345678901234.12345678,
  "price_txt": "0.10000000", "day": "2024-03-01", "time": "12:07:07.123456",
  "stamp": "2024-03-01T12:07:07.123456", "stamp_utc": "2024-03-01T12:07:07.123456+00:00",
  "doc": {"a": [1, "two", null]}, "doc_str": "just text", "uid": "67e55044-10b1-426f-9247-bb680e5fe0c8",
  "none": null, "big_as_text": "9007199254740993"
}]"#;

const COLS: [&str; 19] = [
    "small",
    "uint",
    "ubig",
    "single",
    "double",
    "flag",
    "name",
    "blob",
    "price",
    "price_txt",
    "day",
    "time",
    "stamp",
    "stamp_utc",
    "doc",
    "doc_str",
    "uid",
    "none",
    "big_as_text",
];

#[test]
fn every_type_decodes_exactly() {
    let rows = parse_rows(ROW.as_bytes()).unwrap();
    let cols: Vec<String> = COLS.iter().map(|c| c.to_string()).collect();
    let r = JsonRow::new(&rows[0], Some(&cols));
    let row: &dyn RowAccess = &r;
    assert_eq!(get_at::<i8>(row, 0).unwrap(), -8);
    assert_eq!(get_at::<u32>(row, 1).unwrap(), 4_000_000_000);
    assert_eq!(get_at::<u64>(row, 2).unwrap(), u64::MAX);
    assert_eq!(get_at::<f32>(row, 3).unwrap(), 1.5);
    assert_eq!(get_at::<f64>(row, 4).unwrap(), 0.00225);
    assert!(get_at::<bool>(row, 5).unwrap());
    assert_eq!(get_at::<String>(row, 6).unwrap(), "naïve \"x\"");
    assert_eq!(get_at::<Vec<u8>>(row, 7).unwrap(), [0x00, 0xff, 0x10]);
    assert_eq!(get_at::<Decimal>(row, 8).unwrap().to_string(), "12345678901234.12345678");
    assert_eq!(get_at::<Decimal>(row, 9).unwrap().to_string(), "0.10000000");
    assert_eq!(get_at::<NaiveDate>(row, 10).unwrap(), NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
    assert_eq!(get_at::<NaiveTime>(row, 11).unwrap(), NaiveTime::from_hms_micro_opt(12, 7, 7, 123_456).unwrap());
    let stamp = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_micro_opt(12, 7, 7, 123_456).unwrap();
    assert_eq!(get_at::<NaiveDateTime>(row, 12).unwrap(), stamp);
    assert_eq!(get_at::<DateTime<Utc>>(row, 13).unwrap(), stamp.and_utc());
    assert_eq!(get_at::<serde_json::Value>(row, 14).unwrap(), serde_json::json!({"a": [1, "two", null]}));
    assert_eq!(get_at::<serde_json::Value>(row, 15).unwrap(), serde_json::json!("just text"));
    assert_eq!(get_at::<Uuid>(row, 16).unwrap().to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
    assert_eq!(get_at::<Option<Decimal>>(row, 17).unwrap(), None);
    assert!(get_at::<i64>(row, 17).is_err(), "NULL into a non-Option is a decode error");
    assert_eq!(get_at::<i64>(row, 18).unwrap(), 9_007_199_254_740_993);
}

#[test]
fn missing_keys_and_wrong_types_name_the_column() {
    let rows = parse_rows(br#"[{"a":"x"}]"#).unwrap();
    let cols = vec!["a".to_owned(), "gone".to_owned()];
    let r = JsonRow::new(&rows[0], Some(&cols));
    let err = get_at::<i64>(&r, 0).unwrap_err().to_string();
    assert!(err.contains("`a`"), "{err}");
    let err = get_at::<i64>(&r, 1).unwrap_err().to_string();
    assert!(err.contains("gone"), "{err}");
}

#[test]
fn content_range_forms() {
    let cr = |s| ContentRange::parse(s).unwrap();
    assert_eq!((cr("0-9/100").range, cr("0-9/100").total), (Some((0, 9)), Some(100)));
    assert_eq!((cr("*/0").range, cr("*/0").total), (None, Some(0)));
    assert_eq!((cr("0-0/*").range, cr("0-0/*").total), (Some((0, 0)), None));
    assert_eq!((cr("*/*").range, cr("*/*").total), (None, None));
    assert!(ContentRange::parse("garbage").is_none());
}
