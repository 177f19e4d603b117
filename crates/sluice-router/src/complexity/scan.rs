//! The byte scanner behind the features: one pass over a text, no allocation, counting what
//! [`super::features`] turns into numbers.
//!
//! Words (runs of ASCII letters and digits) are packed into a [`lexicon::Key`] while they are read
//! and looked up once. Lines are classified (code, list item, answer choice, stack-trace frame)
//! from their trimmed slice when the newline arrives. A few two- and three-word phrases ("at
//! least", "step by step", "show that", "act as", "best way") are followed with a tiny state machine.

use super::lexicon::{
    self, CODE, CODE_KEYWORD, CONSTRAINT, CREATE, DOMAIN, ERROR, EXPLAIN, FACTOID, HARD, MATH, PROOF, SIMPLE, STEP,
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
