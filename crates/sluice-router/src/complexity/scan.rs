//! The byte scanner behind the features: one pass over a text, no allocation, counting what
//! [`super::features`] turns into numbers.
//!
//! Words (runs of ASCII letters and digits) are packed into a [`lexicon::Key`] while they are read
//! and looked up once. Lines are classified (code, list item, answer choice, stack-trace frame)
//! from their trimmed slice when the newline arrives. A few two- and three-word phrases ("at
//! least", "step by step", "show that", "act as", "best way") are followed with a tiny state machine.

use super::lexicon::{
    self, CLAIM, CODE, CODE_KEYWORD, CONSTRAINT, CREATE, DOMAIN, ERROR, EXPLAIN, FACTOID, GIVEN, HARD, LAW, LOGIC, MATH, PROOF,
    SIMPLE, STEP,
};

/// Raw counts over a text (the features use the system prompt and the last user message).
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
    pub law: usize,
    pub logic: usize,
    /// References to supplied material ("the passage", "the dialogue") near the ends of the text.
    pub given: usize,
    /// Bytes of answer-choice text (after the "A." marker), for the options' average length.
    pub option_bytes: usize,
    /// Answer choices that are a number or a quantity ("42", "3.5 m/s", "$1,200").
    pub numeric_options: usize,
    /// Answer choices that only combine verdicts or labelled claims ("True, False", "Not wrong,
    /// Wrong", "I and III only"): the question asks to judge several claims at once.
    pub compound_options: usize,
    /// Labelled claims to judge: "Statement 1 | …", "Scenario 2: …".
    pub claim_markers: usize,
}

impl TextStats {
    /// Every count with its name (diagnostics and data dumps).
    pub fn named(&self) -> [(&'static str, usize); 32] {
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
            ("law", self.law),
            ("logic", self.logic),
            ("given", self.given),
            ("option_bytes", self.option_bytes),
            ("numeric_options", self.numeric_options),
            ("compound_options", self.compound_options),
            ("claim_markers", self.claim_markers),
        ]
    }
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
    /// "statement", "scenario", … — a number and a '|' or ':' next make it a labelled claim.
    Claim,
    ClaimNumber,
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
            self.phrase = if self.phrase == Phrase::Claim { Phrase::ClaimNumber } else { Phrase::None };
        } else {
            if self.len >= 10 {
                s.long_words += 1;
            }
            let bits = lexicon::classes(self.key, self.len);
            let count = |flag: u32| usize::from(bits & flag != 0);
            // What is asked is stated at the start or the end of a prompt, around any pasted
            // material; task words inside the material (an article, a review) are not the task.
            let task = |flag: u32| usize::from(self.in_window && bits & flag != 0);
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
            s.law += count(LAW);
            s.logic += count(LOGIC);
            s.given += task(GIVEN);
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
                _ if bits & CLAIM != 0 => Phrase::Claim,
                _ => Phrase::None,
            };
        }
        self.len = 0;
        self.key = 0;
    }
}

/// Adds the counts of `text` to `stats`.
pub fn scan(text: &[u8], stats: &mut TextStats) {
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
        if scanner.phrase == Phrase::ClaimNumber && matches!(b, b'|' | b':') {
            scanner.stats.claim_markers += 1;
            scanner.phrase = Phrase::None;
        }
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

/// "A. text", "b) text", "(C) text", "- D: text": one answer choice; returns its text.
fn option_text(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_prefix(b"- ").unwrap_or(line);
    let line = line.strip_prefix(b"(").unwrap_or(line);
    match line {
        [letter, mark, rest @ ..]
            if matches!(letter, b'A'..=b'H' | b'a'..=b'h')
                && matches!(mark, b'.' | b')' | b':')
                && rest.first().is_none_or(|b| *b == b' ') =>
        {
            Some(rest.trim_ascii())
        }
        _ => None,
    }
}

/// A quantity: starts with a digit (after an optional sign, currency or decimal point) and has
/// no more letters than a unit or a variable name needs.
fn is_numeric_option(text: &[u8]) -> bool {
    let start = text.iter().position(|b| !matches!(b, b'-' | b'+' | b'$' | b'.' | b'(' | b' '));
    let digits = text.iter().filter(|b| b.is_ascii_digit()).count();
    let letters = text.iter().filter(|b| b.is_ascii_alphabetic()).count();
    start.is_some_and(|i| text[i].is_ascii_digit()) && letters <= digits + 4
}

/// Words a compound-verdict choice is made of; anything else (a real phrase) disqualifies it.
const VERDICTS: [&[u8]; 10] = [b"true", b"false", b"wrong", b"right", b"correct", b"incorrect", b"valid", b"invalid", b"yes", b"no"];
const CONNECTIVES: [&[u8]; 6] = [b"and", b"or", b"both", b"neither", b"nor", b"only"];

/// "True, False", "Not wrong, Wrong", "I and III only", "II, III": only verdicts, Roman claim
/// numbers, "not" and connectives, joined by a comma or a connective — several claims judged in
/// one choice. A single "Yes" or "Not wrong" is not compound.
fn is_compound_option(text: &[u8]) -> bool {
    let (mut verdicts, mut joined) = (0, text.contains(&b','));
    for word in text.split(|b| !b.is_ascii_alphabetic()).filter(|w| !w.is_empty()) {
        let is = |list: &[&[u8]]| list.iter().any(|v| word.eq_ignore_ascii_case(v));
        if word.iter().all(|b| matches!(b, b'I' | b'V' | b'X')) || is(&VERDICTS) {
            verdicts += 1;
        } else if is(&CONNECTIVES) {
            joined = true;
        } else if !word.eq_ignore_ascii_case(b"not") {
            return false;
        }
    }
    verdicts >= 1 && joined
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
    if let Some(text) = option_text(trimmed) {
        s.options += 1;
        s.option_bytes += text.len();
        s.numeric_options += usize::from(is_numeric_option(text));
        s.compound_options += usize::from(is_compound_option(text));
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
