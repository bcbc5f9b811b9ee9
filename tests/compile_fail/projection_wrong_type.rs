use athanor::chrono::NaiveDateTime;
use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    ts: NaiveDateTime,
    #[athanor(precision = 20, scale = 8)]
    close: Decimal,
}

async fn run(db: &Engine) -> athanor::Result<()> {
    let _rows: Vec<(NaiveDateTime, f64)> = Candle::select().columns((Candle::TS, Candle::CLOSE)).all(db).await?;
    Ok(())
}

fn main() {
    let _ = run;
}
