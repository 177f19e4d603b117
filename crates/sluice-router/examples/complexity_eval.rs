//! Development tool: how the committed complexity classifier routes the data set.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-cplx cargo run --release -p sluice-router --example complexity_eval -- \
//!     [--threshold 0.5] [--weights FILE] [--dump FILE.tsv] [--misses N] /work/shared/data/complexity/*.jsonl
//! ```
//!
//! Prints, at the threshold (default `DEFAULT_THRESHOLD`): Arena-Hard share routed complex, P3
//! share routed simple (overall and per dataset family), MMLU APGR and the frontier share needed
//! for 95 % of always-frontier quality, Vicuna's tier mix per category, and a threshold sweep.
//! These are in-sample figures for the committed weights; the training example prints the
//! cross-validated ones. `--dump` writes every row's score and feature vector as TSV;
//! `--misses N` lists N Arena-Hard prompts routed simple and N P3 prompts routed complex.
//!
//! The official evaluation is `sluice route eval`; this is the classifier's own bench tool.

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use sluice_router::TaskTier;
use sluice_router::complexity::features::{self, FEATURES};
use sluice_router::complexity::model::Model;
use sluice_router::complexity::{Assessment, DEFAULT_THRESHOLD, assess_features};
use sluice_router::request::RequestView;
use support::{Outcome, Row, auc, percent, routing_figures};

