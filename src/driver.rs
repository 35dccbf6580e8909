//! The pipeline, assembled once for every entry point: the CLI, the tests, the benchmarks and an
//! editor server.
//!
//! [`check`] loads a project, resolves it and runs the LSM rules; [`Checked::read_inventory`]
//! adds an inventory and [`Checked::evaluate`] evaluates the model (`lsmc compile`);
//! [`Checked::catalog`] builds its service catalog (`lsmc export`). Each stage goes on after a
//! user error and adds its diagnostics; evaluation and the catalog refuse a project with errors.
//! The driver reads files only through the caller's [`ModuleFiles`] and keeps nothing between
//! calls: an editor calls [`check`] again after each edit, with its open buffers over the files
//! on disk as the `ModuleFiles`.

use std::cell::OnceCell;
use std::rc::Rc;

use crate::check::statics::Statics;
use crate::diagnostics::{self, codes, Diagnostic, Label};
use crate::eval::inventory::Inventory;
use crate::eval::value::Str;
use crate::eval::{self, Runtime};
use crate::export::instance::{locate, Seg};
use crate::export::previous::Instance;
use crate::export::{self, Catalog, Lifecycle};
use crate::project::{self, MemoryFiles, ModuleFiles, ParseCache};
use crate::resolve::Model;
use crate::source::{FileId, SourceMap, Span};

/// A project: its main file, and where the modules it imports are read from.
pub struct Input<'a> {
    /// The main file's name as diagnostics show it.
    pub main_name: &'a str,
    pub main_text: &'a str,
    pub files: &'a dyn ModuleFiles,
}

/// A file of service instances as the LSM API returns them (an array, or `{"data": [...]}`).
#[derive(Clone)]
pub struct InventoryFile {
    /// The name diagnostics show.
    pub name: String,
    pub text: String,
}

/// What [`check`] does besides loading and resolving the project.
pub struct Options<'a> {
    /// Run the LSM rules (`lsmc compile --no-lsm-checks` evaluates without them, as the
    /// reference compiler does).
    pub lsm_checks: bool,
    /// Told as each stage of [`check`] ends (for timings).
    pub progress: Option<&'a dyn Fn(Stage)>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            lsm_checks: true,
            progress: None,
        }
    }
}

/// What [`Checked::evaluate`] does besides evaluating the model over the inventory.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    /// A validation compile of this service instance (its id).
    pub validate: Option<String>,
    /// `lsm::all` returns no instance.
    pub no_instances: bool,
    /// A cap on task runs (see [`eval::Options::max_steps`]).
    pub max_steps: Option<usize>,
    /// What the `std` plugins read outside the model (see [`eval::std_host`]).
    pub host: eval::std_host::Host,
    /// Runs Python plugins (see [`eval::Options::plugin_host`]).
    pub plugin_host: Option<eval::python_plugins::HostHandle>,
    /// A cap on instances (see [`eval::Options::max_instances`]).
    pub max_instances: Option<usize>,
}

/// A stage of [`check`], as [`Options::progress`] is told of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Load,
    Resolve,
    Check,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load and parse",
            Stage::Resolve => "resolve",
            Stage::Check => "check",
        }
    }
}

/// A project loaded, resolved and checked. A copy serves for another inventory without checking
/// the model again.
#[derive(Clone)]
pub struct Checked {
    /// Every file of the project, and the inventory when it has problems to point at.
    pub sources: SourceMap,
    pub model: Model,
    /// Every diagnostic so far, sorted ([`diagnostics::sort`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Filled by the LSM rules, else on first use.
    statics: OnceCell<Statics>,
    /// What `lsm::all` reads ([`Checked::read_inventory`]).
    inventory: Option<Rc<Inventory>>,
    /// The inventory file read without problems, until its attribute sets have been checked.
    inventory_file: Option<InventoryFile>,
    /// The inventory among the sources, once a check found problems in it.
    inventory_source: Option<FileId>,
    /// The length of the inventory's text while it is set aside
    /// ([`Checked::set_aside_inventory_text`]).
    inventory_aside: Option<usize>,
}

