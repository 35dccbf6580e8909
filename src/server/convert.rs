//! Between lsmc's spans and diagnostics and the protocol's locations, in UTF-16 positions.

use std::path::{Path, PathBuf};

use lsp_types as lsp;
use lsp_types::Url;

use lsmc::diagnostics::{self, codes, Severity};
use lsmc::driver::Checked;
use lsmc::ide;
use lsmc::source::{FileId, SourceFile, Span};

pub struct Converter<'c> {
    checked: &'c Checked,
}

impl<'c> Converter<'c> {
    pub fn new(checked: &'c Checked) -> Self {
        Converter { checked }
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        range_in(self.checked.sources.get(span.file), span)
    }

    /// The location of a span; a file of a built-in module is written to the cache folder
    /// first, so that the editor can open it.
    pub fn location(&self, span: Span) -> Option<lsp::Location> {
        let file = self.checked.sources.get(span.file);
        let path = match file.name.strip_prefix("<builtin>/") {
            Some(relative) => cached(&format!("builtin/{relative}"), &file.text)?,
            None => PathBuf::from(&file.name),
        };
        Some(lsp::Location {
            uri: Url::from_file_path(path).ok()?,
            range: self.range(span),
        })
    }

    /// A diagnostic: its message with notes and help, code and the code's page, its labels as
    /// related information.
    pub fn diagnostic(&self, d: &diagnostics::Diagnostic) -> lsp::Diagnostic {
        let related: Vec<lsp::DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .filter(|l| !l.message.is_empty())
            .filter_map(|l| {
                Some(lsp::DiagnosticRelatedInformation {
                    location: self.location(l.span)?,
                    message: l.message.clone(),
                })
            })
            .collect();
        lsp_diagnostic(d, self.range(d.primary_span().unwrap_or_default()), related)
    }

    pub fn document_symbol(&self, symbol: &ide::symbols::Symbol) -> lsp::DocumentSymbol {
        #[allow(deprecated)]
        lsp::DocumentSymbol {
            name: symbol.name.clone(),
            detail: symbol.detail.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            range: self.range(symbol.span.to(symbol.name_span)),
            selection_range: self.range(symbol.name_span),
            children: (!symbol.children.is_empty()).then(|| {
                symbol
                    .children
                    .iter()
                    .map(|c| self.document_symbol(c))
                    .collect()
            }),
        }
    }

    pub fn symbol_information(
        &self,
        symbol: &ide::symbols::Symbol,
    ) -> Option<lsp::SymbolInformation> {
        #[allow(deprecated)]
        Some(lsp::SymbolInformation {
            name: symbol.name.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            location: self.location(symbol.name_span)?,
            container_name: symbol.container.clone(),
        })
    }

    /// Edits grouped by file.
    pub fn workspace_edit(&self, edits: &[(Span, String)]) -> lsp::WorkspaceEdit {
        let mut changes: std::collections::HashMap<Url, Vec<lsp::TextEdit>> = Default::default();
        for (span, text) in edits {
            let Some(location) = self.location(*span) else {
                continue;
            };
            changes
                .entry(location.uri)
                .or_default()
                .push(lsp::TextEdit {
                    range: location.range,
                    new_text: text.clone(),
                });
        }
        lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }
    }

    pub fn code_action(&self, fix: &ide::fix::Fix) -> lsp::CodeAction {
        lsp::CodeAction {
            title: fix.title.clone(),
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: fix.diagnostic.as_ref().map(|d| vec![self.diagnostic(d)]),
            edit: Some(self.workspace_edit(&fix.edits)),
            command: None,
            is_preferred: Some(fix.preferred),
            disabled: None,
            data: None,
        }
    }
}

fn range_in(file: &SourceFile, span: Span) -> lsp::Range {
    let start = file.position_utf16(span.start as usize);
    let end = file.position_utf16(span.end as usize);
    lsp::Range {
        start: lsp::Position::new(start.line, start.column),
        end: lsp::Position::new(end.line, end.column),
    }
}

fn symbol_kind(kind: ide::symbols::SymbolKind) -> lsp::SymbolKind {
    use ide::symbols::SymbolKind as K;
    match kind {
        K::Module => lsp::SymbolKind::MODULE,
        K::Entity => lsp::SymbolKind::CLASS,
        K::Attribute => lsp::SymbolKind::FIELD,
        K::Relation => lsp::SymbolKind::PROPERTY,
        K::Typedef => lsp::SymbolKind::TYPE_PARAMETER,
        K::Implementation => lsp::SymbolKind::FUNCTION,
        K::Variable => lsp::SymbolKind::VARIABLE,
    }
}

