//! Person names in short messages, without a cue.
//!
//! [`super::names`] only accepts a name where the text says it is someone's data ("my name is",
//! "Dear …", a contact block). That is the right policy for documents, articles and exam
//! questions, which are full of public figures. A short chat message, though, that mentions
//! "Kaylee Carlsson" or "Sokolov's killers" is almost always about a private person the user
//! knows, so here a short text (≤ [`SHORT_MESSAGE`] bytes) is scanned for name-shaped tokens:
//!
//! - a run of 2–4 capitalised tokens (with particles "van der", initials "J.") in which one token
//!   is a known given name or surname ([`super::lexicon`]) or has a surname shape (-sson, -ović, …);
//! - a courtesy title and a capitalised word ("Ms. Jones");
//! - a single known, unambiguous name or surname-shaped token ("said Ingrid", "the Petrović novel").
//!
//! Long texts are left to the cue-based detector: the 1 KB prompt in the benchmark never gets here.

use std::sync::LazyLock;

use super::lexicon::{is_known, kind, strip_possessive, surname_shape};
use super::word_set::WordSet;
use super::Sink;
use crate::entity::EntityType::PersonName;

/// Texts up to this many bytes are treated as messages; longer ones as documents.
pub(crate) const SHORT_MESSAGE: usize = 300;

/// Capitalised words that are not names even next to one ("Thomas Street", "Maria University").
const NOT_NAME_WORDS: &str = "the a an this that these those i he she we they it you your my our his her their and or of in on at to
for with is was will would can could should what who how why when where which but because from as by if then than are be been
has have had do does did not no yes all any some each every one two three hi hello hey dear thanks thank please ok okay
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october
november december street st road rd avenue ave lane drive boulevard way court place square park bridge river lake mountain
mount island bay valley city county state province republic kingdom university college school academy institute hospital
clinic church cathedral museum library hotel airport station center centre company corp corporation inc ltd llc group bank
foundation association society council committee department ministry agency office club team band orchestra award prize
cup league festival war act law bill code north south east west new old great saint san santa los las el prize trophy
english american british french german spanish italian chinese japanese indian russian christian muslim jewish catholic
god lord king queen prince princess president senator governor minister general captain chapter section figure table
question answer option summary article review title product version model series edition vol volume part day night
morning evening week month year today tomorrow yesterday";

pub(crate) fn is_not_name(tok: &str) -> bool {
    let t = strip_possessive(tok);
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(NOT_NAME_WORDS));
    SET.contains(t)
}

pub(crate) fn is_eponym(word: &str) -> bool {
    EPONYMS.contains(word)
}

static EPONYMS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(EPONYM_NOUNS));

/// Nouns after a surname that make it an eponym or a firm, not a person being talked about.
const EPONYM_NOUNS: &str = "curve curves structure structures doctrine cocktail effect effects law laws theory theorem equation equations
principle principles test tests model models paradox syndrome disease scale index constant number numbers rule method
algorithm distribution cycle hypothesis experiment prize award medal foundation institute university college school
investments capital partners associates holdings group inc llc ltd corp company orchestra band brothers sons motors
airlines hotel hotels corporation plc llp gmbh pc street avenue road square bridge park county city island islands river bay";

/// Surnames of the best-known historical and public figures (general knowledge): counterfactual
/// and trivia questions ("What if Isaac Newton…") are about them, not about a private person.
const FAMOUS: &str = "newton einstein turing columbus lincoln washington jefferson napoleon caesar shakespeare darwin
galilei galileo copernicus king luther kepler curie tesla edison gandhi mandela churchill roosevelt kennedy nixon reagan obama
trump clinton bush stalin lenin hitler mussolini marx engels freud jung nietzsche kant hegel plato aristotle socrates
descartes locke hobbes rousseau voltaire hume mill smith keynes beethoven mozart bach picasso rembrandt michelangelo
vinci leonardo dickens austen tolstoy dostoevsky hemingway twain orwell homer dante luther calvin elizabeth victoria
jobs gates musk zuckerberg bezos buffett disney chaplin monroe presley lennon mccartney jackson dylan madonna beyonce
armstrong gagarin aldrin hawking feynman bohr planck faraday maxwell pasteur fleming nightingale earhart lovelace
babbage gauss euler newton pythagoras euclid archimedes confucius buddha muhammad jesus moses abraham";

