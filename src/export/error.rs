//! The errors of the export, as data; worded here, and only here.

use crate::diagnostics::{codes, Diagnostic, Label};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// `what` (a value the catalog needs) is not known without evaluation.
    ValueNotStatic { what: String, span: Span },
    /// A version differs from the catalog on record. `recorded` and `current`: the version numbers
    /// on record and in the model; `places`: the version's constructor and the binding, when the
    /// model has the service; `differences`: what changed, one line each.
    VersionChanged {
        service: String,
        version: i64,
        recorded: Vec<i64>,
        current: Vec<i64>,
        places: Option<(Span, Span)>,
        differences: Vec<String>,
    },
    /// A version on record that the model no longer has, while instances hold it. `binding`: the
    /// binding, when the model still has the service; `instances`: the ids of the instances that
    /// hold it, with their places in the inventory.
    VersionRemoved {
        service: String,
        version: i64,
        service_exists: bool,
        binding: Option<Span>,
        instances: Vec<(String, Option<Span>)>,
    },
}

fn list(numbers: &[i64]) -> String {
    let words: Vec<String> = numbers.iter().map(i64::to_string).collect();
    words.join(", ")
}

impl From<ExportError> for Diagnostic {
    fn from(error: ExportError) -> Diagnostic {
        match error {
            ExportError::ValueNotStatic { what, span } => Diagnostic::error(
                codes::CATALOG_VALUE_NOT_STATIC,
                format!("{what} is not known without evaluating the model, so the catalog can not be exported"),
            )
            .with_label(Label::primary(span, "here"))
            .with_help("write it as a literal, a top-level variable or a constructor call"),
            ExportError::VersionChanged {
                service: name,
                version,
                recorded,
                current,
                places,
                differences,
            } => {
                let why = if version == 0 {
                    let versions = if recorded == [0] {
                        format!("the model now has versions {}", list(&current))
                    } else {
                        format!("the catalog on record has versions {}", list(&recorded))
                    };
                    format!(
                        "version 0 may only change while it is the only version of the service, and {versions}"
                    )
                } else {
                    "an existing version of a service can not be changed; only version 0 may, while it is the only version".to_string()
                };
                let mut d = Diagnostic::error(
                    codes::CATALOG_VERSION_CHANGED,
                    format!("version {version} of service `{name}` differs from the catalog on record: {why}"),
                )
                .with_help(format!(
                    "leave version {version} as it is on record and add a new version (`lsm::ServiceBindingVersion(..., version=N)` in `versions`) with the change"
                ));
                if let Some((at, binding)) = places {
                    d = d.with_label(Label::primary(at, format!("version {version} of `{name}`")));
                    if at != binding {
                        d = d.with_label(Label::secondary(binding, format!("service `{name}`")));
                    }
                }
                const SHOWN: usize = 8;
                for line in differences.iter().take(SHOWN) {
                    d = d.with_note(line.clone());
                }
                if differences.len() > SHOWN {
                    d = d.with_note(format!(
                        "and {} more differences",
                        differences.len() - SHOWN
                    ));
                }
                d
            }
            ExportError::VersionRemoved {
                service: name,
                version,
                service_exists,
                binding,
                instances,
            } => {
                const SHOWN: usize = 3;
                let ids: Vec<&str> = instances
                    .iter()
                    .take(SHOWN)
                    .map(|(id, _)| id.as_str())
                    .collect();
                let more = if instances.len() > SHOWN {
                    format!(" and {} more", instances.len() - SHOWN)
                } else {
                    String::new()
                };
                let what = if service_exists {
                    format!("version {version} of service `{name}` was removed")
                } else {
                    format!("service `{name}` was removed, with its version {version}")
                };
                let count = instances.len();
                let mut d = Diagnostic::error(
                    codes::CATALOG_VERSION_REMOVED,
                    format!(
                        "{what}, but {count} instance{} in the inventory still use{} it: {}{more}",
                        if count == 1 { "" } else { "s" },
                        if count == 1 { "s" } else { "" },
                        ids.join(", ")
                    ),
                )
                .with_help(format!(
                    "a version with instances can not be removed: keep version {version}, or first migrate its instances to another version (`update_entity_version`) or delete them"
                ));
                let mut primary = false;
                if let (Some(binding), true) = (binding, service_exists) {
                    d = d.with_label(Label::primary(
                        binding,
                        format!("`{name}` no longer has version {version}"),
                    ));
                    primary = true;
                }
                for (id, span) in instances.iter().take(SHOWN) {
                    if let Some(span) = span {
                        let text = format!("instance {id} of version {version}");
                        d = d.with_label(if primary {
                            Label::secondary(*span, text)
                        } else {
                            primary = true;
                            Label::primary(*span, text)
                        });
                    }
                }
                d
            }
        }
    }
}
