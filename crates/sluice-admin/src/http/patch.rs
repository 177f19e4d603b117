//! PATCH fields with three states. In a PATCH body an absent field leaves the value unchanged,
//! `null` clears it, and a value sets it. `Option<T>` cannot tell the first two apart.

use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Patch::Null,
            Some(value) => Patch::Value(value),
        })
    }
}

impl<T> Patch<T> {
    /// For fields that cannot be cleared: `null` is a validation error naming the field.
    pub fn required(self, field: &str) -> Result<Option<T>, ApiError> {
        match self {
            Patch::Absent => Ok(None),
            Patch::Null => Err(ApiError::field(field, "cannot be null")),
            Patch::Value(v) => Ok(Some(v)),
        }
    }

    /// For nullable fields: None = unchanged, Some(None) = clear, Some(Some(v)) = set.
    pub fn nullable(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Value(v) => Some(Some(v)),
        }
    }

    /// Applies the patch to a current nullable value.
    pub fn apply_to(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Absent => current,
            Patch::Null => None,
            Patch::Value(v) => Some(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        name: Patch<String>,
    }

    #[test]
    fn absent_null_and_value_are_distinct() {
        let parse = |s: &str| serde_json::from_str::<Body>(s).unwrap().name;
        assert_eq!(parse("{}"), Patch::Absent);
        assert_eq!(parse(r#"{"name": null}"#), Patch::Null);
        assert_eq!(parse(r#"{"name": "x"}"#), Patch::Value("x".to_owned()));
    }
}
