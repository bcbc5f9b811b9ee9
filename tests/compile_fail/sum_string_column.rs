use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    symbol: String,
}

fn main() {
    let _ = Candle::select().columns(Candle::SYMBOL.sum());
}
