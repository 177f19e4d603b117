//! End-to-end checks over `scan_text` / `scan` and the span invariants every detector must keep.

use proptest::prelude::*;
use sluice_domain::policy::DataClass;

use super::*;
use crate::entity::class_of;

fn class(text: &str) -> DataClass {
    class_of(&scan(&RequestView::from_prompt(text), None))
}

#[test]
fn ordinary_prompts_are_public() {
    for text in [
        "Which of the following best describes the role of Thomas Jefferson in 1776?\nA. Author\nB. General\nAnswer:",
        "Write a Python function that returns the 10th Fibonacci number; version 3.11.4 please.",
        "The color #ff00aa and uuid 123e4567-e89b-12d3-a456-426614174000 are constants.",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
        "git commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed the build on 2024-03-01.",
        "Solve 3x + 5 = 20 and compute 1234 * 5678 = 7006652.",
        "Enter your password below and press the key to continue.",
    ] {
        assert_eq!(class(text), DataClass::Public, "{text}");
    }
}

#[test]
fn classes_follow_the_strongest_finding() {
    assert_eq!(class("Email me at LarsWiik@jourrapide.com"), DataClass::Pii);
    assert_eq!(class("card 4539 1488 0343 6467 and key sk-proj-qa25MV9c7Qu0EjDIEWdcT3BlbkFJ83uCF0K4yw7RzpY39bio"), DataClass::Secret);
}

#[test]
fn org_terms_are_scanned_per_segment() {
    let org = OrgTerms::compile(&sluice_domain::policy::ConfidentialTerms { keywords: vec!["Apollo".into()], patterns: vec![] }).unwrap();
    let findings = scan(&RequestView::from_prompt("status of apollo?"), Some(&org));
    assert_eq!(class_of(&findings), DataClass::Confidential);
}

#[test]
fn findings_are_sorted_and_not_nested_within_the_same_type() {
    let mut out = Vec::new();
    scan_text("Dear Mr. John Smith, call +1-555-201-3344 or mail js@mailhost.org", 2, &mut out);
    assert!(out.windows(2).all(|w| (w[0].start, w[0].end) <= (w[1].start, w[1].end) || w[0].start < w[1].start));
    for a in &out {
        assert_eq!(a.segment, 2);
        assert!(!out.iter().any(|b| !std::ptr::eq(a, b) && a.entity == b.entity && b.start <= a.start && a.end <= b.end));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scan_text_never_panics_and_spans_are_char_boundaries(text in any::<String>()) {
        let mut out = Vec::new();
        scan_text(&text, 0, &mut out);
        for f in &out {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert!(f.confidence > 0.0 && f.confidence <= 1.0);
        }
    }

    #[test]
    fn structured_noise_never_panics(text in r"([A-Za-z0-9 @:=/+._\-'\x22\n<>{}()#ü€\u{a0}\u{2028}\u{3000}]|password|key|sk-|eyJ|-----BEGIN |Street|Apt\. |my name is |Mr\. |lives at ){0,80}") {
        let mut out = Vec::new();
        scan_text(&text, 1, &mut out);
        for f in &out {
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end) && f.start < f.end);
        }
    }
}


fn person_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan_text(text, 0, &mut out);
    out.iter().filter(|f| f.entity == EntityType::PersonName).map(|f| text[f.start..f.end].to_string()).collect()
}

fn addresses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan_text(text, 0, &mut out);
    out.iter().filter(|f| f.entity == EntityType::StreetAddress).map(|f| text[f.start..f.end].to_string()).collect()
}

#[test]
fn names_in_short_messages_without_cues() {
    // Written for these tests, not taken from the evaluation data.
    assert_eq!(person_names("Can you remind Priya Raghunathan about the meeting?"), vec!["Priya Raghunathan"]);
    assert_eq!(person_names("I had lunch with Tomasz Wiśniewski yesterday"), vec!["Tomasz Wiśniewski"]);
    assert_eq!(person_names("Ms. Okafor will be late"), vec!["Ms. Okafor"]);
    assert_eq!(person_names("Please forward this to Anneke van der Berg"), vec!["Anneke van der Berg"]);
    assert_eq!(person_names("\"That's enough,\" said Ingrid."), vec!["Ingrid"]);
    assert_eq!(person_names("Why is Kowalczyk always late?"), vec!["Kowalczyk"]);
    assert_eq!(person_names("Did you read the Haraldsson novel?"), vec!["Haraldsson"]);
    assert_eq!(person_names("Fatima is from the Lagos office"), vec!["Fatima"]);
    assert_eq!(person_names("send the photos to yusuf demir tonight"), vec!["yusuf demir"]);
}

#[test]
fn short_texts_without_people_stay_public() {
    for text in [
        "What is the capital of Australia? Sydney or Canberra?",
        "Compare the Tesla Model 3 with the Toyota Corolla.",
        "We moved here from Pelhrimov last year.",
        "Explain the Phillips curve in two sentences.",
        "Is Microsoft Teams better than Google Meet?",
        "Write a haiku about Paris in the Spring.",
        "What if Isaac Newton had never been born?",
        "Berkshire Hathaway Investments is a holding company.",
        "Who won: Which of these is a prime?\nA. Smith\nB. Jones\nC. Taylor\nD. Brown",
    ] {
        assert!(person_names(text).is_empty(), "{text}: {:?}", person_names(text));
    }
}

#[test]
fn long_documents_need_a_cue_for_names() {
    let article = format!("{} Maria Gonzalez, a spokeswoman, declined to comment on the merger.", "The board met on Monday to discuss the quarterly results. ".repeat(6));
    assert!(person_names(&article).is_empty());
    let letter = format!("{} My name is Maria Gonzalez.", "The board met on Monday to discuss the quarterly results. ".repeat(6));
    assert_eq!(person_names(&letter), vec!["Maria Gonzalez"]);
}

