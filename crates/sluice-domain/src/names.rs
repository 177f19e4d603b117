//! Validated names used across the control plane: slugs, e-mail addresses, display names.

use std::fmt;
use std::str::FromStr;

use crate::DomainError;

/// A URL-safe identifier: 1–64 characters of `a-z`, `0-9` and `-`, not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Derives a slug from a human name ("Data Science EU" → "data-science-eu").
    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(64).collect();
        slug.trim_end_matches('-').parse()
    }
}

impl FromStr for Slug {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let valid = (1..=64).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if valid {
            Ok(Self(s.to_owned()))
        } else {
            Err(DomainError::new("must be 1-64 characters of a-z, 0-9 and '-', not starting or ending with '-'"))
        }
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, lower-cased. Deliberately permissive (one `@`, a dot in the domain, no
/// spaces): the address is a login name here, not something we deliver mail to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && s.len() <= 254
                    && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            Ok(Self(s.to_lowercase()))
        } else {
            Err(DomainError::new("must be an e-mail address such as \"ana@example.com\""))
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A human-readable name: trimmed, 1–200 characters, no control characters.
pub fn display_name(s: &str) -> Result<String, DomainError> {
    let trimmed = s.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 200 || trimmed.chars().any(char::is_control) {
        return Err(DomainError::new("must be 1-200 characters without control characters"));
    }
    Ok(trimmed.to_owned())
}

/// A console password: 12–1024 characters. Long passphrases are welcome; the upper bound stops
/// anyone from making the server hash megabytes.
pub fn check_password_strength(password: &str) -> Result<(), DomainError> {
    let chars = password.chars().count();
    if chars < 12 {
        return Err(DomainError::new("must be at least 12 characters"));
    }
    if password.len() > 1024 {
        return Err(DomainError::new("must be at most 1024 bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(Slug::from_name("Data Science — EU!").map(|s| s.0), Ok("data-science-eu".to_owned()));
        assert!("Bad Slug".parse::<Slug>().is_err());
        assert!("-x".parse::<Slug>().is_err());
        assert!(Slug::from_name("!!!").is_err());
        assert!("a".repeat(65).parse::<Slug>().is_err());
    }

    #[test]
    fn emails() {
        assert_eq!("Ana@Example.COM".parse::<Email>().map(|e| e.0), Ok("ana@example.com".to_owned()));
        for bad in ["", "ana", "ana@", "@x.io", "ana@x", "a b@x.io", "a@b@c.io", "a@.io"] {
            assert!(bad.parse::<Email>().is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_and_names() {
        assert!(check_password_strength("short").is_err());
        assert!(check_password_strength("correct horse battery").is_ok());
        assert!(check_password_strength(&"x".repeat(2000)).is_err());
        assert_eq!(display_name("  Ana  "), Ok("Ana".to_owned()));
        assert!(display_name("   ").is_err());
        assert!(display_name("a\u{0}b").is_err());
    }
}
