//! Unit-level tests of what `#[derive(Model)]` generates: names, the `Table`, values, keys, and
//! the SQL a model query compiles to on SQLite.

use athanor::prelude::*;
use athanor::{ColumnType, Value};

/// The DESIGN.md example model.
#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "ohlcv_1m")]
pub struct Candle {
    /// Surrogate key.
    #[athanor(primary_key, auto_increment)]
    pub id: i64,
    #[athanor(unique_with = "ts", max_len = 16)]
    pub symbol: String,
    pub ts: chrono::NaiveDateTime,
    #[athanor(precision = 18, scale = 6)]
    pub close: Decimal,
    pub volume: Decimal,
    pub note: Option<String>,
}

/// Composite key, renamed columns, indexes, defaults, a foreign key and a skipped field.
#[derive(Model, Debug, Clone, PartialEq, Default)]
#[athanor(unique(venue, code), index(venue, listed))]
struct InstrumentListing {
    #[athanor(primary_key)]
    venue: String,
    #[athanor(primary_key, column = "sym")]
    code: String,
    #[athanor(index)]
    listed: Option<chrono::NaiveDate>,
    #[athanor(unique, text)]
    r#description: String,
    #[athanor(default = -1)]
    rank: i32,
    #[athanor(default = "0.5")]
    fee: Decimal,
    #[athanor(default = true)]
    active: bool,
    #[athanor(references = "ohlcv_1m(id)")]
    candle_id: Option<i64>,
    #[athanor(skip)]
    cached: Vec<u32>,
}

/// A key that is `None` until the database generates it.
#[derive(Model, Debug, Clone, PartialEq)]
struct Memo {
    #[athanor(primary_key, auto_increment)]
    id: Option<i64>,
    #[athanor(text)]
    body: String,
}

fn sample() -> Candle {
    Candle {
        id: 0,
        symbol: "BTC".into(),
        ts: chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap().and_hms_micro_opt(3, 4, 5, 123_456).unwrap(),
        close: dec!(42000.5),
        volume: dec!(1.25),
        note: None,
    }
}

#[test]
fn names_and_keys() {
    assert_eq!(Candle::TABLE, "ohlcv_1m");
    assert_eq!(Candle::COLUMNS, ["id", "symbol", "ts", "close", "volume", "note"]);
    assert_eq!(Candle::PRIMARY_KEY, ["id"]);
    assert_eq!(Candle::AUTO_INCREMENT, Some("id"));
    assert_eq!(InstrumentListing::TABLE, "instrument_listing");
    assert_eq!(InstrumentListing::COLUMNS, ["venue", "sym", "listed", "description", "rank", "fee", "active", "candle_id"]);
    assert_eq!(InstrumentListing::PRIMARY_KEY, ["venue", "sym"]);
    assert_eq!(InstrumentListing::AUTO_INCREMENT, None);
    assert_eq!(Candle::non_key_columns(), ["symbol", "ts", "close", "volume", "note"]);
}

#[test]
fn column_consts_are_typed_handles() {
    let c: Column<Candle, String> = Candle::SYMBOL;
    assert_eq!(c.name(), "symbol");
    let n: Column<Candle, Option<String>> = Candle::NOTE;
    assert_eq!(n.name(), "note");
    let d: Column<Candle, Decimal> = Candle::CLOSE;
    assert_eq!(d.name(), "close");
    assert_eq!(InstrumentListing::CODE.name(), "sym");
    assert_eq!(InstrumentListing::DESCRIPTION.name(), "description");
}

#[test]
fn table_definition() {
    let t = Candle::table();
    assert!(std::ptr::eq(t, Candle::table()), "built once");
    assert_eq!(t.name, "ohlcv_1m");
    assert_eq!(t.primary_key, ["id"]);
    let id = t.get_column("id").unwrap();
    assert_eq!(id.ty, ColumnType::I64);
    assert!(id.auto_increment && !id.nullable);
    assert_eq!(t.get_column("symbol").unwrap().ty, ColumnType::String { max_len: Some(16) });
    assert_eq!(t.get_column("ts").unwrap().ty, ColumnType::DateTime);
    assert_eq!(t.get_column("close").unwrap().ty, ColumnType::Decimal { precision: Some(18), scale: Some(6) });
    assert_eq!(t.get_column("volume").unwrap().ty, ColumnType::Decimal { precision: None, scale: None });
    let note = t.get_column("note").unwrap();
    assert!(note.nullable);
    assert_eq!(note.ty, ColumnType::String { max_len: None });
    assert_eq!(t.indexes.len(), 1);
    assert_eq!(t.indexes[0].columns, ["symbol", "ts"]);
    assert!(t.indexes[0].unique);
}

