//! OpenAI chat-completions and Anthropic messages request bodies, as clients send them, through
//! the router's reading of a body (`RequestView`: every text a provider would see — system
//! prompt, messages, content parts, tool calls and results) and the full classification on it.
//! Must hold: no panic and bounded memory on any JSON object (deep nesting stops at serde_json's
//! recursion limit before the router sees it); every finding lies inside the text it names, on
//! character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use sluice_router::classify::classify;
use sluice_router::request::RequestView;

fn check(view: &RequestView) {
    let classification = classify(view, None);
    for f in &classification.findings {
        let text: &str = view.segments[f.segment].text.as_ref();
        assert!(f.start < f.end && text.get(f.start..f.end).is_some(), "finding {f:?} outside its text");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<Map<String, Value>>(data) else { return };
    check(&RequestView::from_openai(&body));
    check(&RequestView::from_anthropic(&body));
});
