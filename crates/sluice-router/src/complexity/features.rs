//! Feature extraction: a request → a fixed-size vector of named numbers describing how demanding
//! its task is, in general terms (what is asked, in which domain, how constrained, how shaped).
//!
//! Text features read the system prompt and the last user message only: that is where the task
//! is stated, and earlier turns would make the cost grow with the conversation. The rest of the
//! request contributes structural facts (turns, tools, structured output).
//!
//! The counting is done by [`super::scan`] in one allocation-free pass over the bytes; this file
//! chooses the text, turns counts into numbers (logarithms, shares of the words) and names them.
//!
//! The training example computes its vectors with this same code, so router and trainer cannot
//! drift apart; [`FEATURES`] names each dimension and carries the prior knowledge the trainer
//! enforces (the sign a weight may take, or a fixed weight for a feature the data cannot teach).

pub use super::scan::TextStats;
use super::scan::scan;
use crate::request::{RequestView, SegmentKind};

/// What the trainer may do with a feature's weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Prior {
    /// Any sign: the data decides.
    Free,
    /// Never below 0 (the feature can only make a task look harder). Domain knowledge that keeps
    /// the model from learning accidents of the training sources, e.g. "long text is simple"
    /// because one simple source pastes news articles.
    NonNegative,
    /// Never above 0 (the feature can only make a task look simpler).
    NonPositive,
    /// Not fitted: the training data has no variation here (every row is one bare user message),
    /// so the weight is set by hand, on a standardised scale of mean 0 and deviation 1.
    Fixed(f64),
}

#[derive(Debug, Clone, Copy)]
pub struct FeatureSpec {
    pub name: &'static str,
    pub prior: Prior,
}

/// Feature order is the order of weights in `weights.json`; the model refuses a file whose names
/// differ.
pub const FEATURES: [FeatureSpec; NUM_FEATURES] = [
    FeatureSpec { name: "length", prior: Prior::NonNegative },
    FeatureSpec { name: "questions", prior: Prior::Free },
    FeatureSpec { name: "factoid_questions", prior: Prior::Free },
    FeatureSpec { name: "explanation_request", prior: Prior::NonNegative },
    FeatureSpec { name: "simple_task_verbs", prior: Prior::NonPositive },
    FeatureSpec { name: "hard_task_verbs", prior: Prior::NonNegative },
    FeatureSpec { name: "creation_verbs", prior: Prior::NonNegative },
    FeatureSpec { name: "code_terms", prior: Prior::NonNegative },
    FeatureSpec { name: "domain_terms", prior: Prior::NonNegative },
    FeatureSpec { name: "code_lines", prior: Prior::NonNegative },
    FeatureSpec { name: "symbol_density", prior: Prior::NonNegative },
    FeatureSpec { name: "math_terms", prior: Prior::NonNegative },
    FeatureSpec { name: "math_notation", prior: Prior::NonNegative },
    FeatureSpec { name: "numbers", prior: Prior::Free },
    FeatureSpec { name: "proof_terms", prior: Prior::NonNegative },
    FeatureSpec { name: "constraints", prior: Prior::NonNegative },
    FeatureSpec { name: "multi_step", prior: Prior::NonNegative },
    FeatureSpec { name: "error_report", prior: Prior::NonNegative },
    FeatureSpec { name: "answer_options", prior: Prior::NonPositive },
    FeatureSpec { name: "long_word_share", prior: Prior::Free },
    FeatureSpec { name: "conversation_depth", prior: Prior::Fixed(0.3) },
    FeatureSpec { name: "tools", prior: Prior::Fixed(0.5) },
    FeatureSpec { name: "structured_output", prior: Prior::Fixed(-0.2) },
    // Multiple-choice shape and knowledge areas. A question with answer choices is a closed task,
    // but how hard it is depends on what it asks: judging several claims at once, applying the
    // law to a set of facts or analysing a formal argument is where a small model
    // falls behind; a question about a supplied passage is answered by reading it.
    FeatureSpec { name: "compound_judgement", prior: Prior::NonNegative },
    FeatureSpec { name: "numeric_options", prior: Prior::NonNegative },
    FeatureSpec { name: "option_length", prior: Prior::Free },
    FeatureSpec { name: "choice_question_length", prior: Prior::NonNegative },
    FeatureSpec { name: "given_text", prior: Prior::NonPositive },
    FeatureSpec { name: "law_terms", prior: Prior::NonNegative },
    FeatureSpec { name: "logic_terms", prior: Prior::NonNegative },
];

pub const NUM_FEATURES: usize = 30;


/// A request's features: the vector the model reads plus the raw counts the rules read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Features {
    pub values: [f64; NUM_FEATURES],
    pub stats: TextStats,
}