#[test]
fn composite_key_indexes_defaults_references() {
    let t = InstrumentListing::table();
    assert_eq!(t.primary_key, ["venue", "sym"]);
    assert_eq!(t.columns.len(), 8, "the skipped field is no column");
    let listed = t.get_column("listed").unwrap();
    assert!(listed.nullable && listed.index && !listed.unique);
    assert_eq!(listed.ty, ColumnType::Date);
    let desc = t.get_column("description").unwrap();
    assert!(desc.unique);
    assert_eq!(desc.ty, ColumnType::Text);
    assert_eq!(t.get_column("rank").unwrap().default, Some(Value::I64(-1)));
    assert_eq!(t.get_column("fee").unwrap().default, Some(Value::Decimal(dec!(0.5))), "converted to the field type");
    assert_eq!(t.get_column("active").unwrap().default, Some(Value::Bool(true)));
    let fk = t.get_column("candle_id").unwrap();
    assert_eq!(fk.references.as_ref().map(|(a, b)| (a.as_ref(), b.as_ref())), Some(("ohlcv_1m", "id")));
    assert_eq!(t.dependencies(), ["ohlcv_1m"]);
    let idx: Vec<(Vec<&str>, bool)> = t.indexes.iter().map(|i| (i.columns.iter().map(|c| c.as_ref()).collect(), i.unique)).collect();
    assert_eq!(idx, [(vec!["venue", "sym"], true), (vec!["venue", "listed"], false)]);
    let names: Vec<String> = t.all_indexes().into_iter().map(|i| i.name).collect();
    assert_eq!(
        names,
        [
            "ix_instrument_listing_listed",
            "uq_instrument_listing_description",
            "uq_instrument_listing_venue_sym",
            "ix_instrument_listing_venue_listed"
        ]
    );
}

#[test]
fn values_and_primary_key_values() {
    let c = sample();
    assert_eq!(
        c.values(),
        vec![
            Value::I64(0),
            Value::String("BTC".into()),
            Value::DateTime(c.ts),
            Value::Decimal(dec!(42000.5)),
            Value::Decimal(dec!(1.25)),
            Value::Null
        ]
    );
    assert_eq!(c.primary_key_values(), vec![Value::I64(0)]);
    let mut extra = c.values();
    extra.push(Value::I64(1));
    let wide: std::sync::Arc<[String]> = Candle::COLUMNS.iter().map(|s| s.to_string()).chain(["x".to_string()]).collect::<Vec<_>>().into();
    // A column more than the model's is left alone (the model's are found by name).
    assert_eq!(Candle::from_row(&Row::new(wide, extra), &mut Default::default()).unwrap(), c);
    // One of the model's missing is an error naming it.
    let narrow: std::sync::Arc<[String]> = Candle::COLUMNS.iter().skip(1).map(|s| s.to_string()).collect::<Vec<_>>().into();
    let err = Candle::from_row(&Row::new(narrow, c.values()[1..].to_vec()), &mut Default::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot decode column `ohlcv_1m.*`: the result has no column named `id` (it has: symbol, ts, close, volume, note); label the expression"
    );

    let l = InstrumentListing { venue: "XNAS".into(), code: "AAPL".into(), ..Default::default() };
    assert_eq!(l.primary_key_values(), vec![Value::String("XNAS".into()), Value::String("AAPL".into())]);
    assert_eq!(l.values().len(), 8);
}

#[test]
fn set_generated_key() {
    let mut c = sample();
    c.set_generated_key(Value::U64(42)).unwrap();
    assert_eq!(c.id, 42);
    c.set_generated_key(Value::I64(7)).unwrap();
    assert_eq!(c.id, 7);
    let err = c.set_generated_key(Value::U64(u64::MAX)).unwrap_err();
    assert!(err.to_string().contains("id"), "{err}");
    let mut l = InstrumentListing::default();
    let err = l.set_generated_key(Value::U64(1)).unwrap_err();
    assert!(err.to_string().contains("no auto_increment field"), "{err}");
}

#[test]
fn from_row_decodes_by_position_and_defaults_skipped_fields() {
    let c = sample();
    let names: std::sync::Arc<[String]> = Candle::COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>().into();
    let row = Row::new(names.clone(), c.values());
    let back = Candle::from_row(&row, &mut Default::default()).unwrap();
    assert_eq!(back, c);
    let mut bad = c.values();
    bad[1] = Value::Null;
    let err = Candle::from_row(&Row::new(names, bad), &mut Default::default()).unwrap_err();
    assert!(err.to_string().contains("symbol"), "{err}");

    let l = InstrumentListing { venue: "X".into(), code: "Y".into(), cached: vec![1, 2], ..Default::default() };
    let names: std::sync::Arc<[String]> = InstrumentListing::COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>().into();
    let back = InstrumentListing::from_row(&Row::new(names, l.values()), &mut Default::default()).unwrap();
    assert_eq!(back, InstrumentListing { cached: vec![], ..l });
}

