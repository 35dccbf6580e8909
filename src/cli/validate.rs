//! `lsmc validate-instance NAME FILE [PATH] [--version N] [--update OLD] [--migrate-to V]`:
//! validates a service instance's attribute set against a version of the service (its JSON
//! Schema and the attribute modifiers), as the orchestrator's API would on create, update or
//! `update_entity_version`. Problems point into FILE (and OLD).
//!
//! FILE is either an attribute set (a JSON object of attributes) or an instance record as the
//! LSM API returns it (`candidate_attributes`, `active_attributes`, `rollback_attributes`, ...).

use std::path::{Path, PathBuf};

use lsmc::diagnostics::{Diagnostic, Label};
use lsmc::driver::Checked;
use lsmc::export::instance::{self, locate, Check, Problem, Seg};
use lsmc::export::ServiceEntity;
use lsmc::source::{FileId, Span};
use serde_json::Value as Json;

use super::export::{catalog_of, find_version};
use super::fs::{display_name, read, uri_of};
use super::{report, tool_failure, Status};
use crate::OutputOptions;

#[derive(clap::Args)]
pub struct ValidateArgs {
    /// The service entity name (`service_entity_name` of its binding).
    pub name: String,
    /// The attribute set (a JSON object), or an instance record as the LSM API returns it.
    pub file: PathBuf,
    /// The project folder or .cf file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The version (default: the record's version, else the service's default version).
    #[arg(long)]
    pub version: Option<i64>,
    /// Validate FILE as an update of this attribute set (or instance record).
    #[arg(long, value_name = "OLD.json")]
    pub update: Option<PathBuf>,
    /// Validate the attribute sets against this version instead (update_entity_version).
    #[arg(long, value_name = "VERSION", conflicts_with = "update")]
    pub migrate_to: Option<i64>,
    /// A virtual environment or site-packages folder with v2 modules (repeatable).
    #[arg(long = "python-path")]
    pub python_paths: Vec<PathBuf>,
}

const SETS: [&str; 3] = [
    "candidate_attributes",
    "active_attributes",
    "rollback_attributes",
];

/// An input file: where its text is and its JSON.
struct Input {
    file: FileId,
    json: Json,
}

/// An attribute set inside an input: the member of a record that holds it (`None`: the whole
/// file is the set).
#[derive(Clone, Copy)]
struct Set<'a> {
    input: &'a Input,
    key: Option<&'static str>,
    value: &'a Json,
}

impl Set<'_> {
    fn base(&self) -> Vec<Seg> {
        self.key
            .map(|k| vec![Seg::Key(k.into())])
            .unwrap_or_default()
    }
}

fn read_input(loaded: &mut Checked, path: &Path, output: &OutputOptions) -> Result<Input, Status> {
    let text = read(path).map_err(|m| tool_failure(&m, Some(output)))?;
    let json: Json = serde_json::from_str(&text).map_err(|e| {
        tool_failure(
            &format!("{} is not valid JSON: {e}", path.display()),
            Some(output),
        )
    })?;
    let file = loaded.sources.add(display_name(path), text);
    Ok(Input { file, json })
}

/// An instance record (what the LSM API returns) rather than an attribute set.
fn is_record(json: &Json) -> bool {
    json.as_object()
        .is_some_and(|o| SETS.iter().any(|k| o.contains_key(*k)))
}

/// The attribute sets of a record (objects; null or absent ones are left out).
fn record_sets<'a>(input: &'a Input, what: &Path) -> Result<Vec<Set<'a>>, String> {
    let mut sets = Vec::new();
    for key in SETS {
        match input.json.get(key) {
            None | Some(Json::Null) => {}
            Some(value @ Json::Object(_)) => sets.push(Set {
                input,
                key: Some(key),
                value,
            }),
            Some(_) => {
                return Err(format!(
                    "`{key}` of the instance in {} is neither an object nor null",
                    what.display()
                ))
            }
        }
    }
    if sets.is_empty() {
        return Err(format!(
            "the instance in {} has no attribute set (candidate, active or rollback)",
            what.display()
        ));
    }
    Ok(sets)
}

/// The set of a file that an update compares: for a record, `first` if it has it, else the
/// other one.
fn chosen<'a>(
    input: &'a Input,
    what: &Path,
    first: &'static str,
    second: &'static str,
) -> Result<Set<'a>, String> {
    if !is_record(&input.json) {
        return Ok(Set {
            input,
            key: None,
            value: &input.json,
        });
    }
    let sets = record_sets(input, what)?;
    sets.iter()
        .find(|s| s.key == Some(first))
        .or_else(|| sets.iter().find(|s| s.key == Some(second)))
        .copied()
        .ok_or_else(|| {
            format!(
                "the instance in {} has neither `{first}` nor `{second}`",
                what.display()
            )
        })
}

