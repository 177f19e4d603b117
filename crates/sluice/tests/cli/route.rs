//! `sluice route classify` and `sluice route eval`: the router offline, as other tools call it.

use std::io::Write;
use std::process::Stdio;

use serde_json::{Value, json};

use crate::harness::sluice;

fn classify(lines: &[Value], extra_args: &[&str]) -> (Vec<Value>, bool) {
    let mut args = vec!["route", "classify"];
    args.extend_from_slice(extra_args);
    let mut child = sluice(&args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    writeln!(stdin, "not json").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let answers = String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (answers, output.status.success())
}

#[test]
fn classify_answers_every_line_with_class_tier_entities_and_model() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n-----END RSA PRIVATE KEY-----";
    let inputs = [
        json!({"id": "plain", "prompt": "What is the capital of France?"}),
        json!({"id": "mail", "prompt": "Write to maria.gonzalez@acme-mail.com about the invoice."}),
        json!({"id": "key", "prompt": format!("Why does this fail?\n{pem}")}),
        json!({"id": "req", "request": {"model": "auto", "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Call the API"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "call", "arguments": "{\"token\": \"ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\"}"}}]}
        ]}}),
        json!({"id": "neither"}),
    ];
    let (answers, ok) = classify(&inputs, &[]);
    assert!(!ok, "bad lines make the exit status non-zero");
    assert_eq!(answers.len(), 6, "one line per input, bad ones included: {answers:?}");
    let by_id = |id: &str| answers.iter().find(|a| a["id"] == id).unwrap().clone();

    let plain = by_id("plain");
    assert_eq!((plain["data_class"].as_str(), plain["tier"].as_str(), plain["model"].as_str()), (Some("public"), Some("simple"), Some("gpt-4o-mini")));
    let score = plain["complexity_score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&score));

    let mail = by_id("mail");
    assert_eq!((mail["data_class"].as_str(), mail["model"].as_str()), (Some("pii"), Some("local-llm")));
    let email = mail["entities"].as_array().unwrap().iter().find(|e| e["type"] == "email").expect("an email entity");
    // Character offsets into the prompt.
    assert_eq!((email["start"].as_u64(), email["end"].as_u64()), (Some(9), Some(37)));
    assert!(mail["reasons"].as_array().unwrap().iter().any(|r| r["kind"] == "detected" && r["entity"] == "email"));

    assert_eq!(by_id("key")["data_class"], "secret");
    let req = by_id("req");
    assert_eq!(req["data_class"], "secret", "a token in tool-call arguments is found: {req}");
    assert_eq!(req["entities"][0]["segment"], 2);
    assert!(by_id("neither")["error"].as_str().unwrap().contains("exactly one of"));
    assert!(answers.last().unwrap()["error"].as_str().unwrap().contains("line 6"));
}

#[test]
fn classify_uses_the_given_policy_and_refuses_when_it_permits_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.json");
    let policy = json!({
        "policy": {"explicit_model": "refuse", "matrix": {"public": {"simple": ["cheap"], "complex": ["cheap"]}, "pii": {"simple": ["cheap"]}}},
        "models": {"cheap": "external"}
    });
    std::fs::write(&path, policy.to_string()).unwrap();
    let inputs = [json!({"id": 1, "prompt": "hello"}), json!({"id": 2, "prompt": "my ssn is 536-22-1234"})];
    let (answers, _) = classify(&inputs, &["--policy", path.to_str().unwrap()]);
    assert_eq!(answers[0]["model"], "cheap");
    assert_eq!(answers[1]["model"], Value::Null);
    assert_eq!(answers[1]["refusal"]["code"], "data_policy_violation");

    std::fs::write(&path, r#"{"policy": {"matrix": {"public": {"simple": ["ghost"]}}}, "models": {}}"#).unwrap();
    let out = sluice(&["route", "classify", "--policy", path.to_str().unwrap()]).stdin(Stdio::null()).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("model 'ghost' is not listed"));
}

#[test]
fn eval_scores_labelled_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("labelled.jsonl");
    let rows = [
        json!({"id": "s1", "prompt": "Classify the sentiment of: I loved it.", "complexity": "simple", "sensitivity": null, "label": "x", "meta": {"weak_correct": true, "strong_correct": true}}),
        json!({"id": "p1", "prompt": "Contact John at john.miller@acme-mail.com", "complexity": null, "sensitivity": "pii", "label": ["EMAIL_ADDRESS"],
               "meta": {"spans": [{"type": "EMAIL_ADDRESS", "start": 16, "end": 41}]}}),
        json!({"id": "k1", "prompt": "aws_secret_access_key = q8Hc2Lw9Rz4Tn7Vb1Xk5Jm3Pd6Fs0Gy2Uh8Ae4Ki", "complexity": null, "sensitivity": "secret", "label": "AWS Secret", "meta": {}}),
    ];
    std::fs::write(&path, rows.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")).unwrap();
    let out = sluice(&["route", "eval", "--json", path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rows"], 3);
    assert_eq!(report["pii_recall"]["hits"], 1);
    assert_eq!(report["pii_recall_by_entity"]["EMAIL_ADDRESS"]["hits"], 1);
    assert_eq!(report["secret_recall"]["hits"], 1);
    assert_eq!(report["simple_routed_simple"]["hits"], 1);
    assert!(report["latency_p99_us"].as_f64().unwrap() > 0.0);

    let text = sluice(&["route", "eval", path.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("pii recall (rows)") && text.contains("classification latency"), "{text}");
    let missing = sluice(&["route", "eval", "/nonexistent.jsonl"]).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot open /nonexistent.jsonl"));
}