#[test]
fn get_by_key_filters_on_every_key_column() {
    let q = InstrumentListing::get_by_key(("XNAS", "AAPL"));
    assert!(format!("{:?}", q.ast().filter).contains("sym"));
}

#[test]
fn compiles_typed_queries_on_sqlite() {
    let engine = athanor::create_engine("sqlite://").unwrap();
    let since = sample().ts;
    let q = Candle::select().filter(Candle::SYMBOL.eq("BTC").and(Candle::TS.ge(since))).order_by(Candle::TS.desc()).limit(10);
    let sql = engine.compile(&q).unwrap().to_string();
    assert!(sql.contains(r#"SELECT "id", "symbol", "ts", "close", "volume", "note" FROM "ohlcv_1m""#), "{sql}");
    assert!(sql.contains(r#"WHERE "symbol" = ? AND "ts" >= ?"#), "{sql}");
    assert!(sql.contains(r#"ORDER BY "ts" DESC LIMIT ?"#) || sql.contains(r#"ORDER BY "ts" DESC LIMIT 10"#), "{sql}");
    let upd = Candle::update().set(Candle::NOTE, Some("checked")).filter(Candle::ID.eq(7));
    let sql = engine.compile(&upd).unwrap().to_string();
    assert!(sql.contains(r#"UPDATE "ohlcv_1m" SET "note" = ?"#) && sql.contains(r#"WHERE "id" = ?"#), "{sql}");
    let del = Candle::delete().filter(Candle::NOTE.is_null());
    assert!(engine.compile(&del).unwrap().to_string().contains(r#"DELETE FROM "ohlcv_1m" WHERE "note" IS NULL"#));
}

#[test]
fn optional_generated_key() {
    let id = Memo::table().get_column("id").unwrap();
    assert!(id.auto_increment && !id.nullable, "a primary key column is NOT NULL even as Option");
    let mut m = Memo { id: None, body: "x".into() };
    m.set_generated_key(Value::U64(5)).unwrap();
    assert_eq!(m.id, Some(5));
}

#[tokio::test]
async fn optional_generated_key_on_sqlite() {
    let engine = athanor::create_engine("sqlite://").unwrap();
    engine.create_all(&[Memo::table()]).await.unwrap();
    let first = Memo { id: None, body: "first".into() }.insert().execute(&engine).await.unwrap();
    let second = Memo { id: None, body: "second".into() }.insert().execute(&engine).await.unwrap();
    assert!(first.id.is_some() && second.id > first.id, "{first:?} {second:?}");
    assert_eq!(Memo::get_by_key(second.id).one(&engine).await.unwrap(), second);
    Memo::insert_many(&[Memo { id: None, body: "bulk".into() }]).execute(&engine).await.unwrap();
    assert_eq!(Memo::select().count(&engine).await.unwrap(), 3);
    assert_eq!(Memo::select().filter(Memo::BODY.like("%s%")).count(&engine).await.unwrap(), 2);
}

/// A derived model decodes from any position of a wider row, and `Option<Model>` is `None`
/// where its key is NULL: what joins (`(Order, Option<Fill>)`) and projections build on.
#[tokio::test]
async fn models_and_values_decode_as_tuple_parts() {
    let db = create_engine("sqlite://").unwrap();
    let sql = "SELECT 7 AS n, 1 AS id, 'BTC' AS symbol, '2024-01-01 00:00:00' AS ts, '1.5' AS close, '2' AS volume, NULL AS note, \
               NULL AS id, NULL AS symbol, NULL AS ts, NULL AS close, NULL AS volume, NULL AS note";
    let rows: Vec<(i64, Candle, Option<Candle>)> = text(sql).fetch_all_as(&db).await.unwrap();
    let (n, c, missing) = &rows[0];
    assert_eq!((*n, c.id, c.symbol.as_str(), c.close, missing.is_none()), (7, 1, "BTC", dec!(1.5), true));
    let rows: Vec<(i64, Option<Candle>)> =
        text(sql.replace(", NULL AS id, NULL AS symbol, NULL AS ts, NULL AS close, NULL AS volume, NULL AS note", ""))
            .fetch_all_as(&db)
            .await
            .unwrap();
    assert_eq!(rows[0].1.as_ref().map(|c| c.volume), Some(dec!(2)));
    // A tuple whose width differs from the row's is a decode error, not a silent misread.
    let wrong: athanor::Result<Vec<(i64, Candle)>> = text(sql).fetch_all_as(&db).await;
    assert!(matches!(wrong, Err(athanor::Error::Decode { .. })), "{wrong:?}");
}
