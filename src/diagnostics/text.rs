//! The human renderer: ariadne reports, colour only when asked for.

use ariadne::{Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::source::SourceMap;

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub color: bool,
}

/// Renders diagnostics one after the other (runs of the same error merged, at most
/// [`super::shown::MOST_SHOWN`], see [`super::shown::select`]), then a summary line when there is
/// anything to say.
pub fn render_text(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: TextOptions,
) -> String {
    let mut out = Vec::new();
    let shown = super::shown::select(diagnostics);
    // Only the files shown diagnostics point into: a large inventory file costs nothing otherwise.
    let mut used: Vec<crate::source::FileId> = shown
        .diagnostics
        .iter()
        .filter(|d| !has_long_line(d, sources))
        .flat_map(|d| d.labels.iter().map(|l| l.span.file))
        .collect();
    used.sort();
    used.dedup();
    let mut cache = ariadne::sources(
        used.iter()
            .map(|id| {
                let file = sources.get(*id);
                (file.name.clone(), file.text.clone())
            })
            .collect::<Vec<_>>(),
    );
    for diagnostic in &shown.diagnostics {
        render_one(diagnostic, sources, options, &mut cache, &mut out);
    }
    if let Some(line) = shown.omitted_line() {
        out.extend_from_slice(line.as_bytes());
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors + warnings > 0 {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let summary = match (errors, warnings) {
            (0, w) => plural(w, "warning"),
            (e, 0) => plural(e, "error"),
            (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
        };
        out.extend_from_slice(format!("found {summary}\n").as_bytes());
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn render_one(
    diagnostic: &Diagnostic,
    sources: &SourceMap,
    options: TextOptions,
    cache: &mut impl ariadne::Cache<String>,
    out: &mut Vec<u8>,
) {
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let code = diagnostic.code.id.to_string();
    let Some(primary) = diagnostic.primary_span() else {
        // Nothing to point at (a file that could not be read, say): a plain line.
        let mut text = format!(
            "{}[{}]: {}\n",
            diagnostic.severity.as_str(),
            code,
            diagnostic.message
        );
        for note in &diagnostic.notes {
            text.push_str(&format!("  = note: {note}\n"));
        }
        if let Some(help) = &diagnostic.help {
            text.push_str(&format!("  = help: {help}\n"));
        }
        out.extend_from_slice(text.as_bytes());
        return;
    };
    if has_long_line(diagnostic, sources) {
        out.extend_from_slice(without_source(diagnostic, sources).as_bytes());
        return;
    }
    let file_name = |id| sources.get(id).name.clone();
    // ariadne slices the text with each range: one inside a character would panic there.
    let range = |span: crate::source::Span| sources.get(span.file).char_range(span.range());
    let mut report = Report::build(kind, (file_name(primary.file), range(primary)))
        .with_config(
            Config::default()
                .with_color(options.color)
                .with_index_type(IndexType::Byte),
        )
        .with_code(code)
        .with_message(&diagnostic.message);
    // Labels in source order: ariadne starts a new section (repeating the header) whenever a label
    // is on an earlier line than the one before it; sorted, there is one section per file.
    let mut labels: Vec<_> = diagnostic.labels.iter().collect();
    // The primary's file comes first.
    labels.sort_by_key(|l| {
        (
            l.span.file != primary.file,
            l.span.file,
            l.span.start,
            l.span.end,
        )
    });
    for label in labels {
        let color = if label.primary {
            Color::Red
        } else {
            Color::Blue
        };
        let mut l = AriadneLabel::new((file_name(label.span.file), range(label.span)));
        if !label.message.is_empty() {
            l = l.with_message(&label.message);
        }
        if options.color {
            l = l.with_color(color);
        }
        report = report.with_label(l);
    }
    for note in &diagnostic.notes {
        report = report.with_note(note);
    }
    if let Some(help) = &diagnostic.help {
        report = report.with_help(help);
    }
    // Writing into a Vec cannot fail; a cache miss cannot happen as every file is in the map.
    let _ = report.finish().write(&mut *cache, &mut *out);
}

/// A line longer than this (a JSON file on one line, say) is not shown: ariadne would print it
/// whole under every diagnostic that points into it.
const LONGEST_SHOWN_LINE: usize = 400;

fn has_long_line(diagnostic: &Diagnostic, sources: &SourceMap) -> bool {
    diagnostic
        .labels
        .iter()
        .any(|l| line_length(sources, l.span) > LONGEST_SHOWN_LINE)
}

/// The length in bytes of the line a span starts on.
fn line_length(sources: &SourceMap, span: crate::source::Span) -> usize {
    let file = sources.get(span.file);
    let line = file.line_of(span.start as usize);
    file.line_start(line + 1) - file.line_start(line)
}

/// How many characters of a long line are shown on each side of a place in it.
const WINDOW_SIDE: usize = 40;

/// The part of a long line around a byte range, with a caret line under the range: `…` marks
/// where the line goes on. Only the window is read, whatever the length of the line.
fn window(file: &crate::source::SourceFile, range: std::ops::Range<usize>) -> String {
    let text = file.text.as_str();
    let range = file.char_range(range);
    let line = file.line_of(range.start);
    let line_start = file.line_start(line);
    let line_end = file.line_start(line + 1).min(text.len());
    let line_end = text[line_start..line_end]
        .strip_suffix('\n')
        .map_or(line_end, |l| line_start + l.len());
    // At most four bytes a character: the window's bytes are found without counting the line.
    let from =
        text.floor_char_boundary(range.start.saturating_sub(4 * WINDOW_SIDE).max(line_start));
    let before: Vec<char> = text[from..range.start].chars().collect();
    let skip = before.len().saturating_sub(WINDOW_SIDE);
    let before = &before[skip..];
    let cut_before = skip > 0 || from > line_start;
    let range_end = range.end.min(line_end).max(range.start);
    let marked: Vec<char> = text[range.start..range_end]
        .chars()
        .take(2 * WINDOW_SIDE)
        .collect();
    let cut_marked = marked.len() == 2 * WINDOW_SIDE && range_end > range.start + 2 * WINDOW_SIDE;
    let after_from = if cut_marked {
        range.start + marked.iter().map(|c| c.len_utf8()).sum::<usize>()
    } else {
        range_end
    };
    let after: Vec<char> = text[after_from..line_end]
        .chars()
        .take(WINDOW_SIDE + 1)
        .collect();
    let cut_after = after.len() > WINDOW_SIDE || cut_marked;
    let after = &after[..after.len().min(WINDOW_SIDE)];
    // Control characters would move the caret away from what it marks.
    let shown = |c: &char| if c.is_control() { ' ' } else { *c };
    let mut snippet = String::from("    | ");
    let mut carets = String::from("    | ");
    if cut_before {
        snippet.push('…');
        carets.push(' ');
    }
    snippet.extend(before.iter().map(shown));
    carets.extend(before.iter().map(|_| ' '));
    snippet.extend(marked.iter().map(shown));
    // An empty range (the end of the file, say) is marked where it is.
    carets.extend(marked.iter().map(|_| '^'));
    if marked.is_empty() {
        carets.push('^');
    }
    if cut_marked {
        snippet.push('…');
    } else {
        snippet.extend(after.iter().map(shown));
        if cut_after {
            snippet.push('…');
        }
    }
    format!("{}\n{}\n", snippet.trim_end(), carets)
}

/// A diagnostic with its places as `file:line:column` (1-based) and a window of the line around
/// each, rather than whole source lines.
fn without_source(diagnostic: &Diagnostic, sources: &SourceMap) -> String {
    let mut text = format!(
        "[{}] {}: {}\n",
        diagnostic.code.id,
        match diagnostic.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        },
        diagnostic.message
    );
    let mut labels: Vec<_> = diagnostic.labels.iter().collect();
    labels.sort_by_key(|l| (!l.primary, l.span.file, l.span.start));
    for label in labels {
        let file = sources.get(label.span.file);
        let at = file.position_chars(label.span.start as usize);
        text.push_str(&format!(
            "   --> {}:{}:{}",
            file.name,
            at.line + 1,
            at.column + 1
        ));
        if !label.message.is_empty() {
            text.push_str(&format!(": {}", label.message));
        }
        text.push('\n');
        text.push_str(&window(file, label.span.range()));
    }
    for note in &diagnostic.notes {
        text.push_str(&format!("   = note: {note}\n"));
    }
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("   = help: {help}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{codes, Label};
    use crate::source::Span;

    /// A span that starts or ends inside a character is widened to the whole character.
    #[test]
    fn a_span_inside_a_character_is_rendered() {
        let mut sources = SourceMap::new();
        let file = sources.add("x.json", "[é]");
        let diagnostic = Diagnostic::error(codes::INVENTORY_ERROR, "bad")
            .with_label(Label::primary(Span::new(file, 2, 3), "here"));
        let text = render_text(&[diagnostic], &sources, TextOptions::default());
        assert!(text.contains("here"), "{text}");
    }
}