pub fn extract(view: &RequestView) -> Features {
    let stats = focus_stats(view);
    let s = &stats;
    let ln1p = |n: usize| (n as f64).ln_1p();
    // Vocabulary as a share of the words, so that the topic of a short request counts and a
    // passing mention in a pasted article does not (the +10 damps one-line prompts).
    let share = |n: usize| (10.0 * n as f64 / (s.words + 10) as f64).ln_1p();
    let values = [
        ln1p(s.bytes),
        ln1p(s.questions),
        ln1p(s.factoid),
        ln1p(s.explain + s.reasoning_phrases),
        ln1p(s.simple),
        ln1p(s.hard),
        ln1p(s.create),
        share(s.code),
        share(s.domain),
        ln1p(s.code_lines + 3 * s.fences),
        // Per 100 bytes, so that one brace in a tweet and a page of code differ.
        100.0 * s.symbols as f64 / s.bytes.max(40) as f64,
        share(s.math),
        ln1p(s.math_marks),
        share(s.numbers),
        ln1p(s.proof),
        ln1p(s.constraint),
        ln1p(s.step + s.list_items),
        ln1p(s.error + s.trace_lines),
        ln1p(s.options),
        s.long_words as f64 / s.words.max(5) as f64,
        (view.turns.max(1) as f64).ln(),
        ln1p(view.tools),
        if view.structured_output { 1.0 } else { 0.0 },
        ln1p(s.compound_options + s.claim_markers),
        ln1p(s.numeric_options),
        // Long choices are statements to weigh, short ones are names or numbers; 0 when none.
        s.option_bytes.checked_div(s.options).map_or(0.0, ln1p),
        // Length only counts with answer choices: a long multiple-choice question is a long set
        // of facts to apply, while elsewhere length mostly means a pasted text to process.
        if s.options >= 2 { ln1p(s.bytes.saturating_sub(s.option_bytes)) } else { 0.0 },
        ln1p(s.given),
        share(s.law),
        share(s.logic),
    ];
    Features { values, stats }
}