/// "Gary Smith, the former chief executive, …", "Mr Spicer, who …": an appositive that
/// introduces the person is how news and encyclopedias write about public people.
fn appositive(after: &str) -> bool {
    let a = after.trim_start_matches(['\'', '’', 's']).to_ascii_lowercase();
    [", who ", ", the ", ", a ", ", an ", ", former ", ", chief ", ", president "].iter().any(|p| a.starts_with(p))
}

/// Third-person questions in the text ("Who was born first, Pablo Trapero or Aleksander Ford?",
/// "Why did Bailey do this?"): each is the stretch of its line up to a `?` that asks with a
/// question word and speaks of nobody as "I", "my" or "you". People asked about that way are
/// the subject of a knowledge or reading-comprehension question — public figures or invented
/// characters; a user asking about somebody they know says "my friend", "can you", "I".
fn third_person_questions(text: &str) -> Vec<Question<'_>> {
    const WH: [&str; 9] = ["who", "whom", "whose", "what", "which", "where", "when", "why", "how"];
    const AUX: [&str; 8] = ["do", "does", "did", "were", "was", "is", "are", "has"];
    const PERSONAL: [&str; 11] = ["i", "me", "my", "mine", "we", "us", "our", "you", "your", "u", "i'm"];
    let mut out = Vec::new();
    let mut from = 0;
    for (q, _) in text.match_indices('?') {
        let mut start = sentence_start(text, q).max(from);
        // "And I was wondering What does Bailey need to do?", "Given the context: How would
        // …": a capitalised question word inside the sentence starts the question proper.
        if let Some(i) = embedded_question(&text[start..q]) {
            start += i;
        }
        let sentence = &text[start..q];
        from = q + 1;
        let words: Vec<String> = sentence.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        let wh = words.iter().any(|w| WH.contains(&w.as_str()));
        let asks = wh || words.first().is_some_and(|w| AUX.contains(&w.as_str()));
        let personal = words.iter().any(|w| PERSONAL.contains(&w.as_str()));
        if asks && !personal {
            out.push(Question { text: sentence, wh });
        }
    }
    out
}

