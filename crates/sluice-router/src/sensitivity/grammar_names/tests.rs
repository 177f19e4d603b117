//! The grammar rules end to end through `scan_text`, with names made up for the tests.

use crate::entity::{EntityType, Finding};

fn names(text: &str) -> Vec<String> {
    let mut out: Vec<Finding> = Vec::new();
    crate::sensitivity::scan_text(text, 0, &mut out);
    out.iter().filter(|f| f.entity == EntityType::PersonName).map(|f| text[f.start..f.end].to_string()).collect()
}

#[test]
fn regexes_compile() {
    assert!(super::ATTRIBUTION.is_some() && super::SPOKE_TO.is_some() && super::LIST.is_some());
    assert!(super::FORMER_MEMBER.is_some() && super::CREDIT.is_some());
    assert!(super::VOCATIVE.is_some() && super::FROM.is_some() && super::AUTHORED.is_some() && super::INTRODUCED_SPEAKER.is_some());
}

#[test]
fn speakers_of_quotations_are_people() {
    let long = "x".repeat(400);
    assert_eq!(names(&format!("{long}. \"It was late,\" says Oberholzer-Keanu.")), vec!["Oberholzer-Keanu"]);
    assert_eq!(names("\"i'm glad to hear that,\" says vandemoortel."), vec!["vandemoortel"]);
    assert_eq!(names("I'm so jealous! said Qwilla to Brannoc"), vec!["Qwilla", "Brannoc"]);
    // Articles are longer than a paragraph: their quoted speakers are left alone.
    let article = "y".repeat(600);
    assert!(names(&format!("{article}. \"It was late,\" says Oberholzer-Keanu.")).is_empty());
    // No quotation or sentence end before the verb: not an attribution.
    assert!(names("The manual says Python is the default interpreter.").is_empty());
}

#[test]
fn lists_need_known_names() {
    assert_eq!(names("Our founders: Zarvoski, Peterson and Garcia."), vec!["Zarvoski", "Peterson", "Garcia"]);
    assert_eq!(names("The best songs? Quellmar and Murphy were precision engineers."), vec!["Quellmar", "Murphy"]);
    assert!(names("We support Python, Java and Rust.").is_empty());
    assert!(names("She moved between Paris, Berlin and Madrid.").is_empty());
    // Given names only (story characters), firms, citations and longer names are not lists of people.
    assert!(names("Suppose that Alice and Bob sent a message.").is_empty());
    assert!(names("Lopez, Santos and Coleman is a design agency.").is_empty());
    assert!(names("As shown by Hersey and Blanchard (1969), leaders adapt.").is_empty());
    assert!(names("We met the Davis, Reynolds and Williamson Orchestra.").is_empty());
}

#[test]
fn former_members_credits_and_addressees() {
    assert_eq!(names("This song by ex-Zombie Vrellik is great."), vec!["Vrellik"]);
    assert_eq!(names("Comedy, Kids & Family\nDirected By:    Orrin Vaskel"), vec!["Orrin Vaskel"]);
    assert!(names("A comedy film directed by Orrin Vaskel.").is_empty());
    assert_eq!(names("Kowalczyk shouted at Katie: \"Go!\""), vec!["Kowalczyk", "Katie"]);
    assert!(names("The film was directed by the studio.").is_empty());
    assert_eq!(names("Qorvath shouted at Belinne: \"Stop!\""), vec!["Qorvath", "Belinne"]);
}

#[test]
fn introductions_and_authored_works() {
    assert_eq!(names("Tamsk is from Vortexa Analytics"), vec!["Tamsk"]);
    assert!(names("This is from Kaggle").is_empty());
    assert_eq!(names("Remember me, Margaret? I was there."), vec!["Margaret"]);
    assert!(names("Have you been to the museum in Lisbon, Portugal?").is_empty());
    assert_eq!(names("Unlike the Varnholt novel, it is short."), vec!["Varnholt"]);
    assert_eq!(names("Orla Brennick, the Packager, said: \"fine\""), vec!["Orla Brennick"]);
}