pub fn run(args: &ValidateArgs, output: &OutputOptions) -> Status {
    let start = std::time::Instant::now();
    let (catalog, mut loaded) = match catalog_of(&args.path, &args.python_paths, output) {
        Ok(found) => found,
        Err(status) => return status,
    };
    let instance = match read_input(&mut loaded, &args.file, output) {
        Ok(i) => i,
        Err(status) => return status,
    };
    let old = match &args.update {
        Some(path) => match read_input(&mut loaded, path, output) {
            Ok(i) => Some(i),
            Err(status) => return status,
        },
        None => None,
    };
    let fail = |message: String| tool_failure(&message, Some(output));
    let record = is_record(&instance.json);
    let mut version = args.version;
    if record {
        if let Some(service) = instance.json.get("service_entity").and_then(Json::as_str) {
            if service != args.name {
                return fail(format!(
                    "the instance in {} is of service `{service}`, not `{}`",
                    args.file.display(),
                    args.name
                ));
            }
        }
        if let Some(v) = instance
            .json
            .get("service_entity_version")
            .and_then(Json::as_i64)
        {
            if version.is_some_and(|given| given != v) {
                return fail(format!(
                    "the instance in {} is of version {v}, not {}",
                    args.file.display(),
                    version.unwrap_or_default()
                ));
            }
            version = Some(v);
        }
    }
    let entity = match find_version(&catalog, &args.name, version) {
        Ok(e) => e,
        Err(message) => return fail(message),
    };

    // (set, problems, the set an update compares with)
    let mut found: Vec<(Set, Vec<Problem>, Option<Set>)> = Vec::new();
    let what;
    if let Some(target) = args.migrate_to {
        let target_entity = match find_version(&catalog, &args.name, Some(target)) {
            Ok(e) => e,
            Err(message) => return fail(message),
        };
        let sets = if record {
            match record_sets(&instance, &args.file) {
                Ok(sets) => sets,
                Err(message) => return fail(message),
            }
        } else {
            vec![Set {
                input: &instance,
                key: None,
                value: &instance.json,
            }]
        };
        for set in sets {
            let problems = instance::validate(target_entity, set.value, Check::SchemaOnly);
            found.push((set, problems, None));
        }
        what = format!(
            "migration from version {} to version {target}",
            entity.version
        );
        return finish(
            &args.name,
            target_entity,
            &found,
            &loaded,
            &what,
            output,
            start,
        );
    }
    if let Some(old) = &old {
        let old_path = args.update.as_deref().unwrap_or(Path::new("OLD"));
        let sets = chosen(
            &instance,
            &args.file,
            "candidate_attributes",
            "active_attributes",
        )
        .and_then(|new| {
            chosen(old, old_path, "active_attributes", "candidate_attributes").map(|old| (new, old))
        });
        let (new, before) = match sets {
            Ok(pair) => pair,
            Err(message) => return fail(message),
        };
        if !before.value.is_object() {
            return fail(format!(
                "{} holds no attribute set (a JSON object)",
                old_path.display()
            ));
        }
        let problems = instance::validate(entity, new.value, Check::Update { old: before.value });
        found.push((new, problems, Some(before)));
        what = "update".to_string();
    } else if record {
        let sets = match record_sets(&instance, &args.file) {
            Ok(sets) => sets,
            Err(message) => return fail(message),
        };
        let active = sets
            .iter()
            .find(|s| s.key == Some("active_attributes"))
            .copied();
        for set in &sets {
            let (check, against) = match (set.key, active) {
                (Some("candidate_attributes"), Some(active)) => {
                    (Check::Stored { old: active.value }, Some(active))
                }
                _ => (Check::SchemaOnly, None),
            };
            let problems = instance::validate(entity, set.value, check);
            found.push((*set, problems, against));
        }
        what = "instance".to_string();
    } else {
        let set = Set {
            input: &instance,
            key: None,
            value: &instance.json,
        };
        let problems = instance::validate(entity, set.value, Check::Create);
        found.push((set, problems, None));
        what = "create".to_string();
    }
    finish(&args.name, entity, &found, &loaded, &what, output, start)
}

/// Reports the problems (with the model's warnings) and returns the status.
fn finish(
    name: &str,
    entity: &ServiceEntity,
    found: &[(Set, Vec<Problem>, Option<Set>)],
    loaded: &Checked,
    what: &str,
    output: &OutputOptions,
    start: std::time::Instant,
) -> Status {
    let problems: Vec<Diagnostic> = found
        .iter()
        .flat_map(|(set, problems, against)| {
            problems
                .iter()
                .map(move |p| diagnostic(p, set, against.as_ref(), loaded))
        })
        .collect();
    let status = report(
        &loaded.diagnostics_with(problems),
        &loaded.sources,
        output,
        &uri_of,
    );
    if status == Status::Ok {
        let what = format!(
            "a valid {what} of service `{name}` version {}{}",
            entity.version,
            super::warnings_note(&loaded.diagnostics)
        );
        super::summary(output, false, start, &what);
    }
    status
}

/// The span of a pointer in a set's file: the key of an unknown attribute, else the value; a
/// value over several lines is shown by its first character.
fn span_of(set: &Set, pointer: &[Seg], at_key: bool, loaded: &Checked) -> Option<Span> {
    let text = &loaded.sources.get(set.input.file).text;
    let mut full = set.base();
    full.extend(pointer.iter().cloned());
    let found = locate(text, &full)?;
    let range = match (at_key, found.key) {
        (true, Some(key)) => key,
        _ => found.value,
    };
    let end = if text[range.clone()].contains('\n') {
        range.start + 1
    } else {
        range.end
    };
    Some(Span::new(set.input.file, range.start, end))
}

fn diagnostic(p: &Problem, set: &Set, against: Option<&Set>, loaded: &Checked) -> Diagnostic {
    let message = match set.key {
        Some(key) => format!("{key}: {}", p.text()),
        None => p.text(),
    };
    let mut d = Diagnostic::error(p.code, message);
    if let Some(span) = span_of(set, &p.pointer, p.at_key, loaded) {
        d = d.with_label(Label::primary(span, p.label.clone()));
    }
    if let (Some(old_pointer), Some(before)) = (&p.old_pointer, against) {
        if let Some(span) = span_of(before, old_pointer, false, loaded) {
            d = d.with_label(Label::secondary(span, "before the update"));
        }
    }
    d
}