/// Start of the sentence that ends at `end`: after the previous line break, `?`, `!`, `: `, or a full
/// stop before a space — not the dot of an initial or a title ("Edwin L. Drake", "Mr. Hussein").
fn sentence_start(text: &str, end: usize) -> usize {
    let b = text.as_bytes();
    let mut i = end;
    while i > 0 {
        i -= 1;
        match b[i] {
            b'\n' | b'?' | b'!' => return i + 1,
            b':' if b.get(i + 1) == Some(&b' ') => return i + 1,
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_whitespace) => {
                let word = text[..i].rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                let abbreviation = word.chars().count() <= 1 || TITLES.iter().any(|t| t.eq_ignore_ascii_case(word)) || word == "St";
                if !abbreviation {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    0
}

/// Offset of a capitalised wh-word that is not the first word of `sentence`.
fn embedded_question(sentence: &str) -> Option<usize> {
    const WH: [&str; 7] = ["Who", "What", "Which", "Where", "When", "Why", "How"];
    let first = sentence.find(|c: char| c.is_alphabetic())?;
    sentence.match_indices(|c: char| c.is_ascii_uppercase()).map(|(i, _)| i).filter(|&i| i > first).find(|&i| {
        let before_ok = sentence[..i].ends_with([' ', '"', ':']);
        let word = sentence[i..].split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
        before_ok && WH.contains(&word)
    })
}

/// Words of public life — occupations, works, fame — that make a third-person question about a
/// named person a trivia question ("What is the occupation of …", "What films featured the
/// character …", "… was a footballer for a club that plays where?").
const PUBLIC_ROLE_WORDS: &str = "occupation profession nationality born died actor actress singer musician musicians band
album song songs film films movie movies character characters starring starred directed director book books novel
author wrote written published footballer player club team athlete artist painter composer politician crooner";

fn public_roles(sentence: &str) -> bool {
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(PUBLIC_ROLE_WORDS));
    sentence.split(|c: char| !c.is_alphabetic()).filter(|w| w.len() >= 3).any(|w| SET.contains(w))
}

/// A question sentence (without its `?`) and whether it asks with a wh-word.
struct Question<'t> {
    text: &'t str,
    wh: bool,
}

/// Whether a name is the subject of a knowledge or comprehension question: it occurs in one of
/// `questions` and either the question compares ("Who was born first, A or B?", "Were both A
/// and B authors?", "… have in common?"), or asks about public life ([`PUBLIC_ROLE_WORDS`]), or
/// the text also tells a story about the same name
/// and then asks a wh-question about it ("Bailey relieved her friends … Why did Bailey do
/// this?"). A bare "Why is Katrine so impulsive?" is neither, and stays a possible private
/// person; so does "… Is there a better example than early Bulgakov?".
fn asked_about(text: &str, name_tokens: &[&str], questions: &[Question]) -> bool {
    const COMPARING: [&str; 6] = [" or ", " both ", " same ", " in common", " first", " and "];
    let occurs = |hay: &str, t: &str| hay.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| *w == t).count();
    name_tokens.iter().map(|t| strip_possessive(t)).filter(|t| t.chars().count() >= 3).any(|t| {
        let in_questions: usize = questions.iter().map(|q| occurs(q.text, t)).sum();
        let in_wh: usize = questions.iter().filter(|q| q.wh).map(|q| occurs(q.text, t)).sum();
        let comparing = questions.iter().any(|q| occurs(q.text, t) > 0 && COMPARING.iter().any(|c| q.text.to_lowercase().contains(c)));
        let about_public_life = questions.iter().any(|q| occurs(q.text, t) > 0 && public_roles(q.text));
        comparing || about_public_life || (in_wh > 0 && occurs(text, t) > in_questions)
    })
}

/// Public roles written right before a name ("Microsoft spokesman Sean Sundwell", "Senator
/// Hale") introduce someone speaking in public; right after a single word ("Milan goalkeeper
/// Dida") they make the word a team or an employer.
const PUBLIC_ROLES: [&str; 22] = [
    "spokesman", "spokeswoman", "spokesperson", "senator", "congressman", "congresswoman", "governor", "mayor", "minister", "chancellor",
    "premier", "president", "chairman", "chairwoman", "goalkeeper", "striker", "midfielder", "defender", "coach", "actor", "actress", "singer",
];

fn is_public_role(w: &str) -> bool {
    PUBLIC_ROLES.iter().any(|r| r.eq_ignore_ascii_case(w))
}

pub(crate) fn is_famous(w: &str) -> bool {
    let w = strip_possessive(w);
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(FAMOUS));
    SET.contains(w)
}

