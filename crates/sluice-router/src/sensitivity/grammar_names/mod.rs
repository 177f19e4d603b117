//! Person names from sentence structure, in texts of any length.
//!
//! [`super::names`] needs a cue that the text is about someone's data, and [`super::people`]
//! reads only short messages. What both miss are names in news-like or narrative text, where
//! nothing but the grammar says a word is a person: the speaker of a quotation (`"…," says
//! Bergqvist`), the two sides of "X shouted at Y", the members of a list of founders or
//! partners ("Kónya, Becker and Vasquez"), a former band member ("ex-Beatle McCartney"), a
//! film credit ("directed by …"). Each rule here is one such construction, and each accepts a
//! word only where that construction leaves little room for anything but a person:
//!
//! - **speech attribution** — a speech verb right after the end of a quotation or sentence,
//!   followed by a capitalised word (`!" said Gladys`, `," says Hauta-aho.`). The quotation
//!   mark or sentence end is what makes it reliable: "as the report says Python is slow" has
//!   neither. "said X to Y" takes the addressee too.
//! - **speaking to someone** — two capitalised words around "shouted at", "said to", "told"…
//!   where at least one is a known name ([`super::lexicon`]);
//! - **lists of names** — "A, B and C" / "A and B were": every item a single capitalised word
//!   that is not a common capitalised word, and at least one of them a known, unambiguous
//!   surname or a surname shape (two when a two-item list opens a sentence without a plural verb
//!   after it: "Python and Murphy"). Lists of languages, places or products
//!   ("Python, Java and Rust", "Paris and Berlin") have no known names in them;
//! - **former members** — "ex-Zombie Kastner": `ex-` and a capitalised group name before a
//!   capitalised word;
//! - **introductions** — a message that opens "X is from <Organisation>", or "First Last, the
//!   <role>, said"; and **authored works** — "the X novel / memoir / biography";
//! - **direct address** — a known given name between a comma and `?`/`!` ("Remember me, Mary?");
//! - **credits** as a record field — "Directed By: …", "Starring: …" followed by a capitalised
//!   name of two or more words, or one word the lexicon knows (credits in prose name public
//!   makers of public works and stay public).
//!
//! The rules read only paragraph-sized texts that are not multiple-choice items: long articles
//! and plot summaries quote and list public or invented people all the time.
//!
//! Famous people ([`super::people`]'s list) are skipped as everywhere else. Every rule is
//! behind a cheap keyword gate, so prompts without a speech verb, `ex-`, " and " or a credit
//! cost one `memmem` pass per gate.

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::{is_known, kind, strip_possessive, surname_shape};
use super::people::{is_famous, is_not_name};
use super::{mentions, Sink};
use crate::entity::EntityType::PersonName;

const SPEECH: &str = "says|said|asks|asked|adds|added|explains|explained|recalls|recalled|writes|wrote|replied|replies|remarked|notes|noted|continued|insists|insisted|argues|argued|admits|admitted|warns|warned";

/// A speech verb right after the end of a quotation or a sentence: `," says `, `! said `.
static ATTRIBUTION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(&format!(r#"(?:[,.!?]\\?["”'’]|[!?])[ \t]+(?i:{SPEECH})[ \t]+"#))
});

/// "X shouted at Y", "X said to Y", "X told Y": the words on both sides are people.
static SPOKE_TO: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"(\p{Lu}[\p{L}'’-]+)[ \t]+(?:shouted|yelled|screamed|whispered|said|spoke|talked|turned|waved|smiled|winked|nodded|glanced)[ \t]+(?:at|to)[ \t]+(\p{Lu}[\p{L}'’-]+)")
});

/// List items: capitalised single words joined by ", " and a final " and ".
static LIST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"\p{Lu}[\p{L}'’-]+(?:,[ \t]+\p{Lu}[\p{L}'’-]+)*,?[ \t]+and[ \t]+\p{Lu}[\p{L}'’-]+")
});

/// "ex-Zombie Kastner", "ex-Beatle McCartney".
static FORMER_MEMBER: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(r"ex-\p{Lu}[\p{L}]+[ \t]+(\p{Lu}[\p{L}'’-]+)"));

