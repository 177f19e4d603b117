//! Complexity: features of a request → a score in [0, 1] → a task tier.
//!
//! Three parts, each in its own file:
//! - [`features`]: one allocation-free pass over the system prompt and the last user message
//!   (task verbs, code, maths, constraints, steps, error reports, length, the shape of any
//!   answer choices, law and logic vocabulary, references to supplied text) plus the request's
//!   structure (turns, tools, structured output), as a fixed vector of named numbers;
//! - [`model`]: a logistic regression over that vector, trained offline on public labelled data
//!   by `examples/train_complexity.rs` and compiled in from `weights.json`;
//! - here: a few rules for cases the model cannot see or where the answer is certain, and the
//!   mapping to tiers.
//!
//! Rules (they only ever raise the score, to a floor, and say so in the signals):
//! - the caller asked for extended reasoning (`reasoning_effort`, Anthropic `thinking`): score at
//!   least [`REASONING_FLOOR`] and the `reasoning` tier — a model without reasoning support would
//!   ignore or reject the request;
//! - a long specification (≥ 1,500 bytes) with code and several steps or constraints: score at least
//!   [`SPEC_FLOOR`]. The training data has few such prompts, so the model alone underrates them.
//!
//! Tiers, for an operator's threshold t (monotone: raising t never raises the tier):
//! - score < t → `simple`;
//! - score ≥ t → `complex`, or `reasoning` when the request asks for extended reasoning or
//!   formal/step-by-step mathematics (a proof, a derivation).
//!
//! `medium` is not produced: the labelled data is binary (was the frontier model needed or not), so
//! nothing could place a middle boundary or show that a middle pool pays off; a policy that wants a
//! middle pool can still map tiers to pools as it likes.

pub mod features;
mod lexicon;
pub mod model;
mod scan;

use std::sync::LazyLock;

use sluice_domain::policy::TaskTier;

use self::features::{FEATURES, Features, NUM_FEATURES};
use self::model::{Model, sigmoid};
use crate::request::RequestView;

/// Score from which a request is `complex` when the policy sets no threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// Score floor when the caller explicitly requested extended reasoning.
pub const REASONING_FLOOR: f64 = 0.99;

/// Score floor for a long multi-step specification that contains code.
pub const SPEC_FLOOR: f64 = 0.8;

/// How many model contributions [`Assessment::signals`] keeps.
const TOP_SIGNALS: usize = 4;

/// A feature that moved the score, for the decision's reasons.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Signal {
    pub feature: &'static str,
    /// Contribution to the model's logit (positive = towards complex). For a rule, the logit it
    /// added to reach its floor.
    pub contribution: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assessment {
    pub score: f64,
    /// The strongest contributions, largest magnitude first (at most a handful); rules first.
    pub signals: Vec<Signal>,
    /// The task needs a reasoning model if it is not simple (explicit request, proof, derivation).
    pub reasoning: bool,
}

impl Assessment {
    /// The tier at an operator's threshold.
    pub fn tier(&self, threshold: f64) -> TaskTier {
        match (self.score >= threshold, self.reasoning) {
            (false, _) => TaskTier::Simple,
            (true, false) => TaskTier::Complex,
            (true, true) => TaskTier::Reasoning,
        }
    }
}

static MODEL: LazyLock<Model> = LazyLock::new(|| Model::embedded().unwrap_or_else(|_| Model::neutral()));

/// Builds the keyword table and parses the weights now rather than on the first request.
pub fn warm_up() {
    lexicon::warm_up();
    LazyLock::force(&MODEL);
}

pub fn assess(view: &RequestView) -> Assessment {
    assess_with(&MODEL, view)
}

/// [`assess`] with another model (training and evaluation tools).
pub fn assess_with(model: &Model, view: &RequestView) -> Assessment {
    assess_features(model, &features::extract(view), view.reasoning_requested)
}

pub fn assess_features(model: &Model, features: &Features, reasoning_requested: bool) -> Assessment {
    let contributions = model.contributions(&features.values);
    let logit = model.bias + contributions.iter().sum::<f64>();
    let mut score = sigmoid(logit);
    let mut signals = Vec::with_capacity(TOP_SIGNALS + 1);
    let s = &features.stats;

    let floor = |name: &'static str, at: f64, score: &mut f64, signals: &mut Vec<Signal>| {
        if *score < at {
            signals.push(Signal { feature: name, contribution: logit_of(at) - logit });
            *score = at;
        }
    };
    if reasoning_requested {
        floor("rule:reasoning_requested", REASONING_FLOOR, &mut score, &mut signals);
    }
    let has_code = s.code_lines >= 3 || s.fences >= 2;
    if s.bytes >= 1500 && has_code && (s.list_items + s.step >= 3 || s.constraint >= 3) {
        floor("rule:long_spec_with_code", SPEC_FLOOR, &mut score, &mut signals);
    }

    let mut order: [usize; NUM_FEATURES] = std::array::from_fn(|i| i);
    order.sort_unstable_by(|a, b| contributions[*b].abs().total_cmp(&contributions[*a].abs()).then(a.cmp(b)));
    signals.extend(
        order
            .iter()
            .take(TOP_SIGNALS)
            .filter(|i| contributions[**i] != 0.0)
            .map(|i| Signal { feature: FEATURES[*i].name, contribution: contributions[*i] }),
    );

    let mathematical = s.math >= 1 || s.math_marks >= 2;
    let reasoning = reasoning_requested || (mathematical && (s.proof >= 1 || s.reasoning_phrases >= 1));
    Assessment { score, signals, reasoning }
}