struct Options {
    threshold: f64,
    weights: Option<String>,
    dump: Option<String>,
    misses: usize,
    files: Vec<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options { threshold: DEFAULT_THRESHOLD, weights: None, dump: None, misses: 0, files: Vec::new() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--threshold" => options.threshold = value()?.parse().map_err(|e| format!("--threshold: {e}"))?,
            "--weights" => options.weights = Some(value()?),
            "--dump" => options.dump = Some(value()?),
            "--misses" => options.misses = value()?.parse().map_err(|e| format!("--misses: {e}"))?,
            _ => options.files.push(arg),
        }
    }
    if options.files.is_empty() {
        return Err("usage: complexity_eval [--threshold T] [--weights FILE] [--dump FILE] [--misses N] FILE.jsonl...".into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let options = parse_args()?;
    let model = match &options.weights {
        Some(path) => Model::from_json(&std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?),
        None => Model::embedded(),
    }
    .map_err(|e| e.to_string())?;
    let rows = support::load(&options.files)?;
    let t = options.threshold;
    let scored: Vec<(features::Features, Assessment)> = rows
        .iter()
        .map(|row| {
            let f = features::extract(&RequestView::from_prompt(&row.prompt));
            let a = assess_features(&model, &f, false);
            (f, a)
        })
        .collect();
    let scores: Vec<f64> = scored.iter().map(|(_, a)| a.score).collect();

    println!("threshold {t}");
    let in_source = |name: &str| -> Vec<usize> { (0..rows.len()).filter(|i| rows[*i].source.contains(name)).collect() };
    let arena = in_source("arena");
    let p3 = in_source("p3");
    let complex_at = |i: &usize, t: f64| scores[*i] >= t;
    if !arena.is_empty() {
        let n = arena.iter().filter(|i| complex_at(i, t)).count();
        let reasoning = arena.iter().filter(|i| scored[**i].1.tier(t) == TaskTier::Reasoning).count();
        println!("Arena-Hard routed complex or reasoning: {:.1} % of {} ({reasoning} reasoning)", percent(n, arena.len()), arena.len());
    }
    if !p3.is_empty() {
        let n = p3.iter().filter(|i| !complex_at(i, t)).count();
        println!("P3 simple tasks routed simple: {:.1} % of {}", percent(n, p3.len()), p3.len());
        let mut families: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for i in &p3 {
            let e = families.entry(rows[*i].group.as_str()).or_default();
            e.0 += 1;
            e.1 += usize::from(!complex_at(i, t));
        }
        let line = families.iter().fold(String::new(), |mut s, (f, (n, ok))| {
            let _ = write!(s, " {f} {:.0}%", percent(*ok, *n));
            s
        });
        println!("  per family:{line}");
    }
    mmlu(&rows, &scores);
    vicuna(&rows, &scored, t);
    sweep(&arena, &p3, &scores);
    if options.misses > 0 {
        misses(&rows, &scored, &arena, &p3, t, options.misses);
    }
    if let Some(path) = &options.dump {
        dump(path, &rows, &scored)?;
    }
    Ok(())
}

fn mmlu(rows: &[Row], scores: &[f64]) {
    let pairs: Vec<(f64, Outcome, Option<f64>)> =
        rows.iter().zip(scores).filter_map(|(r, s)| r.outcome.map(|o| (*s, o, r.target()))).collect();
    if pairs.is_empty() {
        return;
    }
    let (s, o): (Vec<f64>, Vec<Outcome>) = pairs.iter().map(|(s, o, _)| (*s, *o)).unzip();
    let f = routing_figures(&s, &o);
    let (ls, lp): (Vec<f64>, Vec<bool>) = pairs.iter().filter_map(|(s, _, t)| t.map(|t| (*s, t == 1.0))).unzip();
    println!(
        "MMLU ({} rows): weak quality {:.3}, strong {:.3}; APGR {:.3} (random routing 0.5); frontier share for 95 % of \
         always-frontier quality {:.1} % (for PGR ≥ 95 %: {:.1} %); AUC strong_only vs weak_ok {:.3}",
        o.len(),
        f.weak_quality,
        f.strong_quality,
        f.apgr,
        100.0 * f.share_for_95_quality,
        100.0 * f.share_for_95_pgr,
        auc(&ls, &lp)
    );
}

fn vicuna(rows: &[Row], scored: &[(features::Features, Assessment)], t: f64) {
    let mut mix: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for (row, (_, a)) in rows.iter().zip(scored).filter(|(r, _)| r.source.contains("vicuna")) {
        let slot = match a.tier(t) {
            TaskTier::Simple => 0,
            TaskTier::Medium => 1,
            TaskTier::Complex => 2,
            TaskTier::Reasoning => 3,
        };
        mix.entry(row.label.as_str()).or_default()[slot] += 1;
    }
    if mix.is_empty() {
        return;
    }
    println!("Vicuna tier mix (simple / complex / reasoning):");
    for (category, [simple, _, complex, reasoning]) in &mix {
        println!("  {category:15} {simple:2} / {complex:2} / {reasoning:2}");
    }
}

fn sweep(arena: &[usize], p3: &[usize], scores: &[f64]) {
    if arena.is_empty() || p3.is_empty() {
        return;
    }
    println!("threshold sweep (Arena-Hard complex % / P3 simple %):");
    let line = (1..10).fold(String::new(), |mut s, k| {
        let t = f64::from(k) / 10.0;
        let a = arena.iter().filter(|i| scores[**i] >= t).count();
        let p = p3.iter().filter(|i| scores[**i] < t).count();
        let _ = write!(s, " {t:.1}: {:.0}/{:.0}", percent(a, arena.len()), percent(p, p3.len()));
        s
    });
    println!(" {line}");
}

fn misses(rows: &[Row], scored: &[(features::Features, Assessment)], arena: &[usize], p3: &[usize], t: f64, n: usize) {
    let show = |title: &str, wrong: Vec<&usize>| {
        println!("{title} ({} in all):", wrong.len());
        for i in wrong.into_iter().take(n) {
            let a = &scored[*i].1;
            let prompt: String = rows[*i].prompt.chars().take(160).collect::<String>().replace('\n', " ⏎ ");
            let why = a.signals.iter().fold(String::new(), |mut s, g| {
                let _ = write!(s, " {}{:+.2}", g.feature, g.contribution);
                s
            });
            println!("  {:.3} [{}]{why}\n      {prompt}", a.score, rows[*i].group);
        }
    };
    show("Arena-Hard routed simple", arena.iter().filter(|i| scored[**i].1.score < t).collect());
    show("P3 routed complex", p3.iter().filter(|i| scored[**i].1.score >= t).collect());
}

fn dump(path: &str, rows: &[Row], scored: &[(features::Features, Assessment)]) -> Result<(), String> {
    let mut out = String::from("id\tsource\tgroup\tlabel\tcomplexity\tscore");
    for spec in &FEATURES {
        let _ = write!(out, "\t{}", spec.name);
    }
    for (name, _) in features::TextStats::default().named() {
        let _ = write!(out, "\t#{name}");
    }
    out.push('\n');
    for (row, (f, a)) in rows.iter().zip(scored) {
        let _ = write!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{:.6}",
            row.id,
            row.source,
            row.group,
            row.label,
            row.complexity.as_deref().unwrap_or("null"),
            a.score
        );
        for v in &f.values {
            let _ = write!(out, "\t{v:.6}");
        }
        for (_, v) in f.stats.named() {
            let _ = write!(out, "\t{v}");
        }
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| format!("{path}: {e}"))
}
