//! What `sluice route eval` prints per file, as text or JSON.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::apgr::Curve;

/// `hits` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub hits: usize,
    pub total: usize,
    pub rate: f64,
}

impl Rate {
    pub fn new(hits: usize, total: usize) -> Rate {
        Rate { hits, total, rate: if total == 0 { 0.0 } else { hits as f64 / total as f64 } }
    }

    /// The share that did NOT hit.
    pub fn complement(self) -> Rate {
        Rate::new(self.total - self.hits, self.total)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:6.2} % ({}/{})", self.rate * 100.0, self.hits, self.total)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub rows: usize,
    /// Frontier recall: rows labelled `complex` routed complex (or higher).
    pub complex_routed_complex: Option<Rate>,
    /// Cheap rate: rows labelled `simple` routed below complex.
    pub simple_routed_simple: Option<Rate>,
    pub unsolved_routed_simple: Option<Rate>,
    /// Rows labelled `secret` classified secret.
    pub secret_recall: Option<Rate>,
    /// Rows labelled `secret_weak` classified pii or secret (policy's call; reported, no target).
    pub secret_weak_flagged: Option<Rate>,
    /// Rows labelled `pii` classified pii or secret.
    pub pii_recall: Option<Rate>,
    /// Rows labelled (or assumed) `public` classified pii or secret.
    pub public_false_positive: Option<Rate>,
    pub secret_recall_by_type: BTreeMap<String, Rate>,
    /// Labelled direct-identifier spans overlapped by a pii/secret finding.
    pub pii_recall_by_entity: BTreeMap<String, Rate>,
    pub mmlu_curve: Option<Curve>,
    /// Estimated cost of the routed models relative to sending everything to the policy's
    /// default model.
    pub cost_vs_always_default: Option<f64>,
    pub latency_p50_us: f64,
    pub latency_p99_us: f64,
    /// Up to 20 row ids per kind of mistake, for inspection.
    pub misses: BTreeMap<String, Vec<String>>,
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "== {} ({} rows)", self.file, self.rows)?;
        let line = |f: &mut fmt::Formatter<'_>, name: &str, rate: &Option<Rate>| match rate {
            Some(r) => writeln!(f, "  {name:<40} {r}"),
            None => Ok(()),
        };
        line(f, "frontier recall on complex", &self.complex_routed_complex)?;
        line(f, "cheap rate on simple", &self.simple_routed_simple)?;
        line(f, "cheap rate on unsolved", &self.unsolved_routed_simple)?;
        line(f, "secret recall", &self.secret_recall)?;
        line(f, "secret_weak flagged", &self.secret_weak_flagged)?;
        line(f, "pii recall (rows)", &self.pii_recall)?;
        line(f, "false positives on public", &self.public_false_positive)?;
        if !self.pii_recall_by_entity.is_empty() {
            writeln!(f, "  pii recall by entity type:")?;
            for (kind, rate) in &self.pii_recall_by_entity {
                writeln!(f, "    {kind:<38} {rate}")?;
            }
        }
        if !self.secret_recall_by_type.is_empty() {
            let missed: Vec<String> =
                self.secret_recall_by_type.iter().filter(|(_, r)| r.hits < r.total).map(|(k, r)| format!("{k} {}/{}", r.hits, r.total)).collect();
            writeln!(f, "  secret types: {} types, {} with misses{}{}", self.secret_recall_by_type.len(), missed.len(), if missed.is_empty() { "" } else { ": " }, missed.join(", "))?;
        }
        if let Some(c) = &self.mmlu_curve {
            writeln!(f, "  outcomes: weak quality {:.4}, strong quality {:.4}", c.weak_quality, c.strong_quality)?;
            writeln!(f, "  APGR {:.4} (random routing ≈ 0.5)", c.apgr)?;
            writeln!(f, "  frontier share for 95 % PGR {:.1} %, for 95 % of frontier quality {:.1} %", c.frontier_share_for_95_pgr * 100.0, c.frontier_share_for_95_quality * 100.0)?;
        }
        if let Some(ratio) = self.cost_vs_always_default {
            writeln!(f, "  {:<40} {:6.2} %", "cost vs. always the default model", ratio * 100.0)?;
        }
        writeln!(f, "  {:<40} p50 {:.1} µs, p99 {:.1} µs", "classification latency", self.latency_p50_us, self.latency_p99_us)
    }
}
