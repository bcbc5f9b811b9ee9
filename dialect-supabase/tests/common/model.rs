//! `Candle`, written out as `#[derive(Model)]` expands it (decoding by position with `get_at`),
//! so these tests exercise the same decode path as derived models without the facade crate.

use athanor_core::chrono::NaiveDateTime;
use athanor_core::model::{FromRow, Model, RowCache};
use athanor_core::row::get_at;
use athanor_core::{ColumnDef, Decimal, Result, RowAccess, SqlType, Table, ToValue, Value};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Candle {
    pub id: i64,
    pub symbol: String,
    pub ts: NaiveDateTime,
    pub close: Decimal,
    pub uid: athanor_core::uuid::Uuid,
    pub note: Option<String>,
}

impl FromRow for Candle {
    fn from_row(row: &dyn RowAccess, _cache: &mut RowCache) -> Result<Self> {
        Ok(Candle {
            id: get_at(row, 0)?,
            symbol: get_at(row, 1)?,
            ts: get_at(row, 2)?,
            close: get_at(row, 3)?,
            uid: get_at(row, 4)?,
            note: get_at(row, 5)?,
        })
    }
}

fn def<T: SqlType>(name: &'static str) -> ColumnDef {
    let mut c = ColumnDef::new(name, T::column_type());
    c.nullable = T::NULLABLE;
    c
}

impl Model for Candle {
    const TABLE: &'static str = "ohlcv_1m";
    const COLUMNS: &'static [&'static str] = &["id", "symbol", "ts", "close", "uid", "note"];
    const PRIMARY_KEY: &'static [&'static str] = &["id"];
    const AUTO_INCREMENT: Option<&'static str> = Some("id");

    fn table() -> &'static Table {
        static T: OnceLock<Table> = OnceLock::new();
        T.get_or_init(|| {
            Table::new("ohlcv_1m")
                .column(def::<i64>("id").auto_increment())
                .column(def::<String>("symbol"))
                .column(def::<NaiveDateTime>("ts"))
                .column(def::<Decimal>("close"))
                .column(def::<athanor_core::uuid::Uuid>("uid"))
                .column(def::<Option<String>>("note"))
                .primary_key(["id"])
        })
    }
    fn values(&self) -> Vec<Value> {
        vec![
            self.id.to_value(),
            self.symbol.to_value(),
            self.ts.to_value(),
            self.close.to_value(),
            self.uid.to_value(),
            self.note.to_value(),
        ]
    }
    fn primary_key_values(&self) -> Vec<Value> {
        vec![self.id.to_value()]
    }
    fn set_generated_key(&mut self, key: Value) -> Result<()> {
        self.id = athanor_core::value::decode("id", key)?;
        Ok(())
    }
}
