//! Which diagnostics a renderer shows: runs of the same error merged, at most [`MOST_SHOWN`].
//!
//! A file of 10,000 `@` has 10,000 syntax errors, one per character; shown one by one they bury
//! the first, and their text outgrows the file by far. Both renderers show the same selection and
//! say how many they left out.

use std::borrow::Cow;

use super::Diagnostic;

/// The most diagnostics (after merging) a renderer shows; the rest are counted.
pub const MOST_SHOWN: usize = 100;

/// What a renderer shows, and how many diagnostics it leaves out.
pub struct Shown<'a> {
    pub diagnostics: Vec<Cow<'a, Diagnostic>>,
    pub omitted_errors: usize,
    pub omitted_warnings: usize,
}

impl Shown<'_> {
    /// `... and N more errors` for the text renderer, when something is left out.
    pub fn omitted_line(&self) -> Option<String> {
        let count = |n: usize, word: &str| {
            (n > 0).then(|| format!("{n} more {word}{}", if n == 1 { "" } else { "s" }))
        };
        let parts: Vec<String> = [
            count(self.omitted_errors, "error"),
            count(self.omitted_warnings, "warning"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            return None;
        }
        Some(format!(
            "... and {} (only the first {MOST_SHOWN} are shown)\n",
            parts.join(" and ")
        ))
    }
}

/// Merges each run of the same diagnostic at adjacent places into one, then keeps the first
/// [`MOST_SHOWN`]. Only what is kept is copied.
pub fn select(diagnostics: &[Diagnostic]) -> Shown<'_> {
    let mut shown: Vec<Cow<'_, Diagnostic>> = Vec::new();
    let mut omitted_errors = 0;
    let mut omitted_warnings = 0;
    let mut i = 0;
    while i < diagnostics.len() {
        let first = &diagnostics[i];
        let mut end = i + 1;
        while end < diagnostics.len() && continues(&diagnostics[end - 1], &diagnostics[end]) {
            end += 1;
        }
        if shown.len() < MOST_SHOWN {
            shown.push(if end - i == 1 {
                Cow::Borrowed(first)
            } else {
                Cow::Owned(merged(&diagnostics[i..end]))
            });
        } else {
            for d in &diagnostics[i..end] {
                if d.is_error() {
                    omitted_errors += 1;
                } else {
                    omitted_warnings += 1;
                }
            }
        }
        i = end;
    }
    Shown {
        diagnostics: shown,
        omitted_errors,
        omitted_warnings,
    }
}

/// Whether `next` repeats `previous` right after it: the same error, with one label, starting
/// where the previous one ends (or inside it).
fn continues(previous: &Diagnostic, next: &Diagnostic) -> bool {
    let [a] = previous.labels.as_slice() else {
        return false;
    };
    let [b] = next.labels.as_slice() else {
        return false;
    };
    previous.code == next.code
        && previous.severity == next.severity
        && previous.message == next.message
        && previous.notes == next.notes
        && previous.help == next.help
        && a.message == b.message
        && a.span.file == b.span.file
        && a.span.start <= b.span.start
        && b.span.start <= a.span.end
}

/// One diagnostic for a run: its label covers the whole run, and a note says how many.
fn merged(run: &[Diagnostic]) -> Diagnostic {
    let mut one = run[0].clone();
    let last = run[run.len() - 1].labels[0].span;
    let label = &mut one.labels[0];
    label.span = label.span.to(last);
    one.notes.push(format!(
        "{} times in a row, once for each place in this range",
        run.len()
    ));
    one
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{codes, Label};
    use crate::source::{FileId, Span};

    fn at(start: usize, end: usize) -> Diagnostic {
        Diagnostic::error(codes::ILLEGAL_CHARACTER, "Illegal character '@'").with_label(
            Label::primary(Span::new(FileId(0), start, end), "not part of the language"),
        )
    }

    #[test]
    fn adjacent_repeats_merge_and_others_do_not() {
        let diagnostics = vec![at(0, 1), at(1, 2), at(2, 3), at(5, 6)];
        let shown = select(&diagnostics);
        assert_eq!(shown.diagnostics.len(), 2);
        assert_eq!(shown.diagnostics[0].labels[0].span.range(), 0..3);
        assert!(shown.diagnostics[0].notes[0].starts_with("3 times"));
        assert_eq!(shown.diagnostics[1].labels[0].span.range(), 5..6);
    }

    #[test]
    fn past_the_cap_diagnostics_are_counted() {
        let diagnostics: Vec<_> = (0..MOST_SHOWN + 7).map(|i| at(2 * i, 2 * i + 1)).collect();
        let shown = select(&diagnostics);
        assert_eq!(shown.diagnostics.len(), MOST_SHOWN);
        assert_eq!((shown.omitted_errors, shown.omitted_warnings), (7, 0));
        assert!(shown.omitted_line().unwrap().contains("7 more errors"));
    }
}
