use athanor::prelude::*;

#[derive(Model)]
struct Candle {
    #[athanor(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Fill {
    #[athanor(primary_key)]
    id: i64,
}

fn main() {
    let _ = Candle::select().columns((Candle::ID, Fill::ID));
}
