//! Feature extraction: a request → a fixed-size vector of named numbers describing how demanding
//! its task is, in general terms (what is asked, in which domain, how constrained, how shaped).
//!
//! Text features read the system prompt and the last user message only: that is where the task
//! is stated, and earlier turns would make the cost grow with the conversation. The rest of the
//! request contributes structural facts (turns, tools, structured output).
//!
//! One pass over the bytes, no allocation: words are lower-cased into a small stack buffer and
//! looked up in [`lexicon`]; lines are classified (code, list item, stack-trace frame) from
//! their trimmed slice when the newline arrives.
//!
//! The training example computes its vectors with this same code, so router and trainer cannot
//! drift apart; [`FEATURES`] names each dimension and carries the prior knowledge the trainer
//! enforces (the sign a weight may take, or a fixed weight for a feature the data cannot teach).

use super::lexicon::{
    self, CODE, CODE_KEYWORD, CONSTRAINT, CREATE, DOMAIN, ERROR, EXPLAIN, FACTOID, HARD, MATH, PROOF, SIMPLE, STEP,
};
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
];

pub const NUM_FEATURES: usize = 23;

/// Raw counts over the focus text (system prompt + last user message).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TextStats {
    pub bytes: usize,
    pub words: usize,
    pub long_words: usize,
    pub numbers: usize,
    pub questions: usize,
    pub simple: usize,
    pub hard: usize,
    pub create: usize,
    pub code: usize,
    pub domain: usize,
    pub math: usize,
    pub proof: usize,
    pub constraint: usize,
    pub step: usize,
    pub error: usize,
    pub factoid: usize,
    pub explain: usize,
    /// "step by step", "think carefully": the prompt asks for visible reasoning.
    pub reasoning_phrases: usize,
    pub lines: usize,
    pub code_lines: usize,
    pub fences: usize,
    pub list_items: usize,
    /// Answer choices ("A. …", "(b) …").
    pub options: usize,
    pub trace_lines: usize,
    pub symbols: usize,
    pub math_marks: usize,
}

impl TextStats {
    /// Every count with its name (diagnostics and data dumps).
    pub fn named(&self) -> [(&'static str, usize); 25] {
        [
            ("bytes", self.bytes),
            ("words", self.words),
            ("long_words", self.long_words),
            ("numbers", self.numbers),
            ("questions", self.questions),
            ("simple", self.simple),
            ("hard", self.hard),
            ("create", self.create),
            ("code", self.code),
            ("math", self.math),
            ("proof", self.proof),
            ("constraint", self.constraint),
            ("step", self.step),
            ("error", self.error),
            ("factoid", self.factoid),
            ("explain", self.explain),
            ("reasoning_phrases", self.reasoning_phrases),
            ("lines", self.lines),
            ("code_lines", self.code_lines),
            ("fences", self.fences),
            ("list_items", self.list_items),
            ("options", self.options),
            ("trace_lines", self.trace_lines),
            ("symbols", self.symbols),
            ("math_marks", self.math_marks),
        ]
    }
}


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

/// The previous word(s), for the few phrases that matter.
#[derive(Clone, Copy, PartialEq)]
enum Phrase {
    None,
    At,
    Step,
    StepBy,
    Show,
    Think,
    Act,
    Best,
}

struct Scanner<'s> {
    stats: &'s mut TextStats,
    /// The current word's first [`lexicon::MAX_WORD`] lower-case bytes, packed.
    key: lexicon::Key,
    len: usize,
    first_is_digit: bool,
    phrase: Phrase,
    /// The current word lies in the first or last [`TASK_WINDOW`] bytes of the text.
    in_window: bool,
}

/// Bytes at each end of a text where the task is looked for.
const TASK_WINDOW: usize = 200;

