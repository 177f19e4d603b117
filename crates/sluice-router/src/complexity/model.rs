//! The learned part of the classifier: a logistic regression over standardised features.
//!
//! logit = bias + Σᵢ weightᵢ · (xᵢ − meanᵢ) / scaleᵢ, score = sigmoid(logit).
//!
//! The weights live in `weights.json` next to this file, compiled into the binary with
//! `include_str!` and parsed once; nothing is downloaded or read at run time. They are produced
//! offline, deterministically (fixed fold assignment, full-batch gradient descent in a fixed
//! order, fixed iteration count), by:
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-cplx cargo run --release -p sluice-router --example train_complexity -- \
//!     /work/shared/data/complexity/*.jsonl > crates/sluice-router/src/complexity/weights.json
//! ```
//!
//! Re-running that command reproduces the committed file byte for byte (values are printed
//! rounded to 6 decimals, so last-bit float differences between machines do not show).

use serde::Deserialize;

use super::features::{FEATURES, NUM_FEATURES};

const EMBEDDED: &str = include_str!("weights.json");

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub bias: f64,
    pub mean: [f64; NUM_FEATURES],
    pub scale: [f64; NUM_FEATURES],
    pub weight: [f64; NUM_FEATURES],
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelError {
    #[error("weights file is not valid JSON of the expected shape: {0}")]
    Json(String),
    #[error("weights file has {found} features, the extractor {expected}")]
    Dimension { found: usize, expected: usize },
    #[error("feature {index} is `{found}` in the weights file but `{expected}` in the extractor")]
    Name { index: usize, found: String, expected: &'static str },
    #[error("feature `{0}` has a non-finite value or a scale that is not positive")]
    Value(&'static str),
}

#[derive(Deserialize)]
struct File {
    bias: f64,
    features: Vec<FileFeature>,
}

#[derive(Deserialize)]
struct FileFeature {
    name: String,
    mean: f64,
    scale: f64,
    weight: f64,
}

impl Model {
    /// The weights compiled into this binary.
    pub fn embedded() -> Result<Model, ModelError> {
        Model::from_json(EMBEDDED)
    }

    /// Parses a weights file, refusing one written for another feature set.
    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        let file: File = serde_json::from_str(text).map_err(|e| ModelError::Json(e.to_string()))?;
        if file.features.len() != NUM_FEATURES {
            return Err(ModelError::Dimension { found: file.features.len(), expected: NUM_FEATURES });
        }
        let mut model = Model::neutral();
        model.bias = file.bias;
        for (index, (spec, f)) in FEATURES.iter().zip(&file.features).enumerate() {
            if f.name != spec.name {
                return Err(ModelError::Name { index, found: f.name.clone(), expected: spec.name });
            }
            if !(f.mean.is_finite() && f.weight.is_finite() && f.scale.is_finite() && f.scale > 0.0) {
                return Err(ModelError::Value(spec.name));
            }
            (model.mean[index], model.scale[index], model.weight[index]) = (f.mean, f.scale, f.weight);
        }
        if !model.bias.is_finite() {
            return Err(ModelError::Value("bias"));
        }
        Ok(model)
    }

    /// Scores every request 0.5: what the router falls back to if the embedded weights were ever
    /// unreadable (a unit test makes sure they are not). At the default threshold that sends
    /// everything to the frontier tier — expensive, never worse in quality.
    pub fn neutral() -> Model {
        Model { bias: 0.0, mean: [0.0; NUM_FEATURES], scale: [1.0; NUM_FEATURES], weight: [0.0; NUM_FEATURES] }
    }

    /// Each feature's contribution to the logit (0 at the training mean).
    pub fn contributions(&self, values: &[f64; NUM_FEATURES]) -> [f64; NUM_FEATURES] {
        std::array::from_fn(|i| self.weight[i] * (values[i] - self.mean[i]) / self.scale[i])
    }

    pub fn logit(&self, values: &[f64; NUM_FEATURES]) -> f64 {
        self.bias + self.contributions(values).iter().sum::<f64>()
    }
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::super::features::Prior;
    use super::*;

    #[test]
    fn the_embedded_weights_parse_and_match_the_extractor() {
        let model = Model::embedded().unwrap();
        assert_eq!(model.weight.len(), NUM_FEATURES);
        assert!(model.weight.iter().any(|w| *w != 0.0), "a trained model, not the neutral one");
        for (i, spec) in FEATURES.iter().enumerate() {
            match spec.prior {
                Prior::NonNegative => assert!(model.weight[i] >= 0.0, "{}", spec.name),
                Prior::NonPositive => assert!(model.weight[i] <= 0.0, "{}", spec.name),
                Prior::Fixed(w) => assert_eq!(model.weight[i], w, "{}", spec.name),
                Prior::Free => {}
            }
        }
    }

    #[test]
    fn a_file_for_another_feature_set_is_refused() {
        let one = r#"{"bias": 0.1, "features": [{"name": "length", "mean": 1, "scale": 1, "weight": 1}]}"#;
        assert_eq!(Model::from_json(one), Err(ModelError::Dimension { found: 1, expected: NUM_FEATURES }));
        let renamed = EMBEDDED.replacen("\"length\"", "\"size\"", 1);
        assert!(matches!(Model::from_json(&renamed), Err(ModelError::Name { index: 0, .. })));
        assert!(matches!(Model::from_json("{"), Err(ModelError::Json(_))));
    }

    #[test]
    fn contributions_are_standardised_and_sum_to_the_logit() {
        let mut model = Model::neutral();
        model.bias = -1.0;
        (model.mean[0], model.scale[0], model.weight[0]) = (2.0, 4.0, 3.0);
        let mut x = [0.0; NUM_FEATURES];
        x[0] = 6.0;
        assert_eq!(model.contributions(&x)[0], 3.0);
        assert_eq!(model.logit(&x), 2.0);
        assert!((sigmoid(model.logit(&x)) - 0.880_797).abs() < 1e-6);
    }
}
