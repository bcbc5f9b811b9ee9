use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
    symbol: String,
    #[athanor(precision = 20, scale = 8)]
    close: Decimal,
}

fn main() {
    let _ = Candle::select()
        .columns((Candle::SYMBOL, Candle::CLOSE.max()))
        .group_by([Candle::SYMBOL])
        .having(Candle::CLOSE.max().gt(100_i64));
}
