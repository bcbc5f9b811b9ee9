//! The shared model suite (`tests/model_suite`) on the Supabase dialect: every step that uses only
//! the query API, over HTTP to the PostgREST stand-in (`postgrest-standin`), which runs each
//! request as SQL on a fresh schema of the real PostgreSQL server (`ATHANOR_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`). The tables come from the models, as a migration
//! would make them; the SQL-only steps are refused before any request is sent.

mod model_suite;

use athanor::prelude::*;
use model_suite::{candle, Candle};
use postgrest_standin::{pg_url, StandIn};

const KEY: &str = "suite-anon-key-5150";

fn unsupported(err: athanor::Error) {
    assert!(matches!(err, athanor::Error::Unsupported { dialect: "supabase", .. }), "{err}");
}

#[tokio::test]
async fn model_suite_on_supabase() {
    let standin = StandIn::start(&pg_url(), KEY).await.expect("start the PostgREST stand-in on PostgreSQL");
    standin.create_tables(&model_suite::tables()).await.expect("create the suite's tables in PostgreSQL");
    let engine = athanor::create_engine(&standin.url()).expect("engine");
    let suite = {
        let engine = engine.clone();
        tokio::spawn(async move { model_suite::run_portable(&engine).await })
    };
    let outcome = suite.await;
    let served = standin.requests();

    // What the rest of the suite needs is a typed error before any request.
    unsupported(engine.create_all(&model_suite::tables()).await.unwrap_err());
    unsupported(athanor::text("SELECT 1").execute(&engine).await.unwrap_err());
    unsupported(engine.begin().await.map(|_| ()).unwrap_err());
    let partial = Candle::insert_many(&[candle("BTC", 1, dec!(1))])
        .on_conflict([Candle::SYMBOL.name(), Candle::TS.name()])
        .on_conflict_update([Candle::CLOSE]);
    unsupported(partial.execute(&engine).await.unwrap_err());
    let after = standin.requests();
    standin.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    assert!(served > 40, "the suite went over HTTP ({served} requests)");
    assert_eq!(after, served, "refused statements sent nothing");
}
