//! A routing decision and its reasons.