/// Context that makes a single capitalised name a person being talked about.
fn person_context(text: &str, start: usize, end: usize, before: &str, next_word: &str) -> bool {
    const VERBS: &str = "said says asked asks told tells replied replies shouted yelled screamed whispered wrote writes
called calls thinks thought points pointed added explained complained admitted answered warned laughed smiled cried";
    const WORKS: &str = "novel novels book books song songs album albums film films movie movies concert concerts show
version fan fans family house wedding funeral case story stories quote quotes lyrics poem poems";
    static VERB_SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(VERBS));
    static WORK_SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(WORKS));
    let mut prev = before.rsplit(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty());
    let (p1, p2) = (prev.next().unwrap_or(""), prev.next().unwrap_or(""));
    let tok = &text[start..end];
    let possessive = tok.ends_with("'s") || tok.ends_with("’s") || text[end..].starts_with("'s") || text[end..].starts_with("’s");
    let question = matches!(p1.to_ascii_lowercase().as_str(), "is" | "was" | "does" | "did" | "has")
        && matches!(p2.to_ascii_lowercase().as_str(), "why" | "how" | "where" | "when" | "what");
    let spoken_to = matches!(p1.to_ascii_lowercase().as_str(), "at" | "to" | "with") && VERB_SET.contains(p2);
    let work = matches!(p1.to_ascii_lowercase().as_str(), "the" | "a" | "an") && WORK_SET.contains(next_word);
    let by = p1.eq_ignore_ascii_case("by") || p1.to_ascii_lowercase().starts_with("ex-");
    // "Luiza is from Xignite", "Tomas works at …": an affiliation or a home.
    let after = text[end..].trim_start().to_ascii_lowercase();
    let affiliation = ["is from ", "was from ", "works at ", "works for ", "lives in ", "lives at ", "grew up "].iter().any(|a| after.starts_with(a));
    VERB_SET.contains(p1) || VERB_SET.contains(next_word) || affiliation || possessive || question || spoken_to || work || by
}

/// Whether the text is a multiple-choice item: at least three option lines ("A. …", "(b) …").
pub(crate) fn quiz(text: &str) -> bool {
    if super::contains_ci(text, "which of the following") {
        return true;
    }
    let mut options = 0;
    for line in text.lines() {
        let l = line.trim_start().as_bytes();
        let option = match l {
            [b'(', c, b')', ..] | [c, b'.' | b')' | b':', b' ', ..] => c.is_ascii_alphabetic() && c.to_ascii_uppercase() <= b'H' && l.first() != Some(&b'I'),
            _ => false,
        };
        options += usize::from(option);
    }
    options >= 3
}

/// Particles inside a name ("Paul van der Voet", "Maria de la Cruz").
const PARTICLES: [&str; 16] = ["van", "von", "der", "den", "de", "da", "di", "del", "della", "la", "le", "du", "dos", "das", "bin", "al"];

const TITLES: [&str; 8] = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir"];

#[derive(Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
}

fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !c.is_alphabetic() {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            if d.is_alphabetic() {
                end = j + d.len_utf8();
                iter.next();
            } else if matches!(d, '\'' | '’' | '-') && text[j + d.len_utf8()..].starts_with(char::is_alphabetic) {
                iter.next();
            } else {
                break;
            }
        }
        out.push(Tok { start: i, end });
    }
    out
}

fn capitalised(t: &str) -> bool {
    let mut cs = t.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.any(char::is_lowercase)
}

