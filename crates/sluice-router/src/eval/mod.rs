//! Scoring the router on labelled files (the format of `../shared/data`: `prompt`,
//! `complexity`, `sensitivity`, `label`, `meta`). The command that reads files and times the
//! router is `sluice route eval`; this module only counts.

pub mod apgr;
mod report;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use sluice_domain::policy::{DataClass, TaskTier};

use crate::entity::{Finding, char_offset};
pub use report::{FileReport, Rate};

/// One labelled row.
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledRow {
    #[serde(default)]
    pub id: Value,
    pub prompt: String,
    #[serde(default)]
    pub complexity: Option<String>,
    #[serde(default)]
    pub sensitivity: Option<String>,
    #[serde(default)]
    pub label: Value,
    #[serde(default)]
    pub meta: Value,
}

impl LabelledRow {
    /// The sensitivity label; rows of complexity files (no sensitivity label) count as public
    /// traffic.
    pub fn sensitivity_label(&self) -> Option<&str> {
        match (&self.sensitivity, &self.complexity) {
            (Some(s), _) => Some(s),
            (None, Some(_)) => Some("public"),
            (None, None) => None,
        }
    }
}

/// What the router did with one row.
#[derive(Debug, Clone)]
pub struct Observation<'a> {
    pub data_class: DataClass,
    pub tier: TaskTier,
    pub complexity_score: f64,
    /// Byte offsets into the prompt.
    pub findings: &'a [Finding],
    /// Estimated cost of the routed model and of the policy's default model, USD.
    pub routed_cost: Option<f64>,
    pub default_cost: Option<f64>,
    pub latency: Duration,
}

/// Entity types the labelled PII data calls direct identifiers (see the data README).
pub const DIRECT_IDENTIFIERS: [&str; 10] =
    ["PERSON", "STREET_ADDRESS", "ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_DRIVER_LICENSE", "IP_ADDRESS"];

/// Counts for one file.
#[derive(Debug, Default)]
pub struct FileEval {
    rows: usize,
    complexity: BTreeMap<String, (usize, usize)>, // label → (rows, routed complex or higher)
    sensitivity: BTreeMap<String, (usize, usize)>, // label → (rows, flagged pii-or-secret)
    secret_by_type: BTreeMap<String, (usize, usize)>, // source rule → (rows, class secret)
    pii_by_entity: BTreeMap<String, (usize, usize)>, // entity type → (spans, overlapped by a pii/secret finding)
    outcomes: Vec<apgr::Outcome>,
    routed_cost: f64,
    default_cost: f64,
    latencies_ns: Vec<u64>,
    misses: BTreeMap<&'static str, Vec<String>>,
}

const KEEP_MISSES: usize = 20;

impl FileEval {
    pub fn add(&mut self, row: &LabelledRow, seen: &Observation) {
        self.rows += 1;
        self.latencies_ns.push(u64::try_from(seen.latency.as_nanos()).unwrap_or(u64::MAX));
        let flagged = seen.data_class >= DataClass::Pii;
        let id = || match &row.id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };

