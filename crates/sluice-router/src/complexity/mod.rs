//! Complexity: features of a request → a score in [0, 1] → a task tier.
//!
//! SCAFFOLD: the feature extractor and learned weights are being written; until then every
//! request scores 0.

use sluice_domain::policy::TaskTier;

use crate::request::RequestView;

/// Score from which a request is `complex` when the policy sets no threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// A feature that moved the score, for the decision's reasons.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Signal {
    pub feature: &'static str,
    /// Contribution to the model's logit (positive = towards complex).
    pub contribution: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assessment {
    pub score: f64,
    /// The strongest contributions, largest magnitude first (at most a handful).
    pub signals: Vec<Signal>,
}

impl Assessment {
    /// The tier at an operator's threshold.
    pub fn tier(&self, threshold: f64) -> TaskTier {
        if self.score >= threshold { TaskTier::Complex } else { TaskTier::Simple }
    }
}

pub fn assess(_view: &RequestView) -> Assessment {
    Assessment { score: 0.0, signals: Vec::new() }
}