/// A message that opens with a single capitalised word and says where it is from: "Gréta is
/// from Sas", "Boaz is from Politify". Things "come from" places; a lone capitalised subject
/// that "is from" a capitalised organisation is how people are introduced.
static FROM: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(r"^[ \t]*(\p{Lu}[\p{L}'’-]+)[ \t]+(?:is|was) from[ \t]+\p{Lu}"));

/// "the Ruoho novel", "the Söderberg memoir": a novel or memoir named after its author.
static AUTHORED: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(r"(?i:\bthe)[ \t]+(\p{Lu}[\p{L}'’-]+)[ \t]+(?:novel|novels|memoir|memoirs|biography|autobiography)\b"));

/// "Marie Langrová, the Packager, said:": a speaker introduced by name and role at the start of
/// a message.
static INTRODUCED_SPEAKER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"^[ \t]*(\p{Lu}[\p{L}'’-]+(?:[ \t]+\p{Lu}\.?)?(?:[ \t]+\p{Lu}[\p{L}'’-]+){1,2}), (?:the|a|an|our|my) [^,\n]{1,40}, (?:said|says|wrote|writes|told)\b")
});

/// Direct address at the end of a question or exclamation: "Remember me, Mary?", "Thanks, Tom!".
static VOCATIVE: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(r",[ \t]+(\p{Lu}[\p{L}'’-]+)[?!]"));

/// Film and book credits.
static CREDIT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"(?i:\b(?:directed by|starring|written by|produced by|composed by|narrated by|illustrated by|co-starring))[: \t]+")
});

/// Longest text these rules read. Articles, plot summaries and transcripts — long texts — are
/// full of quoted speakers and lists of characters who are public figures or invented; a
/// message or a paragraph of a few sentences that quotes or lists people is far more often
/// about people the user deals with.
const PARAGRAPH: usize = 480;

pub fn scan(text: &str, sink: &mut Sink) {
    // Multiple-choice items are exams: the people in them are public or invented.
    if text.len() > PARAGRAPH || super::people::quiz(text) {
        return;
    }
    if mentions!(sink, [" says ", " said ", " asks ", " asked ", " adds ", " added ", " explain", " recall", " wrote ", " writes ", " repl", " remarked ", " note", " continued ", " insist", " argue", " admit", " warn"]) {
        attribution(text, sink);
    }
    if mentions!(sink, [" at ", " to "]) {
        spoke_to(text, sink);
    }
    if mentions!(sink, [" and "]) {
        lists(text, sink);
    }
    one_capture(text, sink, &FROM, 0.5, true);
    one_capture(text, sink, &INTRODUCED_SPEAKER, 0.6, false);
    if mentions!(sink, [" novel", " memoir", "biography"]) {
        one_capture(text, sink, &AUTHORED, 0.5, false);
    }
    vocatives(text, sink);
    if mentions!(sink, ["ex-"]) {
        former_members(text, sink);
    }
    if mentions!(sink, ["directed by", "starring", "written by", "produced by", "composed by", "narrated by", "illustrated by"]) {
        credits(text, sink);
    }
}

/// A capitalised word (letters, apostrophes, hyphens) at the start of `s`, or any-case in an
/// all-lower-case text; trailing possessive removed. Returns its byte length.
fn word_at(s: &str, any_case: bool) -> usize {
    let Some(first) = s.chars().next() else { return 0 };
    if !first.is_alphabetic() || !(any_case || first.is_uppercase()) {
        return 0;
    }
    let end = s.find(|c: char| !(c.is_alphabetic() || matches!(c, '\'' | '’' | '-'))).unwrap_or(s.len());
    let w = strip_possessive(&s[..end]).trim_end_matches(['-', '\'', '’']);
    w.len()
}

/// A name of up to three words (with initials: "Clara R. Dickson", "Hannah M") at the start of
/// `s`. Returns (byte length, the words).
fn name_run(s: &str, any_case: bool) -> Option<(usize, Vec<&str>)> {
    let mut words = Vec::new();
    let mut end = 0;
    let mut pos = 0;
    while words.len() < 3 {
        let len = word_at(&s[pos..], any_case);
        if len == 0 {
            break;
        }
        let w = &s[pos..pos + len];
        if is_not_name(w) {
            break;
        }
        words.push(w);
        end = pos + len;
        let rest = &s[end..];
        let skip = if rest.starts_with(". ") && len == 1 { 2 } else if rest.starts_with(' ') { 1 } else { break };
        pos = end + skip;
    }
    (!words.is_empty()).then_some((end, words))
}

