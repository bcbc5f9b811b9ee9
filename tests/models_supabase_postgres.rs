//! The portable part of the shared model suite through the Supabase dialect (over the PostgREST
//! stand-in) and through the PostgreSQL dialect on the SAME schema of the real PostgreSQL: each
//! run's writes are read back through both dialects and must be equal, row for row and value for
//! value. (`ATHANOR_PG_URL` overrides the server, default `postgres://postgres@127.0.0.1:5432/test`.)

mod model_suite;

use athanor::prelude::*;
use athanor::Engine;
use model_suite::{AllTypes, Candle, Fill, Position};
use postgrest_standin::{pg_url, StandIn};

const KEY: &str = "suite-anon-key-6262";

/// `pg_url()` with `search_path` set to `schema`, so the models' table names resolve there.
fn postgres_on(schema: &str) -> String {
    let url = pg_url();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}search_path={schema}")
}

/// Every row of every suite table, in key order, through `e`.
async fn everything(e: &Engine) -> (Vec<AllTypes>, Vec<Candle>, Vec<Position>, Vec<Fill>) {
    let all_types = AllTypes::select().order_by(AllTypes::ID.asc()).all(e).await.expect("read suite_all_types");
    let candles = Candle::select().order_by(Candle::ID.asc()).all(e).await.expect("read suite_candles");
    let positions =
        Position::select().order_by(Position::ACCOUNT.asc()).order_by(Position::SYMBOL.asc()).all(e).await.expect("read suite_positions");
    let fills = Fill::select().order_by(Fill::ID.asc()).all(e).await.expect("read suite_fills");
    (all_types, candles, positions, fills)
}

/// What one dialect wrote, read through both: equal, and not trivially (every table has rows).
async fn both_read_the_same(written_by: &str, supabase: &Engine, postgres: &Engine) {
    let via_supabase = everything(supabase).await;
    let via_postgres = everything(postgres).await;
    let sizes = (via_postgres.0.len(), via_postgres.1.len(), via_postgres.2.len(), via_postgres.3.len());
    assert!(sizes.0 > 0 && sizes.1 > 0 && sizes.2 > 0 && sizes.3 > 0, "written by {written_by}: some table is empty: {sizes:?}");
    assert_eq!(via_supabase.0, via_postgres.0, "suite_all_types written by {written_by}");
    assert_eq!(via_supabase.1, via_postgres.1, "suite_candles written by {written_by}");
    assert_eq!(via_supabase.2, via_postgres.2, "suite_positions written by {written_by}");
    assert_eq!(via_supabase.3, via_postgres.3, "suite_fills written by {written_by}");
}

async fn empty_tables(postgres: &Engine) {
    athanor::text("TRUNCATE suite_fills, suite_candles, suite_positions, suite_all_types RESTART IDENTITY")
        .execute(postgres)
        .await
        .expect("empty the suite's tables");
}

#[tokio::test]
async fn model_suite_on_supabase_and_postgres_share_one_schema() {
    let standin = StandIn::start(&pg_url(), KEY).await.expect("start the PostgREST stand-in on PostgreSQL");
    standin.create_tables(&model_suite::tables()).await.expect("create the suite's tables in PostgreSQL");
    let supabase = athanor::create_engine(&standin.url()).expect("supabase engine");
    let postgres = athanor::create_engine(&postgres_on(standin.schema())).expect("postgres engine");
    let suite = {
        let (supabase, postgres) = (supabase.clone(), postgres.clone());
        tokio::spawn(async move {
            model_suite::run_portable(&supabase).await;
            both_read_the_same("supabase", &supabase, &postgres).await;
            let first = everything(&postgres).await;
            empty_tables(&postgres).await;
            model_suite::run_portable(&postgres).await;
            both_read_the_same("postgresql", &supabase, &postgres).await;
            // The same steps on the same (emptied, renumbered) tables leave the same rows whichever
            // dialect wrote them.
            let second = everything(&postgres).await;
            assert_eq!(first.1, second.1, "suite_candles after each run");
            assert_eq!(first.2, second.2, "suite_positions after each run");
            assert_eq!(first.0, second.0, "suite_all_types after each run");
            assert_eq!(first.3, second.3, "suite_fills after each run");
        })
    };
    let outcome = suite.await;
    postgres.dispose().await;
    standin.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
