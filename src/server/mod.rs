//! `lsmc lsp`: a Language Server Protocol server over stdio.
//!
//! The server reads files, keeps the editor's open buffers, checks each project again after an
//! edit (the buffers over the files on disk, through [`lsmc::driver::check`]) and publishes the
//! diagnostics of every file of it; the editor features themselves are [`lsmc::ide`]'s, which
//! work in byte offsets on a checked project. Edits that arrive together are checked once.

mod convert;
mod transport;
mod workspace;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;

use lsmc::driver::Checked;
use lsmc::ide;
use lsmc::source::FileId;

use crate::cli::Status;
use convert::Converter;
use transport::Transport;
use workspace::{canonical, project_root_of, Document, Project};

/// Runs the server until the client says `exit` or closes stdin.
pub fn run() -> Status {
    let transport = Transport::stdio();
    let mut server = Server {
        sender: transport.sender.clone(),
        open: HashMap::new(),
        projects: Vec::new(),
        python_paths: Vec::new(),
        initialized: false,
        shutdown: false,
        loose: HashMap::new(),
        inventory: None,
    };
    let status = server.serve(&transport.receiver);
    drop(server);
    transport.join();
    status
}

struct Server {
    sender: std::sync::mpsc::Sender<Message>,
    open: HashMap<PathBuf, Document>,
    projects: Vec<Project>,
    /// Folders with v2 modules, from the client's `initializationOptions.pythonPath`.
    python_paths: Vec<PathBuf>,
    initialized: bool,
    shutdown: bool,
    /// Open files in no project, and whether their syntax diagnostics were published.
    loose: HashMap<PathBuf, bool>,
    /// The inventory a project is compiled over on save (`initializationOptions.inventory` or
    /// the `lsmc.inventory` setting), relative to the project folder.
    inventory: Option<PathBuf>,
}

impl Server {
    fn serve(&mut self, receiver: &std::sync::mpsc::Receiver<Message>) -> Status {
        loop {
            // Edits are checked when no message waits: a burst of edits is checked once.
            let message = match receiver.try_recv() {
                Ok(message) => message,
                Err(std::sync::mpsc::TryRecvError::Empty) => {
                    self.check_dirty();
                    match receiver.recv() {
                        Ok(message) => message,
                        Err(_) => return Status::ToolFailure,
                    }
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    // The client is gone without `exit`.
                    return Status::ToolFailure;
                }
            };
            match message {
                Message::Request(request) => self.request(request),
                Message::Notification(notification) => {
                    if notification.method == note::Exit::METHOD {
                        return if self.shutdown {
                            Status::Ok
                        } else {
                            Status::ToolFailure
                        };
                    }
                    self.notification(notification);
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        let _ = self.sender.send(message);
    }

    fn respond(&self, id: RequestId, result: Result<serde_json::Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        if request.method == req::Initialize::METHOD {
            let result = self.initialize(request.params);
            self.respond(id, result);
            return;
        }
        if !self.initialized {
            self.respond(
                id,
                Err((
                    ErrorCode::ServerNotInitialized,
                    "the server is not initialized".into(),
                )),
            );
            return;
        }
        if self.shutdown {
            self.respond(
                id,
                Err((
                    ErrorCode::InvalidRequest,
                    "the server is shutting down".into(),
                )),
            );
            return;
        }
        // A bug in a feature answers its request with an error; the server goes on.
        let method = request.method;
        let params = request.params;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.answer(&method, params)
        }))
        .unwrap_or_else(|_| {
            Err((
                ErrorCode::InternalError,
                format!("lsmc failed to answer `{method}`"),
            ))
        });
        self.respond(id, result);
    }

