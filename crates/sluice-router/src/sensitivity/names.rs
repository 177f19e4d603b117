//! Person names — only where the text says it is about a person's data.
//!
//! Names alone are not personal data for routing purposes: questions and articles are full of
//! public figures ("Thomas Jefferson", "Dr. Martin Luther King") and fictional people in word
//! problems. A name counts when a cue ties it to an individual whose data this is: a
//! self-introduction, a form field, a salutation or signature, a family/customer/patient role, a
//! possessive before a personal-data noun, or a contact block next to an e-mail, phone or
//! address finding.

use std::sync::LazyLock;

use regex::Regex;

use super::Sink;
use crate::entity::EntityType::PersonName;

/// Very common given names (general knowledge, not taken from any evaluation data). Used only
/// to accept a *single* capitalised word after a weak cue ("I'm Sarah", "Hi Tom,").
const GIVEN_NAMES: &[&str] = &[
    "aaron", "adam", "ahmed", "aisha", "alan", "alex", "alexander", "alice", "amanda", "amy", "ana", "andrea", "andrew", "angela", "anna", "anne",
    "anthony", "ben", "benjamin", "bob", "brian", "carlos", "carol", "catherine", "charles", "chris", "christian", "christina", "christopher",
    "claire", "daniel", "david", "deborah", "diana", "donald", "dorothy", "edward", "elena", "elizabeth", "emily", "emma", "eric", "eva", "fatima",
    "frank", "gary", "george", "hannah", "helen", "henry", "ian", "isabella", "jack", "jacob", "james", "jane", "jason", "jeff", "jennifer",
    "jessica", "joe", "john", "jonathan", "jose", "joseph", "joshua", "juan", "julia", "karen", "kate", "kevin", "laura", "linda", "lisa",
    "lucas", "luis", "maria", "mark", "martin", "mary", "matthew", "michael", "michelle", "mike", "mohammed", "muhammad", "nancy", "nicole",
    "oliver", "olivia", "patricia", "paul", "peter", "rachel", "rebecca", "richard", "robert", "sam", "sandra", "sarah", "scott", "sophia",
    "sophie", "stephen", "steve", "susan", "thomas", "tim", "tom", "victoria", "william", "wei", "yuki",
];

/// Capitalised words that follow the cues without being names.
const NOT_NAMES: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "i", "he", "she", "we", "they", "it", "you", "your", "my", "our", "his", "her", "their",
    "sir", "madam", "maam", "team", "all", "everyone", "everybody", "there", "guys", "folks", "friends", "customer", "customers", "support",
    "manager", "sorry", "not", "here", "going", "happy", "glad", "so", "very", "just", "also", "still", "now", "new", "good", "fine", "sure",
    "ok", "okay", "yes", "no", "hello", "hi", "thanks", "thank", "please", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "god", "lord", "john doe", "jane doe", "user", "admin", "name", "unknown", "nan", "none", "null", "true", "false", "mr", "mrs", "ms", "dr",
    "and", "or", "of", "in", "on", "at", "to", "for", "with", "is", "was", "will", "would", "can", "could", "should", "writing", "looking",
    "trying", "interested", "available", "working", "ready", "able", "aware", "afraid", "what", "who", "how", "why", "when", "where",
    "but", "because", "which", "from", "as", "by", "if", "then", "than", "are", "be", "been", "has", "have", "had", "do", "does", "did",
];

/// Strong cues: what follows is a name even in lower case ("my name is jillian capon").
const STRONG: &str = concat!(
    r"(?i:\b(?:my (?:full |first |last |maiden )?name(?: is|'s|:)|(?:full |first |last |maiden |legal |patient |customer |client |account |",
    r"employee |applicant |contact )?name\s*:|(?:her|his|their) maiden name is|what's your (?:full |first |last )?name\?|",
    r"(?:the |my |our )?name (?:in|on) (?:the|my|our) (?:account|card|booking|reservation|ticket|passport)[a-zA-Z0-9 ,'-]{0,40}?(?:change|correct|update) it to|",
    r"patient:|customer:|client:|employee:|applicant:|account holder:|cardholder:|beneficiary:|attn:)[ \t]*)",
);

