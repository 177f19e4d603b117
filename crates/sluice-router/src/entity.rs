//! What the sensitivity detectors find: typed spans with a confidence.

use serde::Serialize;
use sluice_domain::policy::DataClass;

/// A kind of sensitive entity. The snake_case name is the stable `type` in `sluice route
/// classify` output, in decision reasons and in redaction settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    // Personal data.
    Email,
    Phone,
    CreditCard,
    Iban,
    UsSsn,
    /// National identifiers other than the US SSN (e.g. UK NINO), passports, driver licences.
    NationalId,
    IpAddress,
    StreetAddress,
    DateOfBirth,
    PersonName,
    // Credentials.
    PrivateKey,
    /// Cloud-platform credentials (AWS, GCP, Azure, Alibaba, …).
    CloudKey,
    /// API tokens of SaaS and AI providers (OpenAI, Anthropic, GitHub, Stripe, Slack, …).
    ProviderKey,
    Jwt,
    /// A password in an assignment, a command line or a connection string / URL.
    Password,
    /// A random-looking token in a credential context that no specific detector claimed.
    HighEntropyToken,
    // The org's own confidential terms and patterns.
    OrgTerm,
}

impl EntityType {
    pub const ALL: [EntityType; 17] = [
        Self::Email,
        Self::Phone,
        Self::CreditCard,
        Self::Iban,
        Self::UsSsn,
        Self::NationalId,
        Self::IpAddress,
        Self::StreetAddress,
        Self::DateOfBirth,
        Self::PersonName,
        Self::PrivateKey,
        Self::CloudKey,
        Self::ProviderKey,
        Self::Jwt,
        Self::Password,
        Self::HighEntropyToken,
        Self::OrgTerm,
    ];

    /// The data class a finding of this type puts a request in.
    pub fn data_class(self) -> DataClass {
        use EntityType::*;
        match self {
            Email | Phone | CreditCard | Iban | UsSsn | NationalId | IpAddress | StreetAddress | DateOfBirth | PersonName => DataClass::Pii,
            PrivateKey | CloudKey | ProviderKey | Jwt | Password | HighEntropyToken => DataClass::Secret,
            OrgTerm => DataClass::Confidential,
        }
    }

    pub fn as_str(self) -> &'static str {
        use EntityType::*;
        match self {
            Email => "email",
            Phone => "phone",
            CreditCard => "credit_card",
            Iban => "iban",
            UsSsn => "us_ssn",
            NationalId => "national_id",
            IpAddress => "ip_address",
            StreetAddress => "street_address",
            DateOfBirth => "date_of_birth",
            PersonName => "person_name",
            PrivateKey => "private_key",
            CloudKey => "cloud_key",
            ProviderKey => "provider_key",
            Jwt => "jwt",
            Password => "password",
            HighEntropyToken => "high_entropy_token",
            OrgTerm => "org_term",
        }
    }

    pub fn parse(name: &str) -> Option<EntityType> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// One detected entity. Offsets are byte offsets into the text of segment `segment` of the
/// scanned [`crate::request::RequestView`] (always on char boundaries).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    #[serde(rename = "type")]
    pub entity: EntityType,
    pub segment: usize,
    pub start: usize,
    pub end: usize,
    /// How sure the detector is, in (0, 1]: checksummed and prefixed matches near 1, contextual
    /// guesses (names, entropy) lower.
    pub confidence: f32,
}

impl Finding {
    /// The finding as callers see it (`sluice route classify`, `/v1/route/explain`): offsets in
    /// characters of `segment_text` (the text it was found in), confidence to two decimals.
    pub fn to_json(&self, segment_text: &str) -> serde_json::Value {
        serde_json::json!({
            "type": self.entity,
            "segment": self.segment,
            "start": char_offset(segment_text, self.start),
            "end": char_offset(segment_text, self.end),
            "confidence": (f64::from(self.confidence) * 100.0).round() / 100.0,
        })
    }
}

/// Character offset of a byte offset (callers and labelled data count characters).
pub fn char_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or_else(|| text.chars().count(), |prefix| prefix.chars().count())
}

/// The highest data class among findings (public when there are none).
pub fn class_of(findings: &[Finding]) -> DataClass {
    findings.iter().map(|f| f.entity.data_class()).max().unwrap_or(DataClass::Public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_classes_order() {
        for e in EntityType::ALL {
            assert_eq!(EntityType::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), serde_json::Value::from(e.as_str()));
        }
        let f = |entity| Finding { entity, segment: 0, start: 0, end: 1, confidence: 1.0 };
        assert_eq!(class_of(&[]), DataClass::Public);
        assert_eq!(class_of(&[f(EntityType::OrgTerm), f(EntityType::Email)]), DataClass::Pii);
        assert_eq!(class_of(&[f(EntityType::Jwt), f(EntityType::Email)]), DataClass::Secret);
    }
}