fn logit_of(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(prompt: &str) -> f64 {
        assess(&RequestView::from_prompt(prompt)).score
    }

    #[test]
    fn an_obviously_hard_prompt_outranks_an_obviously_simple_one() {
        let hard = score(
            "Design and implement a lock-free concurrent hash map in Rust. It must support resize without blocking \
             readers; analyse the memory ordering of every atomic operation and prove the algorithm is linearizable.",
        );
        let simple = score("Classify the sentiment of this review as positive or negative: \"Lovely hotel, friendly staff.\"");
        assert!(hard > simple + 0.3, "hard {hard} vs simple {simple}");
        assert!(hard >= DEFAULT_THRESHOLD && simple < DEFAULT_THRESHOLD, "hard {hard} vs simple {simple}");
    }

    #[test]
    fn tier_is_monotone_in_the_threshold() {
        let rank = |t: TaskTier| match t {
            TaskTier::Simple => 0,
            TaskTier::Medium => 1,
            TaskTier::Complex => 2,
            TaskTier::Reasoning => 3,
        };
        for reasoning in [false, true] {
            for s in 0..=20 {
                let a = Assessment { score: f64::from(s) / 20.0, signals: Vec::new(), reasoning };
                let tiers: Vec<u8> = (0..=100).map(|t| rank(a.tier(f64::from(t) / 100.0))).collect();
                assert!(tiers.windows(2).all(|w| w[0] >= w[1]), "score {} reasoning {reasoning}: {tiers:?}", a.score);
                assert_eq!(a.tier(0.0), if reasoning { TaskTier::Reasoning } else { TaskTier::Complex });
            }
        }
    }

    #[test]
    fn score_is_a_probability_and_signals_are_ordered_by_magnitude() {
        for prompt in ["", "hi", "Summarise this article.", &"word ".repeat(2000)] {
            let a = assess(&RequestView::from_prompt(prompt));
            assert!((0.0..=1.0).contains(&a.score), "{prompt:?}: {}", a.score);
            assert!(a.signals.len() <= TOP_SIGNALS);
            assert!(a.signals.windows(2).all(|w| w[0].contribution.abs() >= w[1].contribution.abs()));
        }
    }

    #[test]
    fn an_explicit_reasoning_request_is_at_least_complex_and_says_why() {
        let mut view = RequestView::from_prompt("What is the capital of France?");
        assert_eq!(assess(&view).tier(DEFAULT_THRESHOLD), TaskTier::Simple);
        view.reasoning_requested = true;
        let a = assess(&view);
        assert_eq!(a.score, REASONING_FLOOR);
        assert_eq!(a.tier(DEFAULT_THRESHOLD), TaskTier::Reasoning);
        assert_eq!(a.signals[0].feature, "rule:reasoning_requested");
        assert!(a.signals[0].contribution > 0.0);
    }

    #[test]
    fn a_proof_is_reasoning_and_a_translation_is_simple() {
        let proof = assess(&RequestView::from_prompt(
            "Prove that there are infinitely many primes p such that p ≡ 3 (mod 4). Give a rigorous argument.",
        ));
        assert!(proof.reasoning);
        assert_eq!(proof.tier(DEFAULT_THRESHOLD), TaskTier::Reasoning);
        let translation = assess(&RequestView::from_prompt("Translate to Spanish: Where is the train station?"));
        assert!(!translation.reasoning);
        assert_eq!(translation.tier(DEFAULT_THRESHOLD), TaskTier::Simple);
    }

    #[test]
    fn judging_two_claims_outranks_answering_from_a_supplied_passage() {
        let claims = score(
            "Statement 1 | Every finite integral domain is a field. Statement 2 | Every subgroup of an abelian group is \
             normal.\nA. True, True\nB. False, False\nC. True, False\nD. False, True\nAnswer:",
        );
        let reading = score(
            "Read the passage and answer the question.\nPassage: The bakery opens at seven and sells out of rye bread by \
             noon.\nQuestion: When does the bakery open?\nA. At seven\nB. At noon\nC. At nine\nD. At midnight\nAnswer:",
        );
        assert!(claims > reading + 0.2, "claims {claims} vs reading {reading}");
    }

    #[test]
    fn a_long_multi_step_spec_with_code_is_at_least_complex() {
        let spec = format!(
            "Extend this service.\n```\nfn main() {{\n    let x = 1;\n    serve(x);\n}}\n```\nRequirements:\n1. Add retries.\n\
             2. Add metrics.\n3. Keep the API.\n{}",
            "The service handles requests from many clients and stores results.\n".repeat(25)
        );
        let a = assess(&RequestView::from_prompt(&spec));
        assert!(a.score >= SPEC_FLOOR, "{a:?}");
        assert_eq!(a.tier(DEFAULT_THRESHOLD), TaskTier::Complex);
    }
}