impl Scanner<'_> {
    fn finish_word(&mut self) {
        if self.len == 0 {
            return;
        }
        let s = &mut *self.stats;
        s.words += 1;
        let word = self.key.to_le_bytes();
        let word = &word[..self.len.min(lexicon::MAX_WORD)];
        if self.first_is_digit {
            s.numbers += 1;
            self.phrase = Phrase::None;
        } else {
            if self.len >= 10 {
                s.long_words += 1;
            }
            let bits = lexicon::classes(self.key, self.len);
            let count = |flag: u16| usize::from(bits & flag != 0);
            // What is asked is stated at the start or the end of a prompt, around any pasted
            // material; task words inside the material (an article, a review) are not the task.
            let task = |flag: u16| usize::from(self.in_window && bits & flag != 0);
            s.simple += task(SIMPLE);
            s.hard += task(HARD);
            s.create += task(CREATE);
            s.factoid += task(FACTOID);
            s.explain += task(EXPLAIN);
            s.code += count(CODE);
            s.domain += count(DOMAIN);
            s.math += count(MATH);
            s.proof += count(PROOF);
            s.constraint += count(CONSTRAINT);
            s.step += count(STEP);
            s.error += count(ERROR);
            self.phrase = match (self.phrase, word) {
                (Phrase::At, b"least" | b"most") => {
                    s.constraint += 1;
                    Phrase::None
                }
                (Phrase::Step, b"by") => Phrase::StepBy,
                (Phrase::StepBy, b"step") => {
                    s.reasoning_phrases += 1;
                    Phrase::None
                }
                (Phrase::Show, b"that") => {
                    s.proof += 1;
                    Phrase::None
                }
                (Phrase::Think, b"carefully" | b"through" | b"deeply") => {
                    s.reasoning_phrases += 1;
                    Phrase::None
                }
                (Phrase::Best, b"way" | b"ways" | b"practice" | b"practices" | b"approach" | b"option" | b"options") => {
                    s.explain += 1;
                    Phrase::None
                }
                (Phrase::Act, b"as") => {
                    s.hard += 1;
                    Phrase::None
                }
                (_, b"at") => Phrase::At,
                (_, b"step") => Phrase::Step,
                (_, b"show") => Phrase::Show,
                (_, b"think") => Phrase::Think,
                (_, b"act") => Phrase::Act,
                (_, b"best" | b"most") if self.in_window => Phrase::Best,
                _ => Phrase::None,
            };
        }
        self.len = 0;
        self.key = 0;
    }
}

fn scan(text: &[u8], stats: &mut TextStats) {
    stats.bytes += text.len();
    let mut scanner =
        Scanner { stats, key: 0, len: 0, first_is_digit: false, phrase: Phrase::None, in_window: true };
    let in_window = |i: usize| i < TASK_WINDOW || i + TASK_WINDOW >= text.len();
    let mut line_start = 0;
    for (i, &b) in text.iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            if scanner.len == 0 {
                scanner.in_window = in_window(i);
                scanner.first_is_digit = b.is_ascii_digit();
            }
            if scanner.len < lexicon::MAX_WORD {
                scanner.key |= lexicon::Key::from(b.to_ascii_lowercase()) << (8 * scanner.len);
            }
            scanner.len += 1;
            continue;
        }
        scanner.finish_word();
        let s = &mut *scanner.stats;
        match b {
            b'\n' => {
                classify_line(&text[line_start..i], s);
                line_start = i + 1;
            }
            b'?' if in_window(i) => s.questions += 1,
            b'{' | b'}' | b'[' | b']' | b';' | b'_' | b'|' | b'&' | b'#' | b'`' | b'\\' | b'$' => {
                s.symbols += 1;
                if (b == b'\\' && text.get(i + 1).is_some_and(u8::is_ascii_alphabetic)) || b == b'$' {
                    s.math_marks += 1;
                }
            }
            b'=' | b'<' | b'>' | b'+' | b'*' | b'^' => {
                s.symbols += 1;
                if between_operands(text, i) {
                    s.math_marks += 1;
                }
            }
            // U+2200–U+22FF mathematical operators, U+00B2/B3 superscripts, Greek letters.
            0xE2 if matches!(text.get(i + 1), Some(0x88..=0x8B)) => s.math_marks += 1,
            0xC2 if matches!(text.get(i + 1), Some(0xB2 | 0xB3 | 0xB9)) => s.math_marks += 1,
            0xCE | 0xCF => s.math_marks += 1,
            _ => {}
        }
    }
    scanner.finish_word();
    classify_line(&text[line_start..], scanner.stats);
}