/// Counts over the system segments and the last run of user segments (one message may arrive
/// as several text blocks). A request without user text (only tool traffic) falls back to its
/// last segment.
fn focus_stats(view: &RequestView) -> TextStats {
    let mut stats = TextStats::default();
    let segments = &view.segments;
    let last_user_end = segments.iter().rposition(|s| s.kind == SegmentKind::User).map(|i| i + 1);
    let last_user_start =
        last_user_end.map(|end| segments[..end].iter().rposition(|s| s.kind != SegmentKind::User).map_or(0, |i| i + 1));
    for (i, segment) in segments.iter().enumerate() {
        let in_last_user = matches!((last_user_start, last_user_end), (Some(a), Some(b)) if (a..b).contains(&i));
        let fallback = last_user_end.is_none() && i + 1 == segments.len();
        if segment.kind == SegmentKind::System || in_last_user || fallback {
            scan(segment.text.as_bytes(), &mut stats);
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(prompt: &str) -> TextStats {
        extract(&RequestView::from_prompt(prompt)).stats
    }

    #[test]
    fn a_proof_request_counts_proof_and_maths_words_and_notation() {
        let s = stats(
            "Prove that for every integer n ≥ 1, the sum 1 + 2 + ... + n = n(n+1)/2. Use induction and show that the base \
             case holds.",
        );
        assert!(s.proof >= 3, "prove, induction, show that: {s:?}");
        assert!(s.math >= 2, "integer, sum: {s:?}");
        assert!(s.math_marks >= 3, "≥, +, =: {s:?}");
        assert_eq!(s.simple, 0);
    }

    #[test]
    fn a_debugging_request_with_a_stack_trace_counts_code_and_errors() {
        let prompt = "Debug this: my Python script crashes.\n\n```python\ndef load(path):\n    with open(path) as f:\n        \
                      return json.load(f)\n```\n\nTraceback (most recent call last):\n  File \"main.py\", line 3, in load\n    \
                      return json.load(f)\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n";
        let s = stats(prompt);
        assert_eq!(s.fences, 2);
        assert!(s.code_lines >= 1, "{s:?}");
        assert_eq!(s.trace_lines, 1);
        assert!(s.error >= 1, "traceback: {s:?}");
        assert!(s.hard >= 1, "debug: {s:?}");
        assert!(s.code >= 2, "python, script, json: {s:?}");
    }

    #[test]
    fn a_one_line_classification_is_a_simple_task_without_code_or_maths() {
        let s = stats("Classify the sentiment of this review as positive or negative: \"Great phone, battery lasts all day.\"");
        assert!(s.simple >= 2, "classify, sentiment: {s:?}");
        assert_eq!((s.hard, s.code, s.math, s.code_lines, s.math_marks, s.lines), (0, 0, 0, 0, 0, 1));
    }

    #[test]
    fn a_translation_is_a_simple_task() {
        let f = extract(&RequestView::from_prompt("Translate into French: The meeting has been moved to Thursday."));
        assert_eq!(f.stats.simple, 1);
        assert_eq!((f.stats.hard, f.stats.code, f.stats.proof, f.stats.constraint), (0, 0, 0, 0));
        let simple = FEATURES.iter().position(|f| f.name == "simple_task_verbs").unwrap();
        assert_eq!(f.values[simple], 2f64.ln(), "simple_task_verbs is ln(1 + count)");
    }

    #[test]
    fn multi_step_constraints_and_phrases_are_counted() {
        let s = stats("Plan the migration step by step:\n1. Export the data\n2. Transform it\n- must keep ids\nUse at least 3 workers.");
        assert_eq!(s.list_items, 3);
        assert_eq!(s.reasoning_phrases, 1);
        assert_eq!(s.constraint, 2, "must, at least: {s:?}");
        assert_eq!(s.numbers, 3);
    }

    #[test]
    fn only_the_system_prompt_and_last_user_message_are_read() {
        use std::borrow::Cow;

        use crate::request::Segment;
        let seg = |kind, text: &'static str| Segment { kind, text: Cow::Borrowed(text) };
        let view = RequestView {
            segments: vec![
                seg(SegmentKind::System, "You are a helpful assistant."),
                seg(SegmentKind::User, "Prove the theorem."),
                seg(SegmentKind::Assistant, "Proof: by induction."),
                seg(SegmentKind::User, "Now translate it"),
                seg(SegmentKind::User, "into German."),
            ],
            turns: 4,
            ..Default::default()
        };
        let f = extract(&view);
        assert_eq!(f.stats.proof, 0);
        assert_eq!(f.stats.simple, 1);
        assert_eq!(f.stats.bytes, "You are a helpful assistant.Now translate itinto German.".len());
        let depth = FEATURES.iter().position(|f| f.name == "conversation_depth").unwrap();
        assert_eq!(f.values[depth], 4f64.ln());
    }

    #[test]
    fn answer_choices_are_options_not_steps_and_task_words_count_only_near_the_ends() {
        let s = stats("Which gas do plants absorb?\nA. oxygen\nB) carbon dioxide\n- C: nitrogen\n(d) helium");
        assert_eq!((s.options, s.list_items, s.factoid), (4, 0, 1));
        let passage = format!("Summarise this. {} They plan to design and build a bridge. {}", "Filler. ".repeat(40), "More. ".repeat(40));
        let s = stats(&passage);
        assert_eq!((s.simple, s.hard, s.create), (1, 0, 0), "the verbs in the middle of the passage are not the task");
    }

    #[test]
    fn choices_that_judge_several_claims_are_compound_and_labelled_claims_are_counted() {
        let s = stats(
            "Decide each claim.\nClaim 1 | Ice is less dense than liquid water. Claim 2: Copper is an insulator.\n\
             A. True, True\nB. True, False\nC. Not wrong, Wrong\nD. I and III only",
        );
        assert_eq!((s.options, s.compound_options, s.claim_markers), (4, 4, 2), "{s:?}");
        let s = stats("Pick one.\nA. Yes\nB. Not wrong\nC. Both of these\nD. True, because it is written down");
        assert_eq!((s.options, s.compound_options), (4, 0), "a lone verdict or a phrase is not compound: {s:?}");
        assert_eq!(stats("The statement 3 of the report was late; see step 1 | 2.").claim_markers, 0);
    }

    #[test]
    fn numeric_choices_and_choice_length_are_measured() {
        let s = stats("How far does it roll?\nA. 12\nB. 3.5 m/s\nC. $40\nD. a long way downhill");
        assert_eq!((s.options, s.numeric_options), (4, 3), "{s:?}");
        assert_eq!(s.option_bytes, "12".len() + "3.5 m/s".len() + "$40".len() + "a long way downhill".len());
        let at = |name: &str| FEATURES.iter().position(|f| f.name == name).unwrap();
        let open = extract(&RequestView::from_prompt("How far does a ball roll down a 10 m slope?"));
        assert_eq!((open.values[at("option_length")], open.values[at("choice_question_length")]), (0.0, 0.0));
        let prompt = "How far does it roll?\nA. 12\nB. 30";
        let closed = extract(&RequestView::from_prompt(prompt));
        let without_choice_text = prompt.len() - "12".len() - "30".len();
        assert_eq!(closed.values[at("choice_question_length")], (without_choice_text as f64).ln_1p());
    }

    #[test]
    fn references_to_supplied_text_law_and_logic_vocabulary_are_counted() {
        let s = stats("Read the passage below and answer from the text only.\nThe lighthouse keeper rowed out at dawn.");
        assert_eq!(s.given, 2, "passage, text: {s:?}");
        let s = stats("The tenant sued the landlord for breach of the lease; is the testimony admissible hearsay?");
        assert!(s.law >= 6, "{s:?}");
        let s = stats("Is the syllogism valid? If both premises hold, does the conclusion follow, or is it a fallacy?");
        assert_eq!(s.logic, 5, "{s:?}");
    }

    #[test]
    fn names_are_unique_and_match_the_vector() {
        let mut names: Vec<&str> = FEATURES.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NUM_FEATURES);
    }
}