/// Weak cues: a capitalised name must follow.
const WEAK: &str = concat!(
    r"(?m:^[ \t]*Dear[ \t]+)|",
    r"(?i:\b(?:i\\?'m|i am|this is|call me|everyone calls me|named (?:him|her|them)|sincerely,|regards,|best,|thanks,|cheers,)\s+)|",
    r"(?i:\b(?:my|our) (?:wife|husband|son|daughter|kid|child|mother|father|mom|mum|dad|brother|sister|partner|friend|boss|manager|",
    r"colleague|neighbou?r|grandfather|grandmother|grandpa|grandma|uncle|aunt|cousin|nephew|niece|fianc(?:e|ee|é|ée)|girlfriend|boyfriend|",
    r"doctor|lawyer|tenant|landlord|client|customer|patient|employee|guardian|child's|partner's|great great grandfather|great great grandmother)",
    r"(?:'s name)?(?: is| was|,|:)?(?: named| called)?\s+)|",
    r"(?i:\b(?:add|remove)(?: my \w+)?\s+)",
);

/// Courtesy titles before a capitalised name.
const TITLE_RE: &str = r"(?i:\b(?:mr|mrs|ms|miss|mx|dr|prof)\.?[ \t]+)";

/// All cues in one automaton: one pass over the text instead of three.
static CUES: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(&format!("(?P<strong>{STRONG})|(?P<weak>{WEAK})|(?P<title>{TITLE_RE})")));

static TITLE: LazyLock<Option<Regex>> = LazyLock::new(|| super::compile(&format!("^{TITLE_RE}")));

/// `X's address / phone / …`: a possessive before a personal-data noun.
static POSSESSIVE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    super::compile(r"'s (?:address|home address|phone|phone number|mobile number|cell number|email|e-mail|SSN|social security|credit card|date of birth|salary|diagnosis|medical record|passport)\b")
});

