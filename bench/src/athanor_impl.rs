//! W1–W5 through Athanor's public API, written the way the README shows: model query builders on
//! `&Engine`, `engine.begin()` for W5.

use crate::data::{w2_id, w5_id, w5_values, BATCH, N_ROWS, W5_TX};
use crate::models::{Candle, CandleW4};
use crate::workload::{run_w2, Input, Res, Workload};
use athanor::prelude::*;

/// Runs one timed repetition of `w`; returns the rows (or operations) done.
pub async fn run(engine: &Engine, w: Workload, rep: usize, imp: usize, input: &Input) -> Res<usize> {
    match w {
        Workload::W1 => {
            let rows: Vec<Candle> = Candle::select().limit(N_ROWS as u64).all(engine).await?;
            assert_eq!(rows.len(), N_ROWS);
            std::hint::black_box(&rows);
            Ok(rows.len())
        }
        Workload::W2 => {
            run_w2(engine.clone(), |engine: Engine, k| async move {
                let r: Candle = Candle::select().filter(Candle::ID.eq(w2_id(k))).one(&engine).await?;
                debug_assert_eq!(r.id, w2_id(k));
                std::hint::black_box(&r);
                Ok::<(), athanor::Error>(())
            })
            .await
        }
        Workload::W3 => {
            let Input::AthanorW3(rows) = input else { unreachable!("W3 input") };
            for chunk in rows.chunks(BATCH) {
                let n = crate::models::CandleW3::insert_many(chunk).execute(engine).await?;
                assert_eq!(n as usize, chunk.len());
            }
            Ok(rows.len())
        }
        Workload::W4 => {
            let Input::AthanorW4(rows) = input else { unreachable!("W4 input") };
            for chunk in rows.chunks(BATCH) {
                CandleW4::insert_many(chunk)
                    .on_conflict_update([
                        CandleW4::OPEN.name(),
                        CandleW4::HIGH.name(),
                        CandleW4::LOW.name(),
                        CandleW4::CLOSE.name(),
                        CandleW4::VOLUME.name(),
                    ])
                    .execute(engine)
                    .await?;
            }
            Ok(rows.len())
        }
        Workload::W5 => {
            for k in 0..W5_TX {
                let (c, v) = w5_values(k, rep, imp);
                let mut tx = engine.begin().await?;
                let n =
                    Candle::update().set(Candle::CLOSE, c).set(Candle::VOLUME, v).filter(Candle::ID.eq(w5_id(k))).execute(&mut tx).await?;
                assert_eq!(n, 1);
                tx.commit().await?;
            }
            Ok(W5_TX)
        }
    }
}