/// A completion item that replaces the word being written (`replaced`).
pub fn completion_item(
    item: &ide::complete::Completion,
    replaced: lsp::Range,
) -> lsp::CompletionItem {
    let inserted = item.insert.clone().unwrap_or_else(|| item.label.clone());
    use ide::complete::CompletionKind as K;
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(match item.kind {
            K::Keyword => lsp::CompletionItemKind::KEYWORD,
            K::Module => lsp::CompletionItemKind::MODULE,
            K::Entity => lsp::CompletionItemKind::CLASS,
            K::Typedef | K::Primitive => lsp::CompletionItemKind::TYPE_PARAMETER,
            K::Attribute => lsp::CompletionItemKind::FIELD,
            K::Relation => lsp::CompletionItemKind::PROPERTY,
            K::Variable => lsp::CompletionItemKind::VARIABLE,
            K::Plugin => lsp::CompletionItemKind::FUNCTION,
            K::Implementation => lsp::CompletionItemKind::FUNCTION,
            K::Argument => lsp::CompletionItemKind::FIELD,
            K::Value => lsp::CompletionItemKind::VALUE,
        }),
        detail: item.detail.clone(),
        documentation: item.documentation.clone().map(|value| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value,
            })
        }),
        sort_text: Some(format!("{:02}{}", item.rank, item.label)),
        filter_text: Some(inserted.clone()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: replaced,
            new_text: inserted,
        })),
        ..Default::default()
    }
}

/// Applies an edit of the editor to a buffer: a range replaced, or the whole text.
pub fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let file = SourceFile::new("", std::mem::take(text));
            let start = ide::offset_of(&file, range.start.line, range.start.character) as usize;
            let end = ide::offset_of(&file, range.end.line, range.end.character) as usize;
            let mut new = file.text;
            let end = end.max(start);
            new.replace_range(start..end, &change.text);
            *text = new;
        }
    }
}

/// The syntax errors of a file that belongs to no project (nothing else can be told of it).
pub fn syntax_diagnostics(path: &Path, text: &str) -> Vec<lsp::Diagnostic> {
    let mut sources = lsmc::source::SourceMap::new();
    let file = sources.add(path.display().to_string(), text);
    let (_, found) = lsmc::parser::parse_module(text, file);
    let file = sources.get(FileId(0));
    found
        .iter()
        .map(|d| {
            let range = range_in(file, d.primary_span().unwrap_or_default());
            lsp_diagnostic(d, range, Vec::new())
        })
        .collect()
}

/// A diagnostic at `range`: its message with notes and help, code and the code's page.
fn lsp_diagnostic(
    d: &diagnostics::Diagnostic,
    range: lsp::Range,
    related: Vec<lsp::DiagnosticRelatedInformation>,
) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.id.to_string())),
        code_description: code_page(d.code).map(|href| lsp::CodeDescription { href }),
        source: Some("lsmc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({"name": d.code.name})),
    }
}

/// The page of a diagnostic code, written to the cache folder on first use.
fn code_page(code: diagnostics::Code) -> Option<Url> {
    let page = codes::page(code)?;
    let path = cached(&format!("errors/{}.md", code.id), page)?;
    Url::from_file_path(path).ok()
}

/// A file of lsmc's own (a built-in module, an error page) at a place an editor can open:
/// `<cache>/lsmc-<version>/<relative>`, written once.
fn cached(relative: &str, text: &str) -> Option<PathBuf> {
    static WRITTEN: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());
    let mut written = WRITTEN.lock().ok()?;
    if let Some((_, path)) = written.iter().find(|(r, _)| r == relative) {
        return Some(path.clone());
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let path = base
        .join(format!("lsmc-{}", env!("CARGO_PKG_VERSION")))
        .join(relative);
    let same = std::fs::read_to_string(&path).is_ok_and(|t| t == text);
    if !same {
        std::fs::create_dir_all(path.parent()?).ok()?;
        let staging = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&staging, text).ok()?;
        std::fs::rename(&staging, &path).ok()?;
    }
    written.push((relative.to_string(), path.clone()));
    Some(path)
}