        if let Some(label) = &row.complexity {
            let complex = seen.tier >= TaskTier::Complex;
            bump(&mut self.complexity, label, complex);
            match (label.as_str(), complex) {
                ("complex", false) => self.miss("complex_routed_simple", id()),
                ("simple", true) => self.miss("simple_routed_complex", id()),
                _ => {}
            }
        }
        if let Some(label) = row.sensitivity_label() {
            // A secret must be recognised as a secret (only local models may receive it);
            // everything else counts as flagged at pii or above.
            let recognised = if label == "secret" { seen.data_class == DataClass::Secret } else { flagged };
            bump(&mut self.sensitivity, label, recognised);
            match (label, recognised) {
                ("public", true) => self.miss("public_flagged", id()),
                ("pii" | "secret", false) => self.miss("sensitive_missed", id()),
                _ => {}
            }
            if label == "secret" {
                let rule = row.label.as_str().unwrap_or("unknown").to_owned();
                bump(&mut self.secret_by_type, &rule, seen.data_class == DataClass::Secret);
            }
        }
        if let Some(spans) = row.meta.get("spans").and_then(Value::as_array) {
            let char_findings: Vec<(usize, usize)> = seen
                .findings
                .iter()
                .filter(|f| f.entity.data_class() >= DataClass::Pii)
                .map(|f| (char_offset(&row.prompt, f.start), char_offset(&row.prompt, f.end)))
                .collect();
            for span in spans {
                let (Some(kind), Some(start), Some(end)) = (span["type"].as_str(), span["start"].as_u64(), span["end"].as_u64()) else { continue };
                if !DIRECT_IDENTIFIERS.contains(&kind) {
                    continue;
                }
                let (start, end) = (start as usize, end as usize);
                let hit = char_findings.iter().any(|(s, e)| *s < end && start < *e);
                bump(&mut self.pii_by_entity, kind, hit);
            }
        }
        if let (Some(weak), Some(strong)) = (row.meta.get("weak_correct").and_then(Value::as_bool), row.meta.get("strong_correct").and_then(Value::as_bool)) {
            self.outcomes.push(apgr::Outcome { score: seen.complexity_score, weak_correct: weak, strong_correct: strong });
        }
        if let (Some(routed), Some(default)) = (seen.routed_cost, seen.default_cost) {
            self.routed_cost += routed;
            self.default_cost += default;
        }
    }

    fn miss(&mut self, kind: &'static str, id: String) {
        let list = self.misses.entry(kind).or_default();
        if list.len() < KEEP_MISSES {
            list.push(id);
        }
    }

    pub fn report(mut self, file: String) -> FileReport {
        self.latencies_ns.sort_unstable();
        let rate = |m: &BTreeMap<String, (usize, usize)>, key: &str| m.get(key).map(|(n, k)| Rate::new(*k, *n));
        let complex = rate(&self.complexity, "complex");
        let simple = rate(&self.complexity, "simple").map(Rate::complement);
        let unsolved = rate(&self.complexity, "unsolved").map(Rate::complement);
        FileReport {
            file,
            rows: self.rows,
            complex_routed_complex: complex,
            simple_routed_simple: simple,
            unsolved_routed_simple: unsolved,
            secret_recall: rate(&self.sensitivity, "secret"),
            secret_weak_flagged: rate(&self.sensitivity, "secret_weak"),
            pii_recall: rate(&self.sensitivity, "pii"),
            public_false_positive: rate(&self.sensitivity, "public"),
            secret_recall_by_type: self.secret_by_type.iter().map(|(k, (n, h))| (k.clone(), Rate::new(*h, *n))).collect(),
            pii_recall_by_entity: self.pii_by_entity.iter().map(|(k, (n, h))| (k.clone(), Rate::new(*h, *n))).collect(),
            mmlu_curve: apgr::curve(&self.outcomes),
            cost_vs_always_default: (self.default_cost > 0.0).then(|| self.routed_cost / self.default_cost),
            latency_p50_us: percentile_us(&self.latencies_ns, 0.50),
            latency_p99_us: percentile_us(&self.latencies_ns, 0.99),
            misses: self.misses.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }
    }
}

fn bump(map: &mut BTreeMap<String, (usize, usize)>, key: &str, hit: bool) {
    let entry = map.entry(key.to_owned()).or_default();
    entry.0 += 1;
    entry.1 += usize::from(hit);
}

fn percentile_us(sorted_ns: &[u64], q: f64) -> f64 {
    if sorted_ns.is_empty() {
        return 0.0;
    }
    let rank = ((sorted_ns.len() as f64 * q).ceil() as usize).clamp(1, sorted_ns.len()) - 1;
    sorted_ns[rank] as f64 / 1000.0
}

#[cfg(test)]
mod tests;
