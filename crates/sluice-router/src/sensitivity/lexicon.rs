//! Common given names and surnames (`name_lexicon.txt`, typed from general knowledge), looked
//! up case-insensitively without allocating, plus a shape test for surnames the list misses.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct NameKind {
    pub given: bool,
    pub surname: bool,
    /// Also an everyday word or a very short token ("Will", "Brown", "Li"): only counts next to
    /// another name token.
    pub ambiguous: bool,
}

/// Lexicon entries that are also common English words, places or very short: a capitalised one
/// alone is not evidence of a person.
const AMBIGUOUS: &str = "jordan austin grace amber crystal holly sydney madison chelsea frank said sultan dan van lan min
li yu bo ping per tor thor ola jan liv lone sami ali amit ren rin ryo hong gang tao lei hui anh dung jack christian kai
mark will may rose long page day black gray price ward wood hunt rice grant stone berry lane fox weaver little love ball
cross mann moss farmer cannon flowers bush hardy sharp bass marsh park pope french hall bell cook reed king young white
brown green mills banks rich baker turner miller walker carter parker hunter porter fisher mason knight gardner payne
pierce ray burns lucas dean bishop bates hale hill cole west wells rogers powers sims holmes moody summers guerra villa
serra testa fiore conte sala monti leone gatti bravo parra franco crespo mora rubio pardo blanco gil rios lima melo dias
campos neves rocha cruz matos reis marques nunes pinto costa sun song moon kim lee han son nam oh ha ko mori ono abe ota
hara kubo imai chiba bose das sen jain rao roy shah khan ma he hu xu du ye lu su fu bai jin lin ng ho lau ahn do vo ly le
tan teo koh sim low goh ong zulu obi eze haas horn graf engel busch sauer winter sommer stein vogt roth beck lang jung
hahn kraus otto wolf klein braun lange fuchs kaiser simon vincent martin thomas henry lambert marie jean paul george
francis joseph daniel douglas gordon norman curtis wade terry dennis roger tyler logan owen morgan taylor kelly ryan
bryan dale glenn march august june april worth bond church field fields street holland english israel china india
mercedes dolores angel victoria florence paris lourdes santiago salvador jesus de da di del der den la bin al ana
ann sara mia eva liv kari britt siri lena ella lily lucy molly poppy ruby jade pearl iris ivy daisy hazel olive
violet summer autumn dawn faith hope joy chance cash duke earl major judge bishop dean sterling royal noble
genesis destiny trinity serenity harper miles luna stella willow piper kennedy lincoln hudson bentley cole reid rex
chase hunter brooke paisley ebony jasmine marshall nelson sherman milton chester percy ted sidney chad travis lance
troy irving luther otis felix hugo can cem aoi emi luz noor ama kiara mario andre wade ross joel kirk seth neil
preston quentin marcus lewis spencer parker xavier reagan riley quinn savannah scarlett layla skylar nora vera alla
inna yan hao jie ming jun yong jian chen jing xin ling yi na avi noa ren mei yui hina rosa pearl clara nick matt
beth meg jen liz sam jess";

static LEXICON: LazyLock<HashMap<&'static str, NameKind>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, NameKind> = HashMap::with_capacity(4096);
    let mut given = true;
    for line in include_str!("name_lexicon.txt").lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        match line {
            "[given]" => given = true,
            "[surname]" => given = false,
            _ => {
                for w in line.split_whitespace() {
                    let e = map.entry(w).or_default();
                    if given { e.given = true } else { e.surname = true }
                }
            }
        }
    }
    for w in AMBIGUOUS.split_whitespace() {
        map.entry(w).or_default().ambiguous = true;
    }
    map
});

/// Lower-cases `tok` into `buf` (no allocation); None when it does not fit.
fn lower_into<'b>(tok: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    let mut n = 0;
    for c in tok.chars().flat_map(char::to_lowercase) {
        let len = c.len_utf8();
        if n + len > buf.len() {
            return None;
        }
        c.encode_utf8(&mut buf[n..n + len]);
        n += len;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// The lexicon's view of a token (a possessive `'s` is ignored). Unknown tokens give None.
pub(crate) fn kind(tok: &str) -> Option<NameKind> {
    let tok = strip_possessive(tok);
    let mut buf = [0u8; 64];
    let lower = lower_into(tok, &mut buf)?;
    LEXICON.get(lower).copied().filter(|k| k.given || k.surname || k.ambiguous)
}

pub(crate) fn strip_possessive(tok: &str) -> &str {
    tok.strip_suffix("'s").or_else(|| tok.strip_suffix("’s")).or_else(|| tok.strip_suffix('\'')).unwrap_or(tok)
}

/// Whether a token is a known, unambiguous name (given or surname).
pub(crate) fn is_known(tok: &str) -> bool {
    kind(tok).is_some_and(|k| (k.given || k.surname) && !k.ambiguous)
}

/// Surname endings that are productive across languages (patronymics and family-name
/// suffixes: Scandinavian -sson/-sen/-dóttir, Slavic -ović/-ski/-ová/-enko, Greek -opoulos,
/// Georgian -shvili, Armenian -yan, Romanian -escu, Finnish -nen, Japanese -moto/-yama, …).
/// Only for unknown tokens of 6+ letters, which keeps short English words out.
const SURNAME_SUFFIXES: [&str; 46] = [
    "sson", "ssen", "dóttir", "dottir", "sdóttir", "ović", "ovic", "evic", "ević", "ić", "wski", "wska", "ski", "ska", "cki", "cka",
    "wicz", "vich", "ovich", "enko", "chuk", "czuk", "ová", "ov", "ova", "ev", "eva", "shvili", "idze", "yan", "escu",
    "opoulos", "poulos", "akis", "oglu", "oğlu", "inen", "ainen", "moto", "yama", "kawa", "mura", "shita", "saki", "uchi", "hashi",
];

pub(crate) fn surname_shape(tok: &str) -> bool {
    let tok = strip_possessive(tok);
    if tok.chars().count() < 6 || !tok.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'') {
        return false;
    }
    let mut buf = [0u8; 64];
    let Some(lower) = lower_into(tok, &mut buf) else { return false };
    // Place and everyday words with these endings.
    if ["alaska", "nebraska", "supernova", "casanova", "moldova", "kawasaki"].contains(&lower) || lower.ends_with("nova") || lower.ends_with("lesson") {
        return false;
    }
    SURNAME_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_fold_case_and_possessives() {
        assert!(is_known("Jennifer") && is_known("MÜLLER") && is_known("Nguyen's"));
        assert!(!is_known("Brown") && kind("Brown").is_some_and(|k| k.ambiguous));
        assert!(kind("Keyboard").is_none());
        assert!(surname_shape("Kowalewski") && surname_shape("Þorvaldsdóttir") && surname_shape("Takayama"));
        assert!(!surname_shape("Christian") && !surname_shape("Kiev") && !surname_shape("Tesla"));
    }
}
