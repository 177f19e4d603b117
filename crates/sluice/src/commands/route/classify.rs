//! `sluice route classify`: JSON Lines in (`{"id", "prompt"}` or `{"id", "request": {OpenAI
//! chat request}}`), one JSON line out per input line:
//! `{"id", "data_class", "tier", "complexity_score", "entities": [{"type", "start", "end",
//! "segment", "confidence"}], "model", "pool", "reasons", "refusal"}`.
//!
//! Entity offsets are in characters, into the prompt (segment 0) or, for a request, into the
//! text of the segment they were found in (segments in order: system prompt, messages, tool
//! arguments and results). A line that cannot be read gives `{"id", "error"}`; the exit status
//! is then 1, after every line has been answered.

use std::io::{BufRead, Write};
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value, json};
use sluice_router::request::RequestView;

use super::policy_file::LoadedPolicy;
use super::route_auto;

#[derive(Debug, Deserialize)]
struct Input {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    prompt: Option<String>,
    #[serde(default)]
    request: Option<Map<String, Value>>,
}

pub fn run(policy: Option<&Path>) -> anyhow::Result<()> {
    let loaded = LoadedPolicy::load(policy)?;
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    for (n, line) in stdin.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Input>(&line) {
            Ok(input) => answer(&input, &loaded).unwrap_or_else(|error| {
                failed += 1;
                json!({"id": input.id, "error": error})
            }),
            Err(e) => {
                failed += 1;
                json!({"id": Value::Null, "error": format!("line {}: not a JSON object with \"id\" and \"prompt\" or \"request\": {e}", n + 1)})
            }
        };
        serde_json::to_writer(&mut out, &answer)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if failed > 0 {
        anyhow::bail!("{failed} input line(s) could not be classified (see their \"error\" fields)");
    }
    Ok(())
}

fn answer(input: &Input, loaded: &LoadedPolicy) -> Result<Value, String> {
    let view = match (&input.prompt, &input.request) {
        (Some(prompt), None) => RequestView::from_prompt(prompt),
        (None, Some(request)) => {
            if !request.get("messages").is_some_and(Value::is_array) {
                return Err("\"request\" must be an OpenAI chat request with a \"messages\" array".into());
            }
            RequestView::from_openai(request)
        }
        _ => return Err("give exactly one of \"prompt\" (a string) or \"request\" (an OpenAI chat request)".into()),
    };
    let routed = route_auto(&view, loaded);
    let c = &routed.classification;
    let entities = c.entities_json(&view);
    let tier = c.complexity.tier(loaded.policy.threshold());
    let mut out = json!({
        "id": input.id,
        "data_class": c.data_class,
        "tier": tier,
        "complexity_score": (c.complexity.score * 1e4).round() / 1e4,
        "entities": entities,
    });
    match &routed.outcome {
        Ok(d) => {
            out["tier"] = json!(d.tier);
            out["model"] = json!(d.primary().model);
            out["pool"] = json!(d.pool.iter().map(|r| &r.model).collect::<Vec<_>>());
            out["reasons"] = json!(d.reasons);
            out["refusal"] = Value::Null;
        }
        Err(r) => {
            out["model"] = Value::Null;
            out["pool"] = json!([]);
            out["reasons"] = json!(r.reasons);
            out["refusal"] = json!({"code": r.code, "message": r.message});
        }
    }
    Ok(out)
}