    fn initialize(
        &mut self,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        let params: InitializeParams = serde_json::from_value(params)
            .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        if let Some(options) = &params.initialization_options {
            self.configure(options);
            if let Some(paths) = options.get("pythonPath").and_then(|p| p.as_array()) {
                self.python_paths = paths
                    .iter()
                    .filter_map(|p| p.as_str())
                    .map(PathBuf::from)
                    .collect();
            }
        }
        self.initialized = true;
        let capabilities = ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![".".into(), ":".into(), "(".into(), " ".into()]),
                ..Default::default()
            }),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            ..Default::default()
        };
        Ok(serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": {"name": "lsmc", "version": env!("CARGO_PKG_VERSION")},
        }))
    }

    /// Reads the settings: `{"inventory": "inventory.json"}`, also under `lsmc`.
    fn configure(&mut self, settings: &serde_json::Value) {
        let settings = settings.get("lsmc").unwrap_or(settings);
        if let Some(inventory) = settings.get("inventory") {
            self.inventory = inventory
                .as_str()
                .filter(|s| !s.is_empty())
                .map(PathBuf::from);
        }
    }

    fn answer(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        fn parse<T: serde::de::DeserializeOwned>(
            params: serde_json::Value,
        ) -> Result<T, (ErrorCode, String)> {
            serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
        }
        fn json<T: serde::Serialize>(value: T) -> Result<serde_json::Value, (ErrorCode, String)> {
            Ok(serde_json::to_value(value).unwrap_or_default())
        }
        match method {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(serde_json::Value::Null)
            }
            req::HoverRequest::METHOD => {
                let p: HoverParams = parse(params)?;
                json(self.hover(&p.text_document_position_params))
            }
            req::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = parse(params)?;
                json(self.definition(&p.text_document_position_params))
            }
            req::References::METHOD => {
                let p: ReferenceParams = parse(params)?;
                json(self.references(&p))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = parse(params)?;
                json(self.document_symbols(&p.text_document.uri))
            }
            req::WorkspaceSymbolRequest::METHOD => {
                let p: WorkspaceSymbolParams = parse(params)?;
                json(self.workspace_symbols(&p.query))
            }
            req::Completion::METHOD => {
                let p: CompletionParams = parse(params)?;
                json(self.completion(&p.text_document_position))
            }
            req::PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = parse(params)?;
                json(self.prepare_rename(&p))
            }
            req::Rename::METHOD => {
                let p: RenameParams = parse(params)?;
                self.rename(&p).map(|edit| json(edit).unwrap_or_default())
            }
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = parse(params)?;
                json(self.code_actions(&p))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{method}`"),
            )),
        }
    }

    fn notification(&mut self, notification: Notification) {
        fn parse<T: serde::de::DeserializeOwned>(params: serde_json::Value) -> Option<T> {
            serde_json::from_value(params).ok()
        }
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Some(p) = parse::<DidOpenTextDocumentParams>(notification.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                self.open.insert(
                    path.clone(),
                    Document {
                        text: p.text_document.text,
                        version: p.text_document.version,
                    },
                );
                self.touch(&path);
            }
            note::DidChangeTextDocument::METHOD => {
                let Some(p) = parse::<DidChangeTextDocumentParams>(notification.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                let Some(document) = self.open.get_mut(&path) else {
                    return;
                };
                for change in p.content_changes {
                    convert::apply_change(&mut document.text, change);
                }
                document.version = p.text_document.version;
                self.touch(&path);
            }
            note::DidCloseTextDocument::METHOD => {
                let Some(p) = parse::<DidCloseTextDocumentParams>(notification.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                self.open.remove(&path);
                if self.loose.remove(&path).is_some() {
                    self.publish(&path, Vec::new());
                }
                self.touch(&path);
            }
            note::DidSaveTextDocument::METHOD => {
                let Some(p) = parse::<DidSaveTextDocumentParams>(notification.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                match (self.inventory.clone(), self.project_index(&path, true)) {
                    (Some(inventory), Some(index)) => {
                        self.projects[index].compile(&self.open, &inventory);
                        self.publish_project(index);
                    }
                    _ => self.touch(&path),
                }
            }
            note::DidChangeConfiguration::METHOD => {
                if let Some(p) = parse::<DidChangeConfigurationParams>(notification.params) {
                    self.configure(&p.settings);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                for project in &mut self.projects {
                    project.dirty = true;
                }
            }
            _ => {}
        }
    }

    /// Marks the project of a file for a new check; a file in no project is checked alone.
    fn touch(&mut self, path: &Path) {
        if let Some(index) = self.project_index(path, true) {
            self.projects[index].dirty = true;
        } else if self.open.contains_key(path) {
            self.loose.insert(path.to_path_buf(), false);
        }
    }

    /// The project a file belongs to: one whose last check read it, else the one of the folder
    /// above it with a `main.cf` (opened when `create`).
    fn project_index(&mut self, path: &Path, create: bool) -> Option<usize> {
        if let Some(index) = self
            .projects
            .iter()
            .position(|p| p.files.contains_key(path))
        {
            return Some(index);
        }
        let root = project_root_of(path)?;
        if let Some(index) = self.projects.iter().position(|p| p.root == root) {
            return Some(index);
        }
        if !create {
            return None;
        }
        let project = Project::open(&root, &self.python_paths).ok()?;
        self.projects.push(project);
        Some(self.projects.len() - 1)
    }

    /// Checks every project edited since its last check and publishes its diagnostics.
    fn check_dirty(&mut self) {
        for index in 0..self.projects.len() {
            if self.projects[index].dirty {
                self.projects[index].check(&self.open);
                self.publish_project(index);
            }
        }
        let loose: Vec<PathBuf> = self
            .loose
            .iter()
            .filter(|(_, done)| !**done)
            .map(|(p, _)| p.clone())
            .collect();
        for path in loose {
            self.loose.insert(path.clone(), true);
            let diagnostics = match self.open.get(&path) {
                Some(document) => convert::syntax_diagnostics(&path, &document.text),
                None => Vec::new(),
            };
            self.publish(&path, diagnostics);
        }
    }

    fn publish_project(&mut self, index: usize) {
        let timer = crate::cli::Timer::from_env();
        let project = &self.projects[index];
        let Some(checked) = &project.checked else {
            return;
        };
        let converter = Converter::new(checked);
        let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
        let main = FileId(0);
        for diagnostic in checked.diagnostics.iter().chain(&project.evaluation) {
            let file = diagnostic.primary_span().map_or(main, |s| s.file);
            let name = &checked.sources.get(file).name;
            if name.starts_with('<') {
                continue;
            }
            by_file
                .entry(PathBuf::from(name))
                .or_default()
                .push(converter.diagnostic(diagnostic));
        }
        // Open files without diagnostics are told so, on each check.
        for path in self.open.keys() {
            if project.files.contains_key(path) {
                by_file.entry(path.clone()).or_default();
            }
        }
        let previous = std::mem::take(&mut self.projects[index].published);
        let mut published = std::collections::HashSet::new();
        for path in previous {
            if !by_file.contains_key(&path) {
                self.publish(&path, Vec::new());
            }
        }
        for (path, diagnostics) in by_file {
            self.publish(&path, diagnostics);
            published.insert(path);
        }
        self.projects[index].published = published;
        timer.mark("publish");
    }

    fn publish(&self, path: &Path, diagnostics: Vec<Diagnostic>) {
        let Ok(uri) = Url::from_file_path(path) else {
            return;
        };
        let version = self.open.get(path).map(|d| d.version);
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            note::PublishDiagnostics::METHOD.to_string(),
            params,
        )));
    }

    /// The checked project of a file and the file's id in it, checked first if it was edited.
    fn analysis(&mut self, uri: &Url) -> Option<(&Checked, FileId)> {
        let path = path_of(uri)?;
        let index = self.project_index(&path, true)?;
        if self.projects[index].dirty {
            self.projects[index].check(&self.open);
            self.publish_project(index);
        }
        let project = &self.projects[index];
        let file = *project.files.get(&path)?;
        Some((project.checked.as_ref()?, file))
    }

    /// The checked project, the file and the byte offset of a position.
    fn at(&mut self, place: &TextDocumentPositionParams) -> Option<(&Checked, FileId, u32)> {
        let (checked, file) = self.analysis(&place.text_document.uri)?;
        let offset = ide::offset_of(
            checked.sources.get(file),
            place.position.line,
            place.position.character,
        );
        Some((checked, file, offset))
    }

    fn hover(&mut self, place: &TextDocumentPositionParams) -> Option<Hover> {
        let (checked, file, offset) = self.at(place)?;
        let found = ide::hover::hover(checked, file, offset)?;
        let converter = Converter::new(checked);
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: found.markdown,
            }),
            range: Some(converter.range(found.span)),
        })
    }

    fn definition(&mut self, place: &TextDocumentPositionParams) -> Option<GotoDefinitionResponse> {
        let (checked, file, offset) = self.at(place)?;
        let span = ide::navigate::definition(checked, file, offset)?;
        let location = Converter::new(checked).location(span)?;
        Some(GotoDefinitionResponse::Scalar(location))
    }

    fn references(&mut self, params: &ReferenceParams) -> Option<Vec<Location>> {
        let (checked, file, offset) = self.at(&params.text_document_position)?;
        let spans =
            ide::navigate::references(checked, file, offset, params.context.include_declaration);
        let converter = Converter::new(checked);
        Some(
            spans
                .into_iter()
                .filter_map(|s| converter.location(s))
                .collect(),
        )
    }

    fn document_symbols(&mut self, uri: &Url) -> Option<DocumentSymbolResponse> {
        let (checked, file) = self.analysis(uri)?;
        let converter = Converter::new(checked);
        let symbols = ide::symbols::document_symbols(checked, file);
        Some(DocumentSymbolResponse::Nested(
            symbols
                .iter()
                .map(|s| converter.document_symbol(s))
                .collect(),
        ))
    }

    fn workspace_symbols(&mut self, query: &str) -> Vec<SymbolInformation> {
        let mut out = Vec::new();
        for index in 0..self.projects.len() {
            if self.projects[index].dirty {
                self.projects[index].check(&self.open);
                self.publish_project(index);
            }
            let Some(checked) = &self.projects[index].checked else {
                continue;
            };
            let converter = Converter::new(checked);
            for symbol in ide::symbols::workspace_symbols(checked, query) {
                if let Some(info) = converter.symbol_information(&symbol) {
                    if !out.iter().any(|o: &SymbolInformation| {
                        o.name == info.name && o.location == info.location
                    }) {
                        out.push(info);
                    }
                }
            }
        }
        out
    }

    fn completion(&mut self, place: &TextDocumentPositionParams) -> Option<CompletionResponse> {
        let path = path_of(&place.text_document.uri)?;
        let index = self.project_index(&path, true)?;
        let modules = self.projects[index].importable_modules();
        let (checked, file, offset) = self.at(place)?;
        let found = ide::complete::complete(checked, file, offset, &modules);
        let replaced = Converter::new(checked).range(lsmc::source::Span {
            file,
            start: found.start,
            end: offset,
        });
        Some(CompletionResponse::Array(
            found
                .items
                .iter()
                .map(|item| convert::completion_item(item, replaced))
                .collect(),
        ))
    }

    fn prepare_rename(
        &mut self,
        place: &TextDocumentPositionParams,
    ) -> Option<PrepareRenameResponse> {
        let (checked, file, offset) = self.at(place)?;
        let span = ide::navigate::prepare_rename(checked, file, offset).ok()?;
        Some(PrepareRenameResponse::Range(
            Converter::new(checked).range(span),
        ))
    }

    fn rename(
        &mut self,
        params: &RenameParams,
    ) -> Result<Option<WorkspaceEdit>, (ErrorCode, String)> {
        let Some((checked, file, offset)) = self.at(&params.text_document_position) else {
            return Ok(None);
        };
        let edits = ide::navigate::rename(checked, file, offset, &params.new_name)
            .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        Ok(Some(Converter::new(checked).workspace_edit(&edits)))
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let (checked, file) = self.analysis(&params.text_document.uri)?;
        let source = checked.sources.get(file);
        let start = ide::offset_of(
            source,
            params.range.start.line,
            params.range.start.character,
        );
        let end = ide::offset_of(source, params.range.end.line, params.range.end.character);
        let converter = Converter::new(checked);
        let fixes = ide::fix::fixes(checked, file, start, end);
        Some(
            fixes
                .iter()
                .map(|fix| CodeActionOrCommand::CodeAction(converter.code_action(fix)))
                .collect(),
        )
    }
}

/// The file of a `file://` URI, with its links resolved.
fn path_of(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    uri.to_file_path().ok().map(|p| canonical(&p))
}
