//! Shared by the complexity training and evaluation examples: reading the labelled JSONL files
//! and the routing metrics (RouteLLM's APGR and the frontier share for a quality target).
//!
//! Each example uses only part of this module.
#![allow(dead_code)]

use std::path::Path;

use serde_json::Value;

/// One prompt of the data set, with what the examples need from its labels and metadata.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub prompt: String,
    /// `simple`, `complex`, `unsolved`, or `None` when the file says nothing about complexity.
    pub complexity: Option<String>,
    pub label: String,
    /// The file the row came from, without directory and extension.
    pub source: String,
    /// The unit that must never be split across folds: a P3 dataset family, an Arena-Hard topic
    /// cluster, an MMLU subject (falls back to the row id).
    pub group: String,
    /// RouteLLM outcome labels, when present.
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub weak_correct: bool,
    pub strong_correct: bool,
}

impl Row {
    /// 1 for complex, 0 for simple, `None` for rows that do not train the model.
    pub fn target(&self) -> Option<f64> {
        match self.complexity.as_deref() {
            Some("complex") => Some(1.0),
            Some("simple") => Some(0.0),
            _ => None,
        }
    }
}

/// Reads every row of the given JSONL files, in argument order then line order.
pub fn load(paths: &[String]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let source = Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or(path).to_string();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
            let text_of = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
            let meta = v.get("meta");
            let meta_text = |key: &str| meta.and_then(|m| m.get(key)).and_then(Value::as_str).map(str::to_string);
            let meta_bool = |key: &str| meta.and_then(|m| m.get(key)).and_then(Value::as_bool);
            let id = text_of("id").unwrap_or_else(|| format!("{source}-{n}"));
            let group = meta_text("dataset_family").or_else(|| meta_text("cluster")).or_else(|| meta_text("subject"));
            let outcome = match (meta_bool("weak_correct"), meta_bool("strong_correct")) {
                (Some(weak_correct), Some(strong_correct)) => Some(Outcome { weak_correct, strong_correct }),
                _ => None,
            };
            rows.push(Row {
                prompt: text_of("prompt").ok_or_else(|| format!("{path}:{}: no prompt", n + 1))?,
                complexity: text_of("complexity"),
                label: text_of("label").unwrap_or_default(),
                group: group.unwrap_or_else(|| id.clone()),
                source: source.clone(),
                outcome,
                id,
            });
        }
    }
    Ok(rows)
}

/// Deterministic fold of a group (FNV-1a of its name): the same on every machine and run.
pub fn fold_of(group: &str, folds: usize) -> usize {
    let hash = group.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (hash % folds as u64) as usize
}

/// Routing figures on a file with weak/strong outcomes.
#[derive(Debug, Clone, Copy)]
pub struct RoutingFigures {
    pub weak_quality: f64,
    pub strong_quality: f64,
    /// Area under PGR against the share of calls sent to the frontier model (0.5 = random).
    pub apgr: f64,
    /// Smallest frontier share whose quality reaches 95 % of always-frontier quality.
    pub share_for_95_quality: f64,
    /// Smallest frontier share whose PGR reaches 95 % (RouteLLM's CPT(95 %)).
    pub share_for_95_pgr: f64,
}

/// Sweeps the threshold over every distinct score: requests scoring above it go to the frontier
/// model. Ties move together, as a threshold cannot split them; the curve is closed with
/// straight segments (trapezoids) from (0, 0) to (1, 1).
pub fn routing_figures(scores: &[f64], outcomes: &[Outcome]) -> RoutingFigures {
    let n = outcomes.len().max(1) as f64;
    let weak_total = outcomes.iter().filter(|o| o.weak_correct).count() as f64;
    let strong_total = outcomes.iter().filter(|o| o.strong_correct).count() as f64;
    let (weak_quality, strong_quality) = (weak_total / n, strong_total / n);
    let gap = strong_quality - weak_quality;
    let mut order: Vec<usize> = (0..outcomes.len()).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b)));

    let mut points = vec![(0.0, weak_quality)];
    let mut correct = weak_total;
    let mut i = 0;
    while i < order.len() {
        let score = scores[order[i]];
        while i < order.len() && scores[order[i]] == score {
            let o = outcomes[order[i]];
            correct += f64::from(u8::from(o.strong_correct)) - f64::from(u8::from(o.weak_correct));
            i += 1;
        }
        points.push((i as f64 / n, correct / n));
    }
    let pgr = |q: f64| if gap == 0.0 { 0.0 } else { (q - weak_quality) / gap };
    let apgr = points.windows(2).map(|w| (w[1].0 - w[0].0) * (pgr(w[0].1) + pgr(w[1].1)) / 2.0).sum();
    let first = |ok: &dyn Fn(f64) -> bool| points.iter().find(|p| ok(p.1)).map_or(1.0, |p| p.0);
    RoutingFigures {
        weak_quality,
        strong_quality,
        apgr,
        share_for_95_quality: first(&|q| q >= 0.95 * strong_quality),
        share_for_95_pgr: first(&|q| pgr(q) >= 0.95),
    }
}

/// Area under the ROC curve (probability that a positive outscores a negative; ties count half).
pub fn auc(scores: &[f64], positive: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < order.len() {
        let mut j = i;
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            j += 1;
        }
        let mid_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += mid_rank * order[i..j].iter().filter(|k| positive[**k]).count() as f64;
        i = j;
    }
    let pos = positive.iter().filter(|p| **p).count() as f64;
    let neg = positive.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 { f64::NAN } else { (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg) }
}

pub fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}
