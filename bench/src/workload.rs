//! Workload ids, implementation ids and the per-repetition input built before the clock starts.

use crate::data::{gen_rows, NewOhlcv, N_ROWS, W4_ROWS};
use crate::models::{CandleW3, CandleW4};

/// Error type of the whole binary.
pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// One of WORKLOADS.md's workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    W1,
    W2,
    W3,
    W4,
    W5,
}

impl Workload {
    /// Every workload, in order.
    pub const ALL: [Workload; 5] = [Workload::W1, Workload::W2, Workload::W3, Workload::W4, Workload::W5];

    /// `"W1"` …
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "W1",
            Workload::W2 => "W2",
            Workload::W3 => "W3",
            Workload::W4 => "W4",
            Workload::W5 => "W5",
        }
    }

    /// Parses `W1` … `W5` (case-insensitive).
    pub fn parse(s: &str) -> Res<Workload> {
        Workload::ALL.into_iter().find(|w| w.name().eq_ignore_ascii_case(s.trim())).ok_or_else(|| format!("unknown workload {s:?}").into())
    }
}

/// An implementation under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    /// Athanor's model API on its engine, as configured by default (pool of 10).
    Athanor,
    /// Athanor with `pool_pre_ping=false` (diagnostic, not in the default set).
    AthanorNoPing,
    /// Raw sqlx on its default `Pool` (ping on acquire and on release).
    Sqlx,
    /// Ten bare sqlx connections behind a semaphore, no pings: the floor (MySQL only).
    BareConn,
}

impl Impl {
    /// The name printed in the JSON lines.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Athanor => "athanor",
            Impl::AthanorNoPing => "athanor-noping",
            Impl::Sqlx => "sqlx",
            Impl::BareConn => "bareconn",
        }
    }

    /// Parses a name as printed by [`Impl::name`].
    pub fn parse(s: &str) -> Res<Impl> {
        [Impl::Athanor, Impl::AthanorNoPing, Impl::Sqlx, Impl::BareConn]
            .into_iter()
            .find(|i| i.name() == s.trim())
            .ok_or_else(|| format!("unknown impl {s:?} (athanor, athanor-noping, sqlx, bareconn)").into())
    }

    /// A small number that makes W5's values differ between implementations.
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for the Athanor implementations.
    pub fn is_athanor(self) -> bool {
        matches!(self, Impl::Athanor | Impl::AthanorNoPing)
    }
}

/// Input rows for W3/W4, in the form each implementation's application would hold them.
pub enum Input {
    /// W1, W2, W5 need none.
    None,
    /// Plain records for the raw sqlx and bare-connection implementations.
    Raw(Vec<NewOhlcv>),
    /// Athanor model rows for `ohlcv_1m_w3`.
    AthanorW3(Vec<CandleW3>),
    /// Athanor model rows for `ohlcv_1m_w4`.
    AthanorW4(Vec<CandleW4>),
}

/// Builds the input of `w`'s repetition `rep` for `imp` (before the clock starts).
pub fn input_for(w: Workload, rep: usize, imp: Impl) -> Input {
    let raw = match w {
        Workload::W3 => gen_rows(0..N_ROWS, 0),
        Workload::W4 => gen_rows(0..W4_ROWS, rep as i64 + 1),
        _ => return Input::None,
    };
    match (imp.is_athanor(), w) {
        (false, _) => Input::Raw(raw),
        (true, Workload::W3) => Input::AthanorW3(raw.into_iter().map(Into::into).collect()),
        (true, _) => Input::AthanorW4(raw.into_iter().map(Into::into).collect()),
    }
}

/// W2's shape, shared by every implementation: `W2_QUERIES` point selects from `W2_TASKS` tasks,
/// task `t` doing `k = t, t + W2_TASKS, …`; `query(state, k)` runs (and checks) one of them.
pub async fn run_w2<S, F, Fut, E>(state: S, query: F) -> Res<usize>
where
    S: Clone + Send + 'static,
    F: Fn(S, usize) -> Fut + Copy + Send + 'static,
    Fut: std::future::Future<Output = Result<(), E>> + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    use crate::data::{W2_QUERIES, W2_TASKS};
    let mut set = tokio::task::JoinSet::new();
    for t in 0..W2_TASKS {
        let state = state.clone();
        set.spawn(async move {
            let mut n = 0usize;
            let mut k = t;
            while k < W2_QUERIES {
                query(state.clone(), k).await?;
                n += 1;
                k += W2_TASKS;
            }
            Ok::<usize, E>(n)
        });
    }
    let mut total = 0;
    while let Some(r) = set.join_next().await {
        total += r??;
    }
    assert_eq!(total, W2_QUERIES);
    Ok(total)
}