/// Whether `i` starts a word. The patterns above need Unicode classes, and a Unicode `\b`
/// makes the lazy DFA give up on non-ASCII text, so word boundaries are checked here instead.
fn word_start(text: &str, i: usize) -> bool {
    !text[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric())
}

fn word_end(text: &str, i: usize) -> bool {
    !text[i..].chars().next().is_some_and(|c| c.is_alphanumeric())
}

fn lowercase_text(text: &str) -> bool {
    !text.chars().any(char::is_uppercase)
}

fn add(text: &str, sink: &mut Sink, start: usize, len: usize, words: &[&str], confidence: f32) {
    if words.iter().any(|w| is_famous(w)) || sink.covered(start, start + len) {
        return;
    }
    sink.add(text, PersonName, start, start + len, confidence);
}

fn attribution(text: &str, sink: &mut Sink) {
    let Some(re) = ATTRIBUTION.as_ref() else { return };
    let any_case = lowercase_text(text);
    for m in re.find_iter(text) {
        let rest = &text[m.end()..];
        let Some((len, words)) = name_run(rest, any_case) else { continue };
        // A single initial ("says A") is not a name.
        if words.len() == 1 && words[0].chars().count() < 2 {
            continue;
        }
        add(text, sink, m.end(), len, &words, 0.6);
        // "said Gladys to Logan": the addressee too.
        let after = &rest[len..];
        if let Some((len2, words2)) = after.strip_prefix(" to ").and_then(|to| name_run(to, any_case)) {
            add(text, sink, m.end() + len + 4, len2, &words2, 0.5);
        }
    }
}

fn spoke_to(text: &str, sink: &mut Sink) {
    let Some(re) = SPOKE_TO.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let (Some(a), Some(b)) = (caps.get(1), caps.get(2)) else { continue };
        if !word_start(text, a.start()) || !word_end(text, b.end()) {
            continue;
        }
        let (wa, wb) = (strip_possessive(a.as_str()), strip_possessive(b.as_str()));
        if is_not_name(wa) || is_not_name(wb) {
            continue;
        }
        // Shouting, yelling, screaming and whispering at someone are things people do to people;
        // "said to", "turned to" also fit things ("Python said to be slow"), so those need a
        // known name on one side.
        let human_verb = ["shouted", "yelled", "screamed", "whispered"].iter().any(|v| caps.get(0).is_some_and(|m| m.as_str().contains(v)));
        if human_verb || is_known(wa) || is_known(wb) || surname_shape(wa) || surname_shape(wb) {
            add(text, sink, a.start(), wa.len(), &[wa], 0.5);
            add(text, sink, b.start(), wb.len(), &[wb], 0.5);
        }
    }
}

fn lists(text: &str, sink: &mut Sink) {
    let Some(re) = LIST.as_ref() else { return };
    for m in re.find_iter(text) {
        if !word_start(text, m.start()) || !word_end(text, m.end()) {
            continue;
        }
        let items: Vec<(usize, &str)> = m
            .as_str()
            .split([',', ' ', '\t'])
            .scan(0usize, |pos, w| {
                let at = *pos;
                *pos += w.len() + 1;
                Some((at, w))
            })
            .filter(|(_, w)| !w.is_empty() && *w != "and")
            .collect();
        if items.iter().any(|(_, w)| is_not_name(w)) || !list_of_people(text, m.start(), m.end()) {
            continue;
        }
        // Only surnames count: lists of given names are the characters of stories and word
        // problems ("Alice and Bob", "Sue and Reed"); people listed by surname are colleagues,
        // founders, partners.
        let strong = items.iter().filter(|(_, w)| kind(w).is_some_and(|k| k.surname && !k.ambiguous) || surname_shape(w)).count();
        // Everything in the list must at least look like it could be a name: unknown words are
        // allowed (rare surnames), but not when the lexicon calls a word ambiguous and nothing
        // else in the list is strong.
        // The first item may be a capitalised sentence opener ("Python and Murphy"): in a
        // two-item list both must then be known, unless a plural verb follows ("… were").
        let sentence_initial = text[..m.start()].trim_end().is_empty() || text[..m.start()].trim_end().ends_with(['.', '!', '?', ':', '\n']);
        let plural = [" were ", " are ", " have "].iter().any(|v| text[m.end()..].starts_with(v));
        let needed = if items.len() == 2 && sentence_initial && !plural { 2 } else { 1 };
        if strong < needed {
            continue;
        }
        for (at, w) in &items {
            let start = m.start() + at;
            add(text, sink, start, strip_possessive(w).len(), &[w], 0.5);
        }
    }
}

