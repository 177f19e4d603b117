//! `sluice route eval FILE.jsonl...`: scores the router on labelled files (the format of
//! `../shared/data`) and prints, per file, frontier recall on `complex`, cheap rate on `simple`,
//! secret and PII recall (overall, per secret type, per PII entity type), false positives on
//! public traffic, APGR where the file has per-model outcomes, estimated cost against always
//! using the policy's default model, and classification latency.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use sluice_router::eval::{FileEval, LabelledRow, Observation};
use sluice_router::request::RequestView;

use super::policy_file::LoadedPolicy;
use super::route_auto;

pub struct EvalArgs<'a> {
    pub files: &'a [PathBuf],
    pub policy: Option<&'a Path>,
    pub json: bool,
    /// Output tokens assumed per request for cost estimates.
    pub output_tokens: u32,
}

pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    let loaded = LoadedPolicy::load(args.policy)?;
    // Patterns compile on first use; keep that out of the latency figures.
    sluice_router::warm_up();
    let mut out = std::io::stdout().lock();
    for file in args.files {
        let report = eval_file(file, &loaded, args.output_tokens)?;
        if args.json {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{report}")?;
        }
    }
    Ok(())
}

fn eval_file(path: &Path, loaded: &LoadedPolicy, output_tokens: u32) -> anyhow::Result<sluice_router::eval::FileReport> {
    let reader = std::io::BufReader::new(std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?);
    let default_model = loaded.policy.document().default_model.clone();
    let mut eval = FileEval::default();
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let row: LabelledRow = serde_json::from_str(&line).with_context(|| format!("{}:{}: not a labelled row", path.display(), n + 1))?;
        let view = RequestView::from_prompt(&row.prompt);
        let started = Instant::now();
        let routed = route_auto(&view, loaded);
        let latency = started.elapsed();
        let c = &routed.classification;
        // Roughly four characters per token, for comparing models only.
        let input_tokens = row.prompt.len() as f64 / 4.0;
        let output = f64::from(output_tokens);
        let (tier, routed_cost) = match &routed.outcome {
            Ok(d) => (d.tier, loaded.cost(&d.primary().model, input_tokens, output)),
            Err(r) => (r.tier, None),
        };
        let default_cost = default_model.as_deref().and_then(|m| loaded.cost(m, input_tokens, output)).filter(|_| routed_cost.is_some());
        let seen = Observation {
            data_class: c.data_class,
            tier,
            complexity_score: c.complexity.score,
            findings: &c.findings,
            routed_cost,
            default_cost,
            latency,
        };
        eval.add(&row, &seen);
    }
    Ok(eval.report(path.display().to_string()))
}