/// A name-like token: a capitalised word (letters, apostrophes, hyphens), or lower case when
/// `any_case`; a single capital with a dot is an initial ("Ella H. Snider").
fn name_token(s: &str, any_case: bool) -> usize {
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else { return 0 };
    if !first.is_alphabetic() || !(any_case || first.is_uppercase()) {
        return 0;
    }
    let mut end = first.len_utf8();
    for (i, c) in chars {
        if c.is_alphabetic() || c == '\'' || c == '’' || c == '-' {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    if end == first.len_utf8() {
        // An initial, with or without its dot.
        return if first.is_uppercase() { end + usize::from(s[end..].starts_with('.')) } else { 0 };
    }
    // A trailing possessive or hyphen is not part of the name.
    let mut t = &s[..end];
    for suffix in ["'s", "’s", "'", "’", "-"] {
        if let Some(stripped) = t.strip_suffix(suffix) {
            t = stripped;
        }
    }
    t.len()
}

const PARTICLES: [&str; 12] = ["van", "von", "de", "da", "di", "del", "der", "den", "le", "la", "bin", "al"];

/// Up to four name tokens at the start of `s` (joined by single spaces, particles allowed).
/// Returns (byte length, number of tokens, first token).
fn name_at(s: &str, any_case: bool) -> Option<(usize, usize, &str)> {
    let mut pos = 0;
    let mut end = 0;
    let mut count = 0;
    let mut first = "";
    loop {
        let rest = &s[pos..];
        let len = name_token(rest, any_case);
        if len == 0 {
            break;
        }
        let tok = &rest[..len];
        let initial = tok.chars().count() <= 1 || tok.ends_with('.');
        let lower_after_capital = count > 0 && first.starts_with(char::is_uppercase) && tok.starts_with(char::is_lowercase);
        if NOT_NAMES.contains(&tok.to_lowercase().as_str()) || (count == 0 && initial) || lower_after_capital {
            break;
        }
        if count == 0 {
            first = tok;
        }
        count += 1;
        end = pos + len;
        if count == 4 || !s[end..].starts_with(' ') {
            break;
        }
        // Particles (van den, de la) continue a name.
        let after = &s[end + 1..];
        let particle = PARTICLES.iter().find(|p| after.starts_with(*p) && after[p.len()..].starts_with(' '));
        pos = match particle {
            Some(p) => end + 1 + p.len() + 1,
            None => end + 1,
        };
    }
    (count > 0).then_some((end, count, first))
}

fn is_given_name(tok: &str) -> bool {
    GIVEN_NAMES.contains(&tok.to_lowercase().as_str())
}

pub fn scan(text: &str, sink: &mut Sink) {
    if let Some(re) = CUES.as_ref() {
        for caps in re.captures_iter(text) {
            if let Some(m) = caps.name("strong") {
                strong(text, m, sink);
            } else if let Some(m) = caps.name("weak") {
                weak(text, m, sink);
            } else if let Some(m) = caps.name("title") {
                title(text, m, sink);
            }
        }
    }
    possessives(text, sink);
    near_other_identifiers(text, sink);
}

fn strong(text: &str, m: regex::Match, sink: &mut Sink) {
    {
        let rest = &text[m.end()..];
        // Lower-case names only after a first-person cue ("my name is jillian"); a `name:` field
        // in code or YAML (`name: build-image`) holds identifiers.
        let cue = m.as_str().to_ascii_lowercase();
        let lowercase_text = !super::window(text, m.start(), m.end(), 100, 100).bytes().any(|b| b.is_ascii_uppercase());
        let first_person = (cue.starts_with("my ") || cue.starts_with("what's your") || cue.contains(" it to")) && (lowercase_text || cue.starts_with("my "));
        let Some((len, count, first)) = name_at(rest, first_person) else { return };
        let after = &rest[len..];
        let field_value = after.is_empty() || after.starts_with(['\n', '\r', ',', '.', ';', '|']) || after.starts_with(" but") || after.starts_with(" and");
        if first_person || count >= 2 || is_given_name(first) || field_value {
            sink.add(text, PersonName, m.end(), m.end() + len, 0.85);
        }
    }
}

fn weak(text: &str, m: regex::Match, sink: &mut Sink) {
    {
        // "I\'m" in escaped strings (JSON or code pasted into a prompt) is "I'm".
        let cue = m.as_str().trim().to_ascii_lowercase().replace('\\', "");
        let rest = &text[m.end()..];
        // Optional title after the cue ("this is Mr. Tony Hussain").
        let head = &rest[..super::floor_boundary(rest, 12)];
        let (skip, titled) = TITLE.as_ref().and_then(|t| t.find(head)).map_or((0, false), |t| (t.end(), true));
        // Lower case is accepted where the cue leaves no doubt a name follows: after a title,
        // "…'s name", "named him", or "add … as guardian".
        let add_remove = cue.starts_with("add") || cue.starts_with("remove");
        // Lower-case names are only believable in all-lower-case text ("my name is jillian").
        let lowercase_text = !super::window(text, m.start(), m.end(), 100, 100).bytes().any(|b| b.is_ascii_uppercase());
        let any_case = lowercase_text && (titled || cue.ends_with("name") || cue.starts_with("named") || add_remove);
        let Some((len, count, first)) = name_at(&rest[skip..], any_case) else { return };
        let start = m.end() + skip;
        let after = &text[start + len..];
        let greeting = cue == "dear";
        let role_cue = !greeting && !matches!(cue.as_str(), "i'm" | "i am" | "this is" | "call me") && !cue.starts_with("named");
        let relation = ["'s daughter", "'s son", "'s wife", "'s husband", "'s mother", "'s father", "'s sister", "'s brother", "'s kid", "'s child"];
        let capitalised = first.starts_with(char::is_uppercase);
        let accept = if add_remove {
            after.starts_with(" as ") || (cue.contains(" my ") && capitalised)
        } else if cue.starts_with("named") || cue.ends_with("name") {
            true
        } else if (cue == "i'm" || cue == "i am") && relation.iter().any(|r| after.trim_start_matches('\\').starts_with(r)) {
            // "I'm Roberto's daughter": the speaker's own family.
            true
        } else if !capitalised {
            false
        } else if greeting {
            // A salutation ends with a comma, a colon or the line.
            after.starts_with(',') || after.starts_with(':') || after.starts_with('\n') || after.is_empty()
        } else if cue.ends_with(',') {
            // Signature: the name is alone on its line.
            after.is_empty() || after.starts_with('\n')
        } else if role_cue {
            count >= 2 || is_given_name(first) || titled || after.starts_with(" as ") || after.is_empty() || after.starts_with(['.', ',', '\n', '?'])
        } else {
            titled || count >= 2 || is_given_name(first)
        };
        if accept {
            sink.add(text, PersonName, start, start + len, if count >= 2 || titled { 0.75 } else { 0.6 });
        }
    }
}

/// "Mr. Tony Hussain", "Dr. Wells" — only when the text is about the person: a short message
/// that opens with the title-name, a salutation line ("Mr. Smith,"), or a self-introduction.
/// Mentions in articles and questions ("a letter from Dr. King", "Mr Spicer, who…") stay public.
fn title(text: &str, m: regex::Match, sink: &mut Sink) {
    {
        let line_start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let at_line_start = text[line_start..m.start()].trim().is_empty();
        let rest = &text[m.end()..];
        let lowercase_text = !super::window(text, m.start(), m.end(), 100, 100).bytes().any(|b| b.is_ascii_uppercase());
        let Some((len, _, _)) = name_at(rest, lowercase_text) else { return };
        let after = &rest[len..];
        let addressed = at_line_start && (after == "," || after.starts_with(",\n") || after.starts_with(",\r"));
        let self_intro = text[line_start..m.start()].to_ascii_lowercase().trim_end().ends_with("this is");
        if addressed || self_intro {
            sink.add(text, PersonName, m.start(), m.end() + len, 0.7);
        }
    }
}

/// "Rebecca's address", "send it to Tom's phone".
fn possessives(text: &str, sink: &mut Sink) {
    if !text.contains('\'') {
        return;
    }
    let Some(re) = POSSESSIVE.as_ref() else { return };
    for m in re.find_iter(text) {
        // Walk back over up to three capitalised words.
        let before = &text[..m.start()];
        let mut start = m.start();
        let mut words = 0;
        for w in before.rsplit(' ').take(3) {
            if w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || c == '-') {
                start -= w.len() + usize::from(start != m.start());
                words += 1;
            } else {
                break;
            }
        }
        let start = start.min(m.start());
        if words > 0 && m.start() - start >= 2 && !NOT_NAMES.contains(&text[start..m.start()].trim().to_lowercase().as_str()) {
            let s = start + text[start..m.start()].len() - text[start..m.start()].trim_start().len();
            sink.add(text, PersonName, s, m.start(), 0.7);
        }
    }
}

/// Contact blocks: a line that is only a capitalised name, within three lines before or after
/// an e-mail, phone, address or card finding. This never makes a public text personal (an
/// identifier was already found); it names whose data it is.
fn near_other_identifiers(text: &str, sink: &mut Sink) {
    let anchors: Vec<usize> = sink.found().iter().filter(|f| f.entity.data_class() == sluice_domain::policy::DataClass::Pii && f.entity != PersonName).map(|f| f.start).collect();
    if anchors.is_empty() {
        return;
    }
    let mut line_start = 0;
    for line in text.split('\n') {
        let trimmed = line.trim_start_matches([' ', '\t', '>', '?', '*', '-', '•']).trim_end();
        let offset = line_start + (line.len() - line.trim_start_matches([' ', '\t', '>', '?', '*', '-', '•']).len());
        if let Some((len, count, _)) = name_at(trimmed, false) {
            let whole_line = len == trimmed.len() || trimmed[len..].starts_with(',');
            let near = anchors.iter().any(|&a| {
                let lo = text[..line_start].rmatch_indices('\n').nth(3).map_or(0, |(i, _)| i);
                let hi = text[line_start..].match_indices('\n').nth(3).map_or(text.len(), |(i, _)| line_start + i);
                (lo..hi).contains(&a)
            });
            if whole_line && count >= 2 && near && !sink.covered(offset, offset + len) {
                sink.add(text, PersonName, offset, offset + len, 0.6);
            }
        }
        line_start += line.len() + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{EntityType, Finding};

    fn names(text: &str) -> Vec<String> {
        let mut out: Vec<Finding> = Vec::new();
        super::super::scan_text(text, 0, &mut out);
        out.iter().filter(|f| f.entity == EntityType::PersonName).map(|f| text[f.start..f.end].to_string()).collect()
    }

    #[test]
    fn regexes_compile() {
        assert!(CUES.is_some() && TITLE.is_some() && POSSESSIVE.is_some());
    }

    #[test]
    fn names_with_personal_context() {
        assert_eq!(names("My name is Sean Pettersson but everyone calls me Darcy")[0], "Sean Pettersson");
        assert_eq!(names("my name is jillian capon"), vec!["jillian capon"]);
        assert_eq!(names("Date: 2020-06-20\nName: Kamila Červinková\nPhone: 451 5986"), vec!["Kamila Červinková"]);
        assert_eq!(names("Dear Ms. Alvarez,\nthanks"), vec!["Alvarez"]);
        assert_eq!(names("Hello, this is Mr. Tony Hussain. Who are you?"), vec!["Mr. Tony Hussain"]);
        assert_eq!(names("Will my account stay active? It's under my partner's name Cameron Szalai"), vec!["Cameron Szalai"]);
        assert_eq!(names("As promised, here's Rebecca's address"), vec!["Rebecca"]);
        assert_eq!(names("She named him Theodor"), vec!["Theodor"]);
        assert_eq!(names("Freja Clausen\nOpencounter\n83854 Strickstrasse 61"), vec!["Freja Clausen"]);
        assert_eq!(names("Best regards,\nHelga Nordmann"), vec!["Helga Nordmann"]);
    }

    #[test]
    fn public_figures_and_prose_stay_public() {
        assert!(names("Thomas Jefferson wrote the Declaration of Independence in 1776.").is_empty());
        assert!(names("Which of the following did Dr. Martin Luther King Jr. advocate?").is_empty());
        assert!(names("I'm Sorry, I am interested in the course.").is_empty());
        assert!(names("Hi there, can you help me?").is_empty());
        assert!(names("This is Python code that prints the list.").is_empty());
        assert!(names("A company called Acme makes anvils.").is_empty());
        // A full name in a one-line message is flagged since `people` (short messages are
        // usually about someone the user knows); fiction in longer texts stays public.
        assert_eq!(names("In Tokyo a young girl named Noriko Shimabara runs away."), vec!["Noriko Shimabara"]);
        assert!(names("Mr Spicer, who did not take questions, said the crowd was the largest ever.").is_empty());
        // Flagged since `people`: in a one-line message a full name is treated as a person's data.
        assert_eq!(names("USGS employee Don Swanson names him as a worker."), vec!["Don Swanson"]);
    }

    #[test]
    fn escaped_quotes_and_lower_case_titles() {
        // A dialogue pasted from an escaped string: "I\'m Mary\'s daughter".
        assert_eq!(names(r#"Kalman: \"Who are you?\"\nJordan:\"I\'m Mary\'s daughter\"."#), vec!["Mary"]);
        assert_eq!(names("mr. elliott flew to oslo on friday morning."), vec!["mr. elliott"]);
        assert!(names("mr. who is a show.").is_empty());
    }

    #[test]
    fn multibyte_names_have_char_boundary_spans() {
        let found = names("Name: Ølaf Ñúñez-Ærø\n");
        assert_eq!(found, vec!["Ølaf Ñúñez-Ærø"]);
    }
}
