//! The two API dialects the gateway speaks, on either side: what the caller sent (the surface)
//! and what the provider understands (its native dialect).

use sluice_domain::provider::ProviderKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// OpenAI chat completions (also vLLM, Ollama, llama.cpp and the demo provider).
    OpenAi,
    /// Anthropic messages.
    Anthropic,
}

impl Dialect {
    pub fn native_to(kind: ProviderKind) -> Self {
        match kind {
            ProviderKind::Anthropic => Self::Anthropic,
            ProviderKind::Openai | ProviderKind::OpenaiCompatible | ProviderKind::Demo => Self::OpenAi,
        }
    }
}