pub fn scan(text: &str, sink: &mut Sink) {
    if text.len() > SHORT_MESSAGE || !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return;
    }
    // Multiple-choice questions ("A. …\nB. …") are exams and quizzes: the people in them are
    // public figures or invented, never the user's contacts.
    if quiz(text) {
        return;
    }
    let lowercase_text = !text.chars().any(char::is_uppercase);
    let questions = third_person_questions(text);
    let toks = tokens(text);
    let word = |k: usize| &text[toks[k].start..toks[k].end];
    // A name-like token: capitalised (any case in an all-lower-case text, where only
    // lexicon or surname-shaped tokens count) and not a common capitalised word.
    let namey = |k: usize| {
        let w = word(k);
        let shaped = if lowercase_text { kind(w).is_some() || surname_shape(w) } else { capitalised(w) };
        shaped && !is_not_name(w)
    };
    let mut i = 0;
    while i < toks.len() {
        let w = word(i);
        // Courtesy title + name ("Ms. Jones", "Mr Leiva").
        if TITLES.iter().any(|t| t.eq_ignore_ascii_case(w)) && i + 1 < toks.len() {
            let gap = &text[toks[i].end..toks[i + 1].start];
            // In all-lower-case text "mr. elliott" is as clear as "Mr. Elliott" (the dot says title).
            let follows = capitalised(word(i + 1)) || (lowercase_text && gap == ". ");
            if (gap == ". " || gap == " ") && follows && !is_not_name(word(i + 1)) {
                let end = chain_end(text, &toks, i + 1, &namey);
                if !(i + 1..=end).any(|k| is_famous(word(k))) && !appositive(&text[toks[end].end..]) {
                    add(text, sink, toks[i].start, toks[end].end, 0.6);
                }
                i = end + 1;
                continue;
            }
        }
        if !namey(i) {
            i += 1;
            continue;
        }
        let end = chain_end(text, &toks, i, &namey);
        let names: Vec<&str> = (i..=end).map(word).filter(|w| w.chars().count() > 1 && !PARTICLES.contains(w)).collect();
        let strong = names.iter().filter(|w| is_known(w) || surname_shape(w)).count();
        let lexical = names.iter().filter(|w| kind(w).is_some()).count();
        let before = text[..toks[i].start].trim_end();
        let after = text[toks[end].end..].trim_start();
        let next_word = after.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        // Eponyms and organisations: "Phillips curve", "Goodwin v UK", "Russell Investments".
        let eponym = EPONYMS.contains(next_word)
            || names.iter().any(|w| EPONYMS.contains(w))
            || next_word == "v"
            || next_word == "vs"
            || before.ends_with(" v")
            || before.ends_with(" v.")
            || before.ends_with(" vs.");
        // A single word after "in" / "from" / "near" is a place ("moved here from Pelhrimov").
        let prev_word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        let place = names.len() == 1 && ["in", "from", "near"].iter().any(|p| p.eq_ignore_ascii_case(prev_word));
        let accept = if eponym || place || appositive(&text[toks[end].end..]) {
            false
        } else if names.len() >= 2 {
            strong >= 1 || lexical >= 2
        } else {
            // One token: a known name that is not also an everyday word, or a surname shape,
            // where the sentence treats it as a person (speech verbs, "Why is X", "X's",
            // "the X novel"). Speaker labels ("Mary: hi") are not enough: transcripts of
            // fiction and summarisation tasks are full of them.
            strong == 1 && person_context(text, toks[i].start, toks[end].end, before, next_word)
        };
        let famous = names.iter().any(|w| is_famous(w));
        let next_is_role = names.len() == 1 && is_public_role(next_word);
        let accept = accept && !famous && !asked_about(text, &names, &questions) && !is_public_role(prev_word) && !next_is_role;
        if accept {
            add(text, sink, toks[i].start, toks[end].end, if names.len() >= 2 { 0.6 } else { 0.45 });
        }
        i = end + 1;
    }
}

/// Last token of the name starting at `i`: following name-like tokens, initials and particles
/// separated by single spaces, at most four tokens.
fn chain_end(text: &str, toks: &[Tok], i: usize, namey: &impl Fn(usize) -> bool) -> usize {
    let mut end = i;
    let mut k = i + 1;
    while k < toks.len() && k - i < 4 {
        let gap = &text[toks[k - 1].end..toks[k].start];
        let prev = &text[toks[k - 1].start..toks[k - 1].end];
        let initial_before = prev.chars().count() == 1 && prev.starts_with(char::is_uppercase) && gap == ". ";
        if gap != " " && !initial_before {
            break;
        }
        let w = &text[toks[k].start..toks[k].end];
        let initial = w.chars().count() == 1 && w.starts_with(char::is_uppercase);
        let particle = PARTICLES.contains(&w) && k + 1 < toks.len();
        if namey(k) || initial {
            end = k;
        } else if !particle {
            break;
        }
        k += 1;
    }
    end
}

fn add(text: &str, sink: &mut Sink, start: usize, end: usize, confidence: f32) {
    let end = start + strip_possessive(&text[start..end]).len();
    if !sink.covered(start, end) {
        sink.add(text, PersonName, start, end, confidence);
    }
}
