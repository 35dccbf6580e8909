//! Source files, byte spans and line indexes.
//!
//! Invariant: spans are byte ranges into one file's text. Lines and columns are computed only when a
//! diagnostic is rendered; UTF-16 columns only at the JSON edge, where editors expect LSP positions.

use std::ops::Range;

/// Identifies one file registered in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both (they must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 0-based line and a 0-based column, counted in the unit the caller asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// One source file: its name as shown to users, its text and where its lines start.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
    /// Whether the text is ASCII, found on the first column asked for: then a column is a byte
    /// count, and a column far into a long line (a JSON file on one line) costs nothing to count.
    ascii: std::sync::OnceLock<bool>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        // A char pattern is searched with memchr, several times faster than a byte loop.
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            ascii: std::sync::OnceLock::new(),
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map(|s| *s as usize)
            .unwrap_or(self.text.len())
    }

    /// 0-based line and column in Unicode scalar values (what people count).
    pub fn position_chars(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        Position {
            line: line as u32,
            column: self.column_units(start, offset, |prefix| prefix.chars().count()),
        }
    }

    /// 0-based line and column in UTF-16 code units (what LSP clients count).
    pub fn position_utf16(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        Position {
            line: line as u32,
            column: self.column_units(start, offset, |prefix| prefix.encode_utf16().count()),
        }
    }

    /// The units between a line's start and an offset on it: its bytes in an ASCII text, else
    /// what `count` makes of them.
    fn column_units(&self, start: usize, offset: usize, count: impl Fn(&str) -> usize) -> u32 {
        if *self.ascii.get_or_init(|| self.text.is_ascii()) {
            (offset - start) as u32
        } else {
            count(&self.text[start..offset]) as u32
        }
    }

    /// A byte range widened to whole characters inside the text: its start rounded down, its end
    /// up, so that slicing the text with it never splits a character.
    pub fn char_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.clamp(range.start);
        let end = self.text.ceil_char_boundary(range.end.max(start));
        start..end
    }

    /// Rounds an offset down to a character boundary inside the text.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Owns every file of a compilation; nothing else stores paths or texts.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(name, text));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Takes out the text of a file, keeping its line index, for a caller that gives the same
    /// text back with [`SourceMap::give_back_text`]; until then the file's text is empty.
    pub fn take_text(&mut self, id: FileId) -> String {
        std::mem::take(&mut self.files[id.0 as usize].text)
    }

    /// Gives back a text taken by [`SourceMap::take_text`], read again: it keeps the line index
    /// of the first one (not computed again) when it fits it (a newline before every line
    /// start, the last one inside it), else it is handed back.
    pub fn give_back_text(&mut self, id: FileId, text: String) -> Result<(), String> {
        let file = &mut self.files[id.0 as usize];
        let bytes = text.as_bytes();
        let fits = file.line_starts.iter().all(|&start| {
            let start = start as usize;
            start == 0 || (start <= bytes.len() && bytes[start - 1] == b'\n')
        });
        if !fits {
            return Err(text);
        }
        file.text = text;
        Ok(())
    }

    /// Gives a file whose text was taken ([`SourceMap::take_text`]) a blank one of `len` bytes
    /// with the first one's line breaks, for a text that can not be given back: places in it
    /// keep their lines.
    pub fn blank_text(&mut self, id: FileId, len: usize) {
        let file = &mut self.files[id.0 as usize];
        let mut blank = vec![b' '; len];
        for &start in &file.line_starts[1..] {
            if let Some(byte) = blank.get_mut(start as usize - 1) {
                *byte = b'\n';
            }
        }
        file.text = String::from_utf8(blank).unwrap_or_default();
    }

    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .map(|i| FileId(i as u32))
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_utf16_units() {
        let file = SourceFile::new("m.cf", "a = 1\nb = \"é😀x\"\n");
        assert_eq!(file.line_of(0), 0);
        assert_eq!(file.line_of(6), 1);
        let x = file.text.find('x').unwrap();
        assert_eq!(file.position_chars(x), Position { line: 1, column: 7 });
        assert_eq!(file.position_utf16(x), Position { line: 1, column: 8 });
    }

    #[test]
    fn offsets_past_the_end_clamp() {
        let file = SourceFile::new("m.cf", "ab");
        assert_eq!(file.position_chars(10), Position { line: 0, column: 2 });
    }
}
