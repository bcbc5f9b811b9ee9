//! Medians, the JSON line per (implementation, workload) and the closing Markdown table.

use crate::workload::{Impl, Workload};

/// The timed samples of one implementation on one workload.
pub struct Measurement {
    /// Implementation.
    pub imp: Impl,
    /// Workload.
    pub workload: Workload,
    /// Rows (or operations) per repetition.
    pub rows: usize,
    /// Seconds per timed repetition, in run order.
    pub samples: Vec<f64>,
}

/// The median of `v` (mean of the middle two for an even count).
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Measurement {
    /// Median seconds.
    pub fn seconds(&self) -> f64 {
        median(&self.samples)
    }

    /// `{"impl","workload","seconds","rows","reps","samples"}`, in that key order.
    pub fn json_line(&self) -> String {
        let samples: Vec<String> = self.samples.iter().map(|s| serde_json::json!(s).to_string()).collect();
        format!(
            "{{\"impl\":{},\"workload\":{},\"seconds\":{},\"rows\":{},\"reps\":{},\"samples\":[{}]}}",
            serde_json::json!(self.imp.name()),
            serde_json::json!(self.workload.name()),
            serde_json::json!(self.seconds()),
            self.rows,
            self.samples.len(),
            samples.join(",")
        )
    }
}

fn find_m(ms: &[Measurement], imp: Impl, w: Workload) -> Option<&Measurement> {
    ms.iter().find(|m| m.imp == imp && m.workload == w)
}

fn find(ms: &[Measurement], imp: Impl, w: Workload) -> Option<f64> {
    find_m(ms, imp, w).map(Measurement::seconds)
}

fn cell(v: Option<f64>) -> String {
    v.map_or("–".into(), |s| format!("{s:.3}"))
}

/// The median of the per-repetition ratios `a[i] / b[i]` (repetition `i` of both ran in the same
/// round, back to back), so drift over the run cancels out.
fn ratio(a: Option<&Measurement>, b: Option<&Measurement>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if !a.samples.is_empty() && a.samples.len() == b.samples.len() => {
            let r: Vec<f64> = a.samples.iter().zip(&b.samples).filter(|(_, y)| **y > 0.0).map(|(x, y)| x / y).collect();
            format!("{:.2}×", median(&r))
        }
        _ => "–".into(),
    }
}

/// The Markdown table: median seconds per implementation, then Athanor/sqlx and (when the floor
/// ran) Athanor/bareconn, each the median of the per-repetition ratios.
pub fn table(ms: &[Measurement], impls: &[Impl], workloads: &[Workload]) -> String {
    let floor = impls.contains(&Impl::BareConn);
    let mut out = String::from("| workload |");
    for i in impls {
        out.push_str(&format!(" {} (s) |", i.name()));
    }
    out.push_str(" athanor/sqlx |");
    if floor {
        out.push_str(" athanor/bareconn |");
    }
    out.push_str("\n|---|");
    for _ in 0..impls.len() + 1 + floor as usize {
        out.push_str("---:|");
    }
    out.push('\n');
    for &w in workloads {
        if !ms.iter().any(|m| m.workload == w) {
            continue;
        }
        out.push_str(&format!("| {} |", w.name()));
        for &i in impls {
            out.push_str(&format!(" {} |", cell(find(ms, i, w))));
        }
        let a = find_m(ms, Impl::Athanor, w);
        out.push_str(&format!(" {} |", ratio(a, find_m(ms, Impl::Sqlx, w))));
        if floor {
            out.push_str(&format!(" {} |", ratio(a, find_m(ms, Impl::BareConn, w))));
        }
        out.push('\n');
    }
    out
}