/// Whether the words around a list make it a list of people rather than part of a longer name
/// ("Charlie Sheen and Emilio Estevez"), a firm ("Lopez, Santos and Coleman is a design agency",
/// "the Davis, Reynolds and Williamson Orchestra") or a citation ("according to Hersey and
/// Blanchard", "Bailey and Pillard (1991)", "Texas v. Johnson").
fn list_of_people(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '\t']);
    let after = text[end..].trim_start_matches([' ', '\t']);
    let prev = before.rsplit(|c: char| !c.is_alphanumeric() && c != '.').next().unwrap_or("");
    let next = after.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    let capitalised_neighbour = prev.starts_with(char::is_uppercase) && !before.ends_with([':', ',', ';', '.', '?', '!'])
        || next.starts_with(char::is_uppercase);
    let singular = ["is ", "was ", "has ", "'s ", "’s "].iter().any(|v| after.starts_with(v));
    let firm = super::people::is_eponym(next) || matches!(next, "Orchestra" | "LLP" | "PC" | "LLC" | "Inc" | "Ltd");
    let lower_before = before.to_ascii_lowercase();
    let citation = after.starts_with('(')
        || after.starts_with(", 1")
        || after.starts_with(", 2")
        || before.ends_with('(')
        || ["according to", " by", " v.", " v", " vs.", " of", " in", " see", " cf."].iter().any(|c| lower_before.ends_with(c));
    !(capitalised_neighbour || singular || firm || citation)
}

/// Adds the first capture group of each match of `re` as a name (`single`: only one-word
/// names that are not common capitalised words).
fn one_capture(text: &str, sink: &mut Sink, re: &LazyLock<Option<Regex>>, confidence: f32, single: bool) {
    let Some(re) = re.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let Some(n) = caps.get(1) else { continue };
        let name = strip_possessive(n.as_str());
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.iter().any(|w| is_not_name(w)) || (single && words.len() != 1) {
            continue;
        }
        add(text, sink, n.start(), name.len(), &words, confidence);
    }
}

/// Someone addressed by a known given name (a capitalised word after a comma could be a place
/// or anything else: "… in Paris?").
fn vocatives(text: &str, sink: &mut Sink) {
    if !text.contains([',']) || !text.contains(['?', '!']) {
        return;
    }
    let Some(re) = VOCATIVE.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let Some(n) = caps.get(1) else { continue };
        let w = n.as_str();
        if kind(w).is_some_and(|k| k.given && !k.ambiguous) && !is_not_name(w) {
            add(text, sink, n.start(), w.len(), &[w], 0.5);
        }
    }
}

fn former_members(text: &str, sink: &mut Sink) {
    let Some(re) = FORMER_MEMBER.as_ref() else { return };
    for caps in re.captures_iter(text) {
        let Some(n) = caps.get(1) else { continue };
        if !caps.get(0).is_some_and(|m| word_start(text, m.start())) {
            continue;
        }
        let w = strip_possessive(n.as_str());
        if !is_not_name(w) {
            add(text, sink, n.start(), w.len(), &[w], 0.5);
        }
    }
}

fn credits(text: &str, sink: &mut Sink) {
    let Some(re) = CREDIT.as_ref() else { return };
    for m in re.find_iter(text) {
        // Only the field form ("Directed By: …" in a record): credits in prose are about
        // public works and their makers, whom trivia questions name all the time.
        if !m.as_str().contains(':') {
            continue;
        }
        let rest = &text[m.end()..];
        let Some((len, words)) = name_run(rest, false) else { continue };
        let full = words.len() >= 2;
        let known = words.iter().any(|w| is_known(w) || surname_shape(w) || kind(w).is_some());
        if full || known {
            add(text, sink, m.end(), len, &words, 0.5);
        }
    }
}

#[cfg(test)]
mod tests;
