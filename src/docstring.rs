//! Docstrings in reST style, read the way Inmanta reads them (`inmanta.docstring_parser`, on top of
//! the `docstring_parser` package, style REST): a short description (the first line), a long
//! description (the text after it, up to the first line that starts with `:`), and fields
//! `:attr <name>: text`. Only `:attr` fields with exactly one name are kept; `:param`, `:rel`
//! and the like are ignored, as Inmanta ignores them.

/// A parsed docstring.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docstring {
    /// The first line of the text before the fields; `None` when that text is empty.
    pub short_description: Option<String>,
    /// The rest of the text before the fields, trimmed; `None` when empty.
    pub long_description: Option<String>,
    /// `:attr <name>: text` fields, in order (a later field for the same name wins).
    pub attributes: Vec<(String, String)>,
}

impl Docstring {
    /// The description of the documented item: the short description, then a blank line and
    /// the long description when there is one. `None` when there is no text before the fields.
    pub fn description(&self) -> Option<String> {
        let short = self.short_description.as_ref()?;
        Some(match &self.long_description {
            Some(long) => format!("{short}\n\n{long}"),
            None => short.clone(),
        })
    }

    /// The text of `:attr <name>:`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
    }
}

/// Parses a docstring (the decoded string value, with its indentation).
pub fn parse(text: &str) -> Docstring {
    let mut doc = Docstring::default();
    if text.is_empty() {
        return doc;
    }
    let text = cleandoc(text);
    // The description ends at the first line that starts with `:`.
    let split = line_starts(&text)
        .into_iter()
        .find(|&start| text[start..].starts_with(':'));
    let (description, fields) = match split {
        Some(at) => (&text[..at], &text[at..]),
        None => (text.as_str(), ""),
    };
    let (short, long) = match description.split_once('\n') {
        Some((short, long)) => (short, Some(long)),
        None => (description, None),
    };
    doc.short_description = (!short.is_empty()).then(|| short.to_string());
    if let Some(long) = long {
        let long = long.trim();
        doc.long_description = (!long.is_empty()).then(|| long.to_string());
    }
    // Each field runs from a line that starts with `:` to the next such line.
    let starts: Vec<usize> = line_starts(fields)
        .into_iter()
        .filter(|&s| fields[s..].starts_with(':'))
        .collect();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(fields.len());
        let chunk = fields[start..end].trim_start_matches(':');
        // A field without a closing `:` is a parse error in Inmanta; it documents nothing.
        let Some((arguments, text)) = chunk.split_once(':') else {
            continue;
        };
        let arguments: Vec<&str> = arguments.split_whitespace().collect();
        if arguments.len() != 2 || arguments[0] != "attr" {
            continue;
        }
        let mut text = py_strip(text).to_string();
        if let Some((first, rest)) = text.split_once('\n') {
            text = format!("{first}\n{}", cleandoc(rest));
        }
        doc.attributes.push((arguments[1].to_string(), text));
    }
    doc
}

/// Python's `inspect.cleandoc`: tabs expanded, the first line's leading whitespace removed, the
/// common indentation of the other lines removed, leading and trailing empty lines dropped.
pub fn cleandoc(text: &str) -> String {
    let expanded = expand_tabs(text);
    let mut lines: Vec<&str> = expanded.split('\n').collect();
    let margin = lines
        .iter()
        .skip(1)
        .filter_map(|line| {
            let content = line.trim_start_matches(is_py_space).len();
            (content > 0).then(|| line.len() - content)
        })
        .min();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    if let Some(first) = lines.first_mut() {
        *first = first.trim_start_matches(is_py_space);
    }
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            out.push(line.to_string());
            continue;
        }
        let cut = margin.unwrap_or(0).min(line.len());
        // Indentation is whitespace, so the cut is on a character boundary unless the line is
        // shorter than the margin and made of whitespace only (then it empties).
        out.push(line.get(cut..).unwrap_or("").to_string());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let first_kept = out.iter().position(|l| !l.is_empty()).unwrap_or(out.len());
    out.drain(..first_kept);
    out.join("\n")
}

/// Byte offsets where lines start.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts.retain(|&s| s <= text.len());
    starts
}

/// Python's `str.expandtabs()` (tab stops every 8 columns, per line).
fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut column = 0;
    for c in text.chars() {
        match c {
            '\t' => {
                let spaces = 8 - column % 8;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            '\n' | '\r' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// Whitespace as Python's `str.strip()` sees it (for the ASCII range that docstrings use).
fn is_py_space(c: char) -> bool {
    c.is_whitespace()
}

fn py_strip(text: &str) -> &str {
    text.trim_matches(is_py_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_description_and_attributes() {
        let doc = parse(
            "\n        The API of ServiceX.\n\n        More text\n        here.\n\n        :attr service_id: A unique ID.\n        :attr ratio: A float\n            over two lines.\n        :param x: ignored\n    ",
        );
        assert_eq!(
            doc.short_description.as_deref(),
            Some("The API of ServiceX.")
        );
        assert_eq!(doc.long_description.as_deref(), Some("More text\nhere."));
        assert_eq!(
            doc.description().as_deref(),
            Some("The API of ServiceX.\n\nMore text\nhere.")
        );
        assert_eq!(doc.attribute("service_id"), Some("A unique ID."));
        assert_eq!(doc.attribute("ratio"), Some("A float\nover two lines."));
        assert_eq!(doc.attribute("x"), None);
    }

    #[test]
    fn only_fields_means_no_description() {
        let doc = parse("\n    :attr a: first\n    :attr a: second\n");
        assert_eq!(doc.description(), None);
        assert_eq!(doc.attribute("a"), Some("second"));
    }

    #[test]
    fn description_right_before_fields() {
        let doc = parse("\n        A service.\n        :attr name: Name.\n    ");
        assert_eq!(doc.description().as_deref(), Some("A service."));
        assert_eq!(doc.attribute("name"), Some("Name."));
    }

    #[test]
    fn indented_colon_lines_continue_the_field() {
        let doc = parse("\n:attr a: one\n    :attr b: two\n");
        assert_eq!(doc.attribute("a"), Some("one\n:attr b: two"));
        assert_eq!(doc.attribute("b"), None);
    }

    #[test]
    fn cleandoc_like_python() {
        assert_eq!(cleandoc("  a\n    b\n      c\n\n"), "a\nb\n  c");
        assert_eq!(cleandoc("\n\n  x\n"), "x");
        assert_eq!(cleandoc("a\n\tb"), "a\nb");
    }
}
