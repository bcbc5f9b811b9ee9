//! The shared model suite (`tests/model_suite`) on SQLite, in memory.

mod model_suite;

#[tokio::test]
async fn model_suite_on_sqlite() {
    let engine = athanor::create_engine("sqlite://").expect("engine");
    model_suite::run(&engine).await;
    engine.dispose().await;
}