/// An operator with an operand on each side ("x^2", "a + b", "n=5"), as opposed to "==>" arrows
/// or a lone "*" bullet.
fn between_operands(text: &[u8], i: usize) -> bool {
    let operand = |b: u8| b.is_ascii_alphanumeric() || b == b')' || b == b'(';
    let before = text[..i].iter().rev().take(2).find(|b| **b != b' ');
    let after = text[i + 1..].iter().take(2).find(|b| **b != b' ');
    before.is_some_and(|b| operand(*b)) && after.is_some_and(|b| operand(*b))
}

/// "A. text", "b) text", "(C) text", "- D: text": one answer choice.
fn is_option(line: &[u8]) -> bool {
    let line = line.strip_prefix(b"- ").unwrap_or(line);
    let line = line.strip_prefix(b"(").unwrap_or(line);
    match line {
        [letter, mark, rest @ ..] => {
            matches!(letter, b'A'..=b'H' | b'a'..=b'h')
                && matches!(mark, b'.' | b')' | b':')
                && rest.first().is_none_or(|b| *b == b' ')
        }
        _ => false,
    }
}

fn classify_line(line: &[u8], s: &mut TextStats) {
    let trimmed = line.trim_ascii();
    let Some(&first) = trimmed.first() else { return };
    s.lines += 1;
    let last = trimmed[trimmed.len() - 1];
    if trimmed.starts_with(b"```") {
        s.fences += 1;
        return;
    }
    let rest = &trimmed[1..];
    if is_option(trimmed) {
        s.options += 1;
        return;
    }
    let digits = trimmed.iter().take_while(|b| b.is_ascii_digit()).count();
    let bullet = (matches!(first, b'-' | b'*' | b'+') && rest.first() == Some(&b' '))
        || trimmed.starts_with("\u{2022}".as_bytes())
        || ((1..=2).contains(&digits) && matches!(trimmed.get(digits), Some(b'.' | b')')) && trimmed.get(digits + 1) == Some(&b' '));
    if bullet {
        s.list_items += 1;
        return;
    }
    if (trimmed.starts_with(b"at ") && trimmed.contains(&b'(')) || trimmed.starts_with(b"File \"") {
        s.trace_lines += 1;
        return;
    }
    let code_punctuation = |b: &u8| matches!(b, b'(' | b'=' | b'{' | b':' | b'[');
    let first_word_len = trimmed.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let keyword = lexicon::key(&trimmed[..first_word_len])
        .is_some_and(|k| lexicon::classes(k, first_word_len) & CODE_KEYWORD != 0);
    let code = matches!(last, b';' | b'{' | b'}')
        || first == b'}'
        || trimmed.starts_with(b"//")
        || trimmed.starts_with(b"#include")
        || (keyword && trimmed[first_word_len..].iter().any(code_punctuation) && !matches!(last, b'.' | b'?' | b'!'));
    if code {
        s.code_lines += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(prompt: &str) -> TextStats {
        extract(&RequestView::from_prompt(prompt)).stats
    }

    #[test]
    fn a_proof_request_counts_proof_and_maths_words_and_notation() {
        let s = stats("Prove that for every integer n ≥ 1, the sum 1 + 2 + ... + n = n(n+1)/2. Use induction and show that the base case holds.");
        assert!(s.proof >= 3, "prove, induction, show that: {s:?}");
        assert!(s.math >= 2, "integer, sum: {s:?}");
        assert!(s.math_marks >= 3, "≥, +, =: {s:?}");
        assert_eq!(s.simple, 0);
    }

    #[test]
    fn a_debugging_request_with_a_stack_trace_counts_code_and_errors() {
        let prompt = "Debug this: my Python script crashes.\n\n```python\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n```\n\nTraceback (most recent call last):\n  File \"main.py\", line 3, in load\n    return json.load(f)\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n";
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
    fn names_are_unique_and_match_the_vector() {
        let mut names: Vec<&str> = FEATURES.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NUM_FEATURES);
    }
}