/// Loads the project, resolves it and runs the LSM rules (unless they are off). Never stops at
/// a user error.
pub fn check(input: &Input, options: Options) -> Checked {
    check_cached(input, options, None)
}

/// [`check`], parsing only the files that changed since the last check with `cache` (an
/// editor's, which checks the project again after each edit).
pub fn check_cached(input: &Input, options: Options, cache: Option<&ParseCache>) -> Checked {
    let progress = |stage: Stage| {
        if let Some(progress) = options.progress {
            progress(stage);
        }
    };
    let (project, mut all) =
        project::load_cached(input.main_name, input.main_text, input.files, cache);
    all.extend(project.unreadable.iter().map(unreadable_module));
    progress(Stage::Load);
    let (model, sources, resolve_diagnostics) = crate::resolve::resolve(project);
    progress(Stage::Resolve);
    all.extend(resolve_diagnostics);
    // Definition-time checks read types that resolved; on a model that did not, they would
    // only repeat its errors.
    if !diagnostics::has_errors(&all) {
        all.extend(crate::check::names::check(&model));
        all.extend(crate::check::constructors::check(&model));
        all.extend(crate::check::python_plugins::check(&model, input.files));
    }
    if !diagnostics::has_errors(&all) {
        all.extend(eval::definitions::check_defaults(&model, &sources));
    }
    let statics = OnceCell::new();
    if options.lsm_checks {
        let (collected, check_diagnostics) = crate::check::check(&model);
        all.extend(check_diagnostics);
        let _ = statics.set(collected);
        progress(Stage::Check);
    }
    diagnostics::sort(&mut all);
    Checked {
        sources,
        model,
        diagnostics: all,
        statics,
        inventory: None,
        inventory_file: None,
        inventory_source: None,
        inventory_aside: None,
    }
}

/// The built-in `lsm` and `lsm::fsm` alone: where the lifecycles of `lsm::fsm` are found
/// outside a project.
pub fn lsm_modules() -> Checked {
    let input = Input {
        main_name: "main.cf",
        main_text: "import lsm\nimport lsm::fsm\n",
        files: &MemoryFiles::default(),
    };
    check(&input, Options::default())
}

fn no_inventory_to_validate(id: &str) -> Diagnostic {
    Diagnostic::error(
        codes::VALIDATE_UNKNOWN_INSTANCE,
        format!("--validate {id}: there is no inventory to find the service instance in"),
    )
    .with_help("a validation compile validates one service instance of the inventory: give the inventory with --inventory")
}

/// The records of an inventory as [`export::instance::inventory::check`] reads them.
struct InventoryRecords<'a> {
    inventory: &'a Inventory,
    text: &'a str,
    /// Where the first records are in the text, found when a problem is to be shown: the scan
    /// goes as far as the records asked for (a problem is often in one of the first).
    places: std::cell::RefCell<Vec<(usize, usize)>>,
    /// The last record found by its id, and where it starts: records are asked for in file
    /// order, so a search for a later one starts there.
    last_found: std::cell::Cell<Option<(usize, usize)>>,
}

impl InventoryRecords<'_> {
    /// Where record `i` starts, found by its id as the file most likely spells it: a search for
    /// a string is much faster than a scan of the JSON up to the record. `None` when its `id`
    /// member is not the first one or is spelt otherwise.
    fn find_by_id(&self, i: usize) -> Option<usize> {
        let record = &self.inventory.records[i];
        let needle = serde_json::to_string(&*record.id).ok()?;
        let text = self.text;
        let from = match self.last_found.get() {
            Some((j, start)) if j <= i => start,
            _ => 0,
        };
        for (at, _) in text[from..].match_indices(&needle) {
            let at = from + at;
            let Some(start) = text[..at].rfind('{') else {
                continue;
            };
            let is_it = |key: &str, value: &str| {
                locate(&text[start..], &[Seg::Key(key.into())]).is_some_and(|found| {
                    serde_json::from_str::<String>(&text[start..][found.value])
                        .ok()
                        .as_deref()
                        == Some(value)
                })
            };
            if is_it("id", &record.id) && is_it("service_entity", &record.service_entity) {
                self.last_found.set(Some((i, start)));
                return Some(start);
            }
        }
        None
    }
}

