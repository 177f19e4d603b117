//! What the mock does, call by call. A [`Script`] is a sequence of [`Behaviour`]s consumed by
//! successive calls (chat and embeddings alike), then a default behaviour for every call after
//! it — or, with `cycle`, the sequence again. Every field has a default, so a script in JSON names
//! only what a test cares about: `{"steps": [{"status": 429, "retry_after": "1"}, {"status": 500}]}`.

use serde::{Deserialize, Serialize};

/// The usage the mock reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MockUsage {
    /// A `usage` object with these counts (zeros are sent as explicit zeros).
    Report {
        prompt_tokens: u32,
        completion_tokens: u32,
        #[serde(default)]
        cached_tokens: u32,
    },
    /// No `usage` at all: no usage chunk in a stream, no `usage` field in JSON.
    Omit,
}

impl Default for MockUsage {
    fn default() -> Self {
        Self::Report { prompt_tokens: 10, completion_tokens: 20, cached_tokens: 0 }
    }
}

/// How one call is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Behaviour {
    /// HTTP status; anything but 2xx answers with an OpenAI-shaped error body.
    pub status: u16,
    /// `Retry-After` header value, sent as is (seconds or an HTTP date).
    pub retry_after: Option<String>,
    /// `error.message` of an error body.
    pub error_message: Option<String>,
    /// Delay before the response headers.
    pub latency_ms: u64,
    /// Delay before each SSE chunk after the first.
    pub chunk_interval_ms: u64,
    /// Never answer: no headers, no bytes, until the caller gives up.
    pub hang: bool,
    /// Send the headers and this many chunks, then nothing more (the connection stays open).
    pub stall_after_chunks: Option<usize>,
    /// Send the headers and this many chunks, then drop the connection mid-body.
    pub cut_after_chunks: Option<usize>,
    pub usage: MockUsage,
    /// The assistant's reply; streamed one word per chunk.
    pub reply: String,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            status: 200,
            retry_after: None,
            error_message: None,
            latency_ms: 0,
            chunk_interval_ms: 0,
            hang: false,
            stall_after_chunks: None,
            cut_after_chunks: None,
            usage: MockUsage::default(),
            reply: "Hello from the mock upstream.".to_owned(),
        }
    }
}

impl Behaviour {
    pub fn ok() -> Self {
        Self::default()
    }

    /// An error answer with this status.
    pub fn status(status: u16) -> Self {
        Self { status, ..Self::default() }
    }

    pub fn with_retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.error_message = Some(message.into());
        self
    }

    pub fn with_usage(mut self, prompt_tokens: u32, completion_tokens: u32) -> Self {
        self.usage = MockUsage::Report { prompt_tokens, completion_tokens, cached_tokens: 0 };
        self
    }

    pub fn without_usage(mut self) -> Self {
        self.usage = MockUsage::Omit;
        self
    }

    pub fn hang() -> Self {
        Self { hang: true, ..Self::default() }
    }

    pub fn cut_after(chunks: usize) -> Self {
        Self { cut_after_chunks: Some(chunks), ..Self::default() }
    }

    pub fn stall_after(chunks: usize) -> Self {
        Self { stall_after_chunks: Some(chunks), ..Self::default() }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Behaviours for successive calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Script {
    /// One behaviour per call, in order.
    pub steps: Vec<Behaviour>,
    /// After the last step: start over (true) or answer every further call with `then` (false).
    pub cycle: bool,
    pub then: Behaviour,
}

impl Script {
    /// Every call answered the same way.
    pub fn always(behaviour: Behaviour) -> Self {
        Self { steps: Vec::new(), cycle: false, then: behaviour }
    }

    /// These behaviours in order, then `ok` for every later call.
    pub fn sequence(steps: impl IntoIterator<Item = Behaviour>) -> Self {
        Self { steps: steps.into_iter().collect(), cycle: false, then: Behaviour::ok() }
    }

    /// The behaviour for the call with this zero-based index.
    pub fn behaviour_for(&self, call: usize) -> &Behaviour {
        match self.steps.len() {
            0 => &self.then,
            len if call < len => &self.steps[call],
            len if self.cycle => &self.steps[call % len],
            _ => &self.then,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_then_default_or_cycle() {
        let mut script = Script::sequence([Behaviour::status(429), Behaviour::status(500)]);
        let statuses: Vec<u16> = (0..4).map(|i| script.behaviour_for(i).status).collect();
        assert_eq!(statuses, [429, 500, 200, 200]);
        script.cycle = true;
        let statuses: Vec<u16> = (0..4).map(|i| script.behaviour_for(i).status).collect();
        assert_eq!(statuses, [429, 500, 429, 500]);
    }

    #[test]
    fn json_scripts_name_only_what_matters() {
        let script: Script = serde_json::from_str(r#"{"steps": [{"status": 429, "retry_after": "1"}, {"usage": "omit"}],
            "then": {"usage": {"report": {"prompt_tokens": 0, "completion_tokens": 0}}}}"#)
        .unwrap();
        assert_eq!(script.steps[0], Behaviour::status(429).with_retry_after("1"));
        assert_eq!(script.steps[1].usage, MockUsage::Omit);
        assert_eq!(script.then.usage, MockUsage::Report { prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0 });
        assert!(serde_json::from_str::<Script>(r#"{"steps": [{"stauts": 1}]}"#).is_err(), "typos are refused");
    }
}