#[test]
fn postal_codes_after_their_name() {
    assert_eq!(addresses("my zip code is 60614"), vec!["60614"]);
    assert_eq!(addresses("Postcode: 10115, Berlin"), vec!["10115"]);
    assert!(addresses("The zip file is 20480 bytes").is_empty());
    assert!(addresses("There were 60614 visitors").is_empty());
}

fn street(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan_text(text, 0, &mut out);
    out.iter().filter(|f| f.entity == EntityType::StreetAddress).map(|f| text[f.start..f.end].to_string()).collect()
}

#[test]
fn addresses_in_prose_of_several_countries() {
    for (text, part) in [
        ("The song is named after 12 Elm St street in Dayton, where the band rehearsed.", "12 Elm St"),
        ("Our studio moved to 48 Kingfisher Crescent last spring.", "48 Kingfisher Crescent"),
        ("Die Wohnung liegt in der Hauptstraße 5 im zweiten Stock.", "Hauptstraße 5"),
        ("We stayed at Gumpendorfer Strasse 44 for a week.", "Gumpendorfer Strasse 44"),
        ("Het kantoor zit op Prinsengracht 263 in het centrum.", "Prinsengracht 263"),
        ("La tienda está en Calle Mayor 12, junto a la plaza.", "Calle Mayor 12"),
        ("Ci vediamo in Via Roma 3 alle otto.", "Via Roma 3"),
        ("Le bureau est au 12 rue de la Paix depuis des années.", "12 rue de la Paix"),
        ("A loja fica na Rua Augusta 210 perto do rio.", "Rua Augusta 210"),
        ("Send the form to Postfach 1120 before Friday.", "Postfach 1120"),
        ("Please forward it to P.O. Box 417, Springfield.", "P.O. Box 417"),
        ("The meeting was held at Király u. 23. in the old town.", "Király u. 23."),
    ] {
        let found = street(text);
        assert!(found.iter().any(|f| f.contains(part)), "{text}: {found:?}");
    }
}

#[test]
fn street_like_words_that_are_not_addresses() {
    for text in [
        "Route 66 crosses eight states.",
        "Highway 1 is scenic along the coast.",
        "Chapter 12 Street Art covers murals.",
        "Upgrade to version 2 Drive support soon.",
        "Fifth Avenue is famous for its shops.",
        "Connect via Port 22 and then run the script.",
        "Ron's garden has 42 plants. Each row has 7 plants.",
        "In September 1930 he moved into a flat at 12a Tite Street in Chelsea.",
        "Numbers one to 31 Caledonia Place are listed buildings.",
        "In 1995 Main Street was repaved.",
        "Which of the following is an absolute location?\nA. Near the river\nB. Ohio\nC. Far north\nD. 52 Birch Street, Dayton",
    ] {
        assert!(street(text).is_empty(), "{text}: {:?}", street(text));
    }
}

#[test]
fn address_blocks_take_in_the_building_number_and_the_postcode_line() {
    let text = "Ingrid Moe\n> 412 18 Linden Terrace\n> Flat 2\n> Tromsø\n> Norway 9008\n\nThanks!";
    let found = street(text);
    assert!(found.iter().any(|f| f.starts_with("412 18 Linden Terrace") && f.ends_with("Norway 9008")), "{found:?}");
    let uk = "Flat 3, 21 Baker Street\nLondon NW1 6XE";
    assert!(street(uk).iter().any(|f| f.contains("21 Baker Street") && f.ends_with("NW1 6XE")), "{:?}", street(uk));
    // Without a postcode line the block is not extended into the next paragraph.
    let text = "Ship it to 7 Orchard Lane\nthanks a lot for all the help";
    assert!(street(text).iter().all(|f| !f.contains("thanks")), "{:?}", street(text));
}

fn people(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan_text(text, 0, &mut out);
    out.iter().filter(|f| f.entity == EntityType::PersonName).map(|f| text[f.start..f.end].to_string()).collect()
}

#[test]
fn knowledge_and_comprehension_questions_are_not_about_private_people() {
    for text in [
        "Who was painted first, Greta Lindqvist or Tomasz Wolanski?",
        "Were both Henrik Dalgaard and Oskar Brennan sculptors?",
        "Ingrid spilled coffee on the laptop during the meeting.\nWhy did Ingrid do this?",
        "\"We will appeal,\" club spokesman Henrik Dalgaard said on Monday.",
    ] {
        assert!(people(text).is_empty(), "{text}: {:?}", people(text));
    }
    // Still a person: a bare question, a question the user asks about someone they know, and
    // a name only mentioned before an unrelated question.
    for text in [
        "Why is Ingrid so impulsive?",
        "Can you tell me why Ingrid Solberg never replied?",
        "We read the verses from Yuri Bulgakov's notebook. Is there a better example than early Bulgakov?",
    ] {
        assert!(!people(text).is_empty(), "{text}");
    }
}

#[test]
fn street_names_without_a_number_only_next_to_an_address() {
    let text = "Our rehearsal room is at 14 Quarry Lane, two blocks from Marlow Bridge Road.";
    assert!(street(text).iter().any(|f| f == "Marlow Bridge Road"), "{:?}", street(text));
    assert!(street("Fifth Avenue is famous for its shops, and so is Abbey Road.").is_empty());
    assert!(street("Sie wohnt am Paul-Lincke-Platz 7 im Hinterhaus.").iter().any(|f| f.contains("Paul-Lincke-Platz 7")));
    let text = "We'll meet Friday at Norvale Ltd, 17 P.O. Box 220, Ilulissat";
    assert!(street(text).iter().any(|f| f.starts_with("17 P.O. Box 220")), "{:?}", street(text));
}