impl export::instance::inventory::Records for InventoryRecords<'_> {
    type Format = eval::inventory_json::ModelJson;

    fn count(&self) -> usize {
        self.inventory.records.len()
    }

    fn head(&self, i: usize) -> export::instance::inventory::RecordHead<'_> {
        let r = &self.inventory.records[i];
        export::instance::inventory::RecordHead {
            id: &r.id,
            service_entity: &r.service_entity,
            version: r.service_entity_version,
            state: &r.state,
            deleted: r.deleted,
        }
    }

    fn set(&self, i: usize, name: &str) -> Option<&eval::value::Value> {
        match self.inventory.records[i].attribute_set(name) {
            v @ eval::value::Value::Dict(_) => Some(v),
            _ => None,
        }
    }

    fn place(&self, i: usize) -> Option<std::ops::Range<usize>> {
        if let Some(start) = self.find_by_id(i) {
            return Some(start..self.text.len());
        }
        // Without problems in the file, record i is element i of its array.
        let mut places = self.places.borrow_mut();
        if i >= places.len() {
            let wanted = (i + 1).max(places.len() * 2);
            *places = eval::inventory::record_places(self.text, wanted);
        }
        places.get(i).map(|&(s, e)| s..e)
    }
}

fn unreadable_module((module, reason, span): &(String, String, Span)) -> Diagnostic {
    Diagnostic::error(
        codes::UNREADABLE_MODULE,
        format!("could not read module {module}: {reason}"),
    )
    .with_label(Label::primary(*span, "imported here"))
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }

    /// The static values of the top-level statements.
    pub fn statics(&self) -> &Statics {
        self.statics.get_or_init(|| Statics::collect(&self.model))
    }

    /// The diagnostics so far with `more`, sorted.
    pub fn diagnostics_with(&self, more: impl IntoIterator<Item = Diagnostic>) -> Vec<Diagnostic> {
        let mut all = self.diagnostics.clone();
        all.extend(more);
        diagnostics::sort(&mut all);
        all
    }

    /// Reads the inventory that `lsm::all` reads. Its problems join the diagnostics, so that
    /// one run shows the model's and the inventory's; its text joins the sources only when it
    /// has problems to point at: nothing later refers to it, and it is as large as the
    /// inventory.
    pub fn read_inventory(&mut self, file: InventoryFile) {
        let id = FileId(self.sources.len() as u32);
        let (inventory, problems) = eval::inventory::parse(&file.text, id);
        if !problems.is_empty() {
            let added = self.sources.add(file.name, file.text);
            debug_assert_eq!(added, id);
            self.diagnostics.extend(problems);
            diagnostics::sort(&mut self.diagnostics);
        } else {
            self.inventory_file = Some(file);
        }
        self.inventory = Some(Rc::new(inventory));
    }

    /// Checks the inventory read by [`Checked::read_inventory`] against the catalog before
    /// evaluation (see [`export::instance::inventory`]): what the records' heads tell, and every
    /// attribute set the compile reads against its version's schema; the problems join the
    /// diagnostics, and the inventory joins the sources when it has some. `validate`: the
    /// instance of a validation compile. Nothing to check when the model has errors or no
    /// catalog.
    pub fn check_inventory(&mut self, validate: Option<&str>) {
        if self.inventory_file.is_none() {
            if let Some(id) = validate.map(str::trim).filter(|v| !v.is_empty()) {
                if self.inventory.is_none() {
                    self.diagnostics.push(no_inventory_to_validate(id));
                }
            }
            return;
        }
        let parts = export::instance::inventory::Parts {
            heads: true,
            sets: true,
        };
        let found = self.inventory_problems(validate, parts);
        // The text is as large as the inventory: not kept through the evaluation.
        self.inventory_file = None;
        if !found.is_empty() {
            self.diagnostics.extend(found);
            diagnostics::sort(&mut self.diagnostics);
        }
    }

    fn inventory_problems(
        &mut self,
        validate: Option<&str>,
        parts: export::instance::inventory::Parts,
    ) -> Vec<Diagnostic> {
        let (Some(inventory), false) = (self.inventory.clone(), self.has_errors()) else {
            return Vec::new();
        };
        let Some(file) = self.inventory_file.as_ref() else {
            return Vec::new();
        };
        // The heads need only the bound names; the sets, the schemas.
        let catalog = if parts.sets {
            match self.catalog() {
                Ok(catalog) => catalog,
                Err(_) => return Vec::new(),
            }
        } else {
            export::bound_services(&self.model, self.statics())
        };
        let id = self
            .inventory_source
            .unwrap_or(FileId(self.sources.len() as u32));
        let records = InventoryRecords {
            inventory: &inventory,
            text: &file.text,
            places: Default::default(),
            last_found: Default::default(),
        };
        let found = export::instance::inventory::check(
            &catalog,
            &records,
            export::instance::inventory::InventoryText {
                text: &file.text,
                file: id,
            },
            validate,
            parts,
        );
        drop(records);
        // The text joins the sources (moved, not copied) only when a problem points into it.
        let file = self.inventory_file.take();
        if let (false, None, Some(file)) = (found.is_empty(), self.inventory_source, file) {
            let added = self.sources.add(file.name, file.text);
            debug_assert_eq!(added, id);
            self.inventory_source = Some(added);
        }
        found
    }

    /// Evaluates the model over the inventory; `None` when an earlier stage found an error.
    /// The static values are let go first: evaluation does not read them, and a large run
    /// reuses their memory (they are collected again when asked for).
    pub fn evaluate(&mut self, options: EvalOptions) -> Option<Evaluated<'_>> {
        if self.has_errors() {
            return None;
        }
        self.statics.take();
        let this = &*self;
        let options = eval::Options {
            inventory: this.inventory.clone(),
            validate: options.validate,
            no_instances: options.no_instances,
            max_steps: options.max_steps,
            host: options.host,
            plugin_host: options.plugin_host,
            max_instances: options.max_instances,
        };
        let eval::Evaluation {
            runtime,
            diagnostics: found,
        } = eval::evaluate(&this.model, &this.sources, options);
        let mut found = found;
        // The records the error came from: labelled in the inventory when it is among the
        // sources, else left for [`Checked::place_error_records`].
        let records: Vec<Str> = runtime
            .error_record
            .iter()
            .chain(runtime.collided_record.iter())
            .cloned()
            .collect();
        let unplaced_records = match this.inventory_source {
            Some(file) if this.inventory_aside.is_none() => {
                this.label_error_records(&mut found, file, &records);
                Vec::new()
            }
            _ => records,
        };
        let all = this.diagnostics_with(found);
        let drawings = if diagnostics::has_errors(&all) {
            Vec::new()
        } else {
            runtime
                .rendered
                .iter()
                .map(|name| this.lifecycle(name).map(|l| export::dot::render(&l)))
                .collect()
        };
        Some(Evaluated {
            sources: &this.sources,
            runtime,
            drawings,
            diagnostics: all,
            unplaced_records,
        })
    }

    /// Lets go of the inventory's text for the evaluation when diagnostics point into it (it
    /// is as large as the inventory, and the evaluation does not read it): a caller that
    /// renders them reads the file again and gives it back with
    /// [`Checked::restore_inventory_text`]. Until then, the labels of an evaluation error in the
    /// inventory are left to [`Checked::place_error_records`]. Whether a text was set aside.
    pub fn set_aside_inventory_text(&mut self) -> bool {
        let Some(id) = self.inventory_source else {
            return false;
        };
        if self.inventory_aside.is_none() {
            let text = self.sources.take_text(id);
            self.inventory_aside = Some(text.len());
        }
        true
    }

    /// Gives back the inventory's text set aside by [`Checked::set_aside_inventory_text`], read
    /// again: the caller makes sure that the file did not change since it was read first, and
    /// gives `None` when it did or can not be read. Then, and for a text whose length or
    /// characters do not fit the labels in it, a blank text of the first one's length and lines
    /// stands for it, so that every span still falls inside it, and each of `diagnostics`
    /// labelled in it gets a note.
    pub fn restore_inventory_text(&mut self, text: Option<String>, diagnostics: &mut [Diagnostic]) {
        let (Some(len), Some(id)) = (self.inventory_aside.take(), self.inventory_source) else {
            return;
        };
        let fits = |text: &str| {
            text.len() == len
                && diagnostics.iter().chain(&self.diagnostics).all(|d| {
                    d.labels.iter().filter(|l| l.span.file == id).all(|l| {
                        text.is_char_boundary(l.span.start as usize)
                            && text.is_char_boundary(l.span.end as usize)
                    })
                })
        };
        let given_back = text
            .filter(|text| fits(text))
            .is_some_and(|text| self.sources.give_back_text(id, text).is_ok());
        if !given_back {
            const NOTE: &str = "the inventory file changed during the compile, or can not be read again: its text is not shown";
            for diagnostic in diagnostics.iter_mut().chain(self.diagnostics.iter_mut()) {
                if diagnostic.labels.iter().any(|l| l.span.file == id) {
                    diagnostic.notes.push(NOTE.into());
                }
            }
            self.sources.blank_text(id, len);
        }
    }

    /// Labels the inventory records an evaluation error came from
    /// ([`Evaluated::unplaced_records`]) in the inventory file, given again: its text is let go
    /// before evaluation when the inventory check found nothing (it is as large as the
    /// inventory), so a caller that wants the places reads the file again, on the error path
    /// only. The text joins the sources; `diagnostics` are the run's, with one error.
    pub fn place_error_records(
        &mut self,
        diagnostics: &mut [Diagnostic],
        records: &[Str],
        file: InventoryFile,
    ) {
        if records.is_empty() {
            return;
        }
        let file = match self.inventory_source {
            Some(id) => id,
            None => {
                let id = self.sources.add(file.name, file.text);
                self.inventory_source = Some(id);
                id
            }
        };
        let mut errors = diagnostics.iter_mut().filter(|d| d.is_error());
        if let (Some(error), None) = (errors.next(), errors.next()) {
            self.label_error_records(std::slice::from_mut(error), file, records);
        }
    }

    /// The evaluation error that came from the work of inventory records `records` (the one whose
    /// work raised it, then the one whose value it met) gets a label on each record in `file`,
    /// the inventory among the sources (its notes name the records anyway).
    fn label_error_records(&self, found: &mut [Diagnostic], file: FileId, records: &[Str]) {
        let (Some(inventory), [diagnostic]) = (self.inventory.as_deref(), found) else {
            return;
        };
        let text = &self.sources.get(file).text;
        let places = InventoryRecords {
            inventory,
            text,
            places: Default::default(),
            last_found: Default::default(),
        };
        for (n, id) in records.iter().enumerate() {
            let Some(index) = inventory.records.iter().position(|r| r.id == *id) else {
                continue;
            };
            let Some(place) = export::instance::inventory::Records::place(&places, index) else {
                continue;
            };
            let record = &inventory.records[index];
            // On the record's id; nothing when the text there is not this record's (a file that
            // changed since it was read).
            let Some(at) = locate(&text[place.clone()], &[Seg::Key("id".into())])
                .map(|found| found.value)
                .filter(|at| {
                    serde_json::from_str::<String>(
                        &text[place.start + at.start..place.start + at.end],
                    )
                    .is_ok_and(|spelt| spelt == *record.id)
                })
            else {
                continue;
            };
            let what = if n == 0 {
                format!("service instance {}", eval::origin::describe(record))
            } else {
                format!(
                    "service instance {}, whose value was set first",
                    eval::origin::describe(record)
                )
            };
            diagnostic.labels.push(Label::secondary(
                Span::new(file, place.start + at.start, place.start + at.end),
                what,
            ));
        }
    }

    /// The service catalog; `Err` holds every diagnostic (sorted) when the model has errors or
    /// the LSM rules refuse it.
    pub fn catalog(&self) -> Result<Catalog, Vec<Diagnostic>> {
        if self.has_errors() {
            return Err(self.diagnostics.clone());
        }
        export::catalog(&self.model, self.statics())
            .map_err(|problems| self.diagnostics_with(problems))
    }

    /// A lifecycle, by the top-level variable that holds it, by its name, or by the name of a
    /// service whose binding has it (the default version's).
    pub fn lifecycle(&self, name: &str) -> Result<Lifecycle, String> {
        export::lifecycle_named(&self.model, self.statics(), name).or_else(|not_found| {
            let Ok(catalog) = self.catalog() else {
                return Err(not_found);
            };
            if let Some(entity) = catalog.service(name).and_then(|s| s.default_entity()) {
                return Ok(entity.lifecycle.clone());
            }
            if catalog.services.is_empty() {
                return Err(not_found);
            }
            let services: Vec<&str> = catalog.services.iter().map(|s| s.name.as_str()).collect();
            Err(format!(
                "{not_found}; nor a service of that name (services: {})",
                services.join(", ")
            ))
        })
    }

    /// The service instances of an inventory, each with the span of its record, for the
    /// version rules of `lsmc export --previous`. The inventory joins the sources; `Err` holds
    /// every diagnostic (sorted) when it has errors.
    pub fn previous_instances(
        &mut self,
        file: InventoryFile,
    ) -> Result<Vec<Instance>, Vec<Diagnostic>> {
        let file = self.sources.add(file.name, file.text);
        let text = &self.sources.get(file).text;
        let (inventory, problems) = eval::inventory::parse(text, file);
        if diagnostics::has_errors(&problems) {
            return Err(self.diagnostics_with(problems));
        }
        // Without errors, record i is element i of the array (or of `data`).
        let wrapped = text.trim_start().starts_with('{');
        Ok(inventory
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut pointer = Vec::new();
                if wrapped {
                    pointer.push(Seg::Key("data".into()));
                }
                pointer.push(Seg::Index(i));
                Instance {
                    id: r.id.to_string(),
                    service_entity: r.service_entity.to_string(),
                    service_entity_version: r.service_entity_version,
                    deleted: r.deleted,
                    span: locate(text, &pointer)
                        .map(|l| Span::new(file, l.value.start, l.value.end)),
                }
            })
            .collect())
    }
}

/// An evaluated model.
pub struct Evaluated<'c> {
    /// The sources of the [`Checked`] it was evaluated from.
    pub sources: &'c SourceMap,
    /// The instances, what `std::print` printed and which lifecycles `lsm::render_dot` drew.
    pub runtime: Runtime<'c>,
    /// The DOT text of each lifecycle `lsm::render_dot` drew, in call order (`Err`: why it can
    /// not be drawn); none when the run has errors.
    pub drawings: Vec<Result<String, String>>,
    /// Every diagnostic of the run, the checks' and the evaluation's, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The inventory records the error of the run came from, when the inventory is not among
    /// the sources to label them in: see [`Checked::place_error_records`].
    pub unplaced_records: Vec<Str>,
}

impl<'c> Evaluated<'c> {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }

    /// Every instance (`config_only`: of `main.cf`'s types only) in the reference's dump format.
    pub fn dump(&mut self, config_only: bool) -> eval::dump::Dump<'_, 'c> {
        eval::dump::dump(&mut self.runtime, config_only)
    }
}
