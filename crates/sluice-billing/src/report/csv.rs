//! CSV as spreadsheets read it (RFC 4180): fields with a comma, quote or line break are quoted,
//! quotes doubled. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or carriage return) gets a leading `'`, because team and key names are chosen by
//! tenants and the file is opened by someone else. Numbers are written by the callers and never
//! pass through `text`, so a negative saving stays a number.

use std::fmt::Write as _;

/// A text cell, escaped.
pub fn text(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

/// Appends one line of already-escaped cells.
pub fn line(out: &mut String, cells: &[String]) {
    let _ = writeln!(out, "{}", cells.join(","));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_quoted_when_needed_and_formulas_are_defused() {
        assert_eq!(text("core"), "core");
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("-1+2"), "'-1+2");
        assert_eq!(text(""), "");
    }
}
