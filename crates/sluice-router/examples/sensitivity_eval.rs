//! Dev tool: sensitivity detectors against labelled JSONL files (see /work/shared/data/README.md).
//!
//! cargo run --release -p sluice-router --example sensitivity_eval -- [--show N] FILE...
//!
//! Per file: recall on `secret` / `pii` rows, false-positive rate on `public` (or unlabelled) rows,
//! misses by source label, per-entity recall from `meta.spans` (character offsets, converted to
//! bytes), and with `--show N` a few misses and false positives.

use std::collections::BTreeMap;

use serde_json::Value;
use sluice_router::entity::{class_of, Finding};
use sluice_router::request::RequestView;
use sluice_router::sensitivity;
use sluice_router::DataClass;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut show = 0usize;
    if let Some(i) = args.iter().position(|a| a == "--show") {
        show = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(5);
        args.drain(i..(i + 2).min(args.len()));
    }
    for path in &args {
        let text = std::fs::read_to_string(path)?;
        let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new(); // label → (rows, hits)
        let mut public_secret = 0usize; // public rows flagged as secret (not merely pii)
        let mut miss_labels: BTreeMap<String, usize> = BTreeMap::new();
        let mut entity_recall: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let (mut shown_miss, mut shown_fp) = (Vec::new(), Vec::new());
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let row: Value = serde_json::from_str(line)?;
            let prompt = row["prompt"].as_str().unwrap_or("");
            let label = row["sensitivity"].as_str().unwrap_or("public");
            let findings = sensitivity::scan(&RequestView::from_prompt(prompt), None);
            let class = class_of(&findings);
            let hit = match label {
                "secret" => class == DataClass::Secret,
                "pii" => class >= DataClass::Pii,
                "secret_weak" => class == DataClass::Secret,
                _ => class >= DataClass::Pii,
            };
            let key: &'static str = match label {
                "secret" => "secret",
                "pii" => "pii",
                "secret_weak" => "secret_weak",
                _ => "public",
            };
            if key == "public" && class == DataClass::Secret {
                public_secret += 1;
            }
            let entry = tally.entry(key).or_default();
            entry.0 += 1;
            entry.1 += usize::from(hit);
            let describe = |f: &[Finding]| {
                f.iter()
                    .filter(|f| f.entity.data_class() >= DataClass::Pii)
                    .map(|f| {
                        let lo = prompt.floor_char_boundary(f.start.saturating_sub(50));
                        let hi = prompt.ceil_char_boundary((f.end + 20).min(prompt.len()));
                        format!("{}:{:?} in {:?}", f.entity.as_str(), &prompt[f.start..f.end], &prompt[lo..hi])
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            if key != "public" && !hit {
                *miss_labels.entry(row["label"].to_string()).or_default() += 1;
                if shown_miss.len() < show {
                    shown_miss.push(format!("  MISS [{}] {:?}", row["label"], prompt.chars().take(200).collect::<String>()));
                }
            }
            if key == "public" && hit && shown_fp.len() < show {
                shown_fp.push(format!("  FP -> {}", describe(&findings)));
            }
            for span in row["meta"]["spans"].as_array().into_iter().flatten() {
                let ty = span["type"].as_str().unwrap_or("?").to_string();
                let (Some(cs), Some(ce)) = (span["start"].as_u64(), span["end"].as_u64()) else { continue };
                let byte = |c: u64| prompt.char_indices().nth(c as usize).map_or(prompt.len(), |(b, _)| b);
                let (bs, be) = (byte(cs), byte(ce));
                let found = findings.iter().any(|f| f.entity.data_class() >= DataClass::Pii && f.start < be && bs < f.end);
                let e = entity_recall.entry(ty).or_default();
                e.0 += 1;
                e.1 += usize::from(found);
            }
        }
        println!("== {path}");
        for (label, (rows, hits)) in &tally {
            let what = if *label == "public" { "flagged (FP)" } else { "recalled" };
            println!("  {label:<12} rows {rows:>6}  {what} {hits:>6}  = {:.2} %", 100.0 * *hits as f64 / (*rows).max(1) as f64);
        }
        if let Some((rows, _)) = tally.get("public") {
            println!("  public rows flagged secret: {public_secret} = {:.2} %", 100.0 * public_secret as f64 / (*rows).max(1) as f64);
        }
        if !miss_labels.is_empty() {
            println!("  misses by label: {miss_labels:?}");
        }
        for (ty, (n, hit)) in &entity_recall {
            println!("  entity {ty:<18} {hit:>5}/{n:<5} = {:.1} %", 100.0 * *hit as f64 / (*n).max(1) as f64);
        }
        shown_miss.iter().chain(&shown_fp).for_each(|l| println!("{l}"));
    }
    Ok(())
}
