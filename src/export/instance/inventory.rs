//! The check of a service inventory against the catalog, before a compile evaluates it: every
//! record's attribute set that the compile reads is validated against the schema of its service
//! version (and, for a candidate set next to an active one, the attribute modifiers), and every
//! problem of every record is reported at once, with the instance id and the place in the
//! inventory file.
//!
//! What the compile may not read is not refused: a record of a service that no binding names
//! (one warning per name), attributes that the version does not define or that records lack (one
//! warning per attribute and version, with the count of records), sets of states that the
//! compile skips.

use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use super::{keys, locate, Check, Pointer, Prepared, SchemaError, SchemaErrorKind, Seg, Verdict};
use crate::diagnostics::{codes, suggest, Diagnostic, Label};
use crate::export::{Catalog, ServiceEntity, State};
use crate::source::{FileId, Span};
use jsonschema::json::{Json as JsonRepr, Node};

/// What the check reads of a record.
pub struct RecordHead<'a> {
    pub id: &'a str,
    pub service_entity: &'a str,
    pub version: i64,
    pub state: &'a str,
    pub deleted: bool,
}

/// The records of an inventory, as the check reads them.
pub trait Records {
    /// How the attribute sets are held: the `jsonschema` crate reads them in place.
    type Format: JsonRepr;
    fn count(&self) -> usize;
    fn head(&self, i: usize) -> RecordHead<'_>;
    /// A set (`candidate`, `active`, `rollback`) as read; `None` when null or absent.
    fn set(&self, i: usize, name: &str) -> Option<<Self::Format as JsonRepr>::Node<'_>>;
    /// Where record `i` is in the inventory text (it may run on past the record's end).
    fn place(&self, i: usize) -> Option<Range<usize>>;
}

/// The inventory file: its text, and its id in the sources.
#[derive(Clone, Copy)]
pub struct InventoryText<'a> {
    pub text: &'a str,
    pub file: FileId,
}

/// Which parts of the check run.
#[derive(Clone, Copy)]
pub struct Parts {
    /// What the heads of the records tell (an unknown `--validate` id, unbound service
    /// entities): cheap, as the records are counted.
    pub heads: bool,
    /// Every attribute set the compile reads against its schema and modifiers: the costly part,
    /// run when asked or when a compile has failed.
    pub sets: bool,
}

/// Checks the records against the catalog. `validate`: the instance of a validation compile.
pub fn check<R: Records>(
    catalog: &Catalog,
    records: &R,
    inventory: InventoryText,
    validate: Option<&str>,
    parts: Parts,
) -> Vec<Diagnostic> {
    let validate = validate.map(str::trim).filter(|v| !v.is_empty());
    let mut out = Vec::new();
    let mut prepared: HashMap<(&str, i64), Option<Prepared<R::Format>>> = HashMap::default();
    let mut shapes: HashMap<(&str, i64), Shapes> = HashMap::default();
    // Service entity name -> (records, the first one), in the order of the file.
    let mut unbound: Vec<(String, usize, usize)> = Vec::new();
    // (service, version, set, attribute, missing, where) -> (records, the first one, where in it).
    let mut grouped: Vec<(Group, usize, usize, Pointer)> = Vec::new();
    let mut validate_found = validate.is_none();
    for i in 0..records.count() {
        let head = records.head(i);
        if validate == Some(head.id) {
            validate_found = true;
        }
        if head.deleted {
            continue;
        }
        let Some(service) = catalog
            .services
            .iter()
            .find(|s| s.name == head.service_entity)
        else {
            if parts.heads {
                match unbound.iter_mut().find(|u| u.0 == head.service_entity) {
                    Some(u) => u.1 += 1,
                    None => unbound.push((head.service_entity.to_string(), 1, i)),
                }
            }
            continue;
        };
        if !parts.sets {
            continue;
        }
        // A version or state the model does not have: evaluation names the instance.
        let version = prepared
            .entry((service.name.as_str(), head.version))
            .or_insert_with(|| {
                service
                    .versions
                    .iter()
                    .find(|v| v.version == head.version)
                    .map(Prepared::new)
            });
        let Some(version) = version else {
            continue;
        };
        let entity = version.entity();
        let Some(state) = entity
            .lifecycle
            .states
            .iter()
            .find(|s| s.name == head.state)
        else {
            continue;
        };
        let Some(set_name) = read_set(state, validate, head.id) else {
            continue;
        };
        let Some(value) = records.set(i, set_name) else {
            let key = format!("{set_name}_attributes");
            out.push(null_set(records, inventory, i, &head, &key, entity));
            continue;
        };
        let active_value = (set_name == "candidate")
            .then(|| records.set(i, "active"))
            .flatten();
        // The model reads the attributes it names: one it does not name, or one a record lacks,
        // may be harmless to the compile (and evaluation names a missing one read). Grouped
        // before they are worded: thousands of records may share one.
        let mut group = |pointer: &[Seg], name: &str, missing: bool| {
            // Compared before a key is made: most records repeat a group.
            let same = |g: &Group| {
                g.0 == entity.name
                    && g.1 == entity.version
                    && g.2 == set_name
                    && g.3 == name
                    && g.4 == missing
                    && same_shape(&g.5, pointer)
            };
            // From the last: the records of a service come together, and so do their groups.
            match grouped.iter_mut().rev().find(|g| same(&g.0)) {
                Some(g) => g.1 += 1,
                None => grouped.push((
                    (
                        entity.name.as_str(),
                        entity.version,
                        set_name,
                        name.to_string(),
                        missing,
                        pointer_shape(pointer),
                    ),
                    1,
                    i,
                    pointer.to_vec(),
                )),
            }
        };
        // The compiled schema's verdict, on the values as read; a set is converted to JSON
        // and looked at closely only when the verdict, or the rules a schema can not express,
        // may find a problem in it.
        let verdicts = shapes
            .entry((service.name.as_str(), head.version))
            .or_default()
            .verdicts(version, value.clone());
        let mut other = verdicts.is_none();
        for verdict in verdicts.iter().flat_map(|v| v.iter()) {
            match verdict {
                Verdict::Missing { pointer, name } => group(pointer, name, true),
                Verdict::Unknown { pointer, name } => group(pointer, name, false),
                Verdict::Other => other = true,
            }
        }
        if !other
            && active_value.is_none()
            && !keys::may_have_duplicates::<R::Format>(
                super::Members::service(entity),
                value.clone(),
            )
        {
            continue;
        }
        let key = format!("{set_name}_attributes");
        let set = value.to_value().into_owned();
        let active = active_value.map(|a| a.to_value().into_owned());
        let check = match &active {
            Some(old) => Check::Stored { old },
            None => Check::SchemaOnly,
        };
        // The missing and unknown attributes are grouped above.
        let mut errors = if other {
            version.schema_errors_of(value, &set)
        } else {
            Vec::new()
        };
        errors.retain(|e| !groups(e));
        for problem in version.problems(&set, errors, check) {
            let span = span_of(
                records,
                inventory,
                i,
                &key,
                &problem.pointer,
                problem.at_key,
            );
            let mut d = Diagnostic::error(
                problem.code,
                format!(
                    "service instance `{}` ({} version {}): {key}: {}",
                    head.id,
                    entity.name,
                    entity.version,
                    problem.text()
                ),
            )
            .with_label(Label::primary(span, problem.label.clone()))
            .with_help(format!(
                "each attribute set the compile reads must satisfy the schema of its service version (`lsmc schema {}`): correct the record, or the model",
                service.name
            ));
            if let (Some(old_pointer), true) = (&problem.old_pointer, active.is_some()) {
                let old = span_of(
                    records,
                    inventory,
                    i,
                    "active_attributes",
                    old_pointer,
                    false,
                );
                d = d.with_label(Label::secondary(old, "in active_attributes"));
            }
            out.push(d);
        }
    }
    for ((service, version, set_name, name, missing, _), count, first, pointer) in grouped {
        let head = records.head(first);
        let key = format!("{set_name}_attributes");
        let Some(node) = records.set(first, set_name) else {
            continue;
        };
        let set = node.to_value().into_owned();
        let Some(prepared) = prepared
            .values()
            .flatten()
            .find(|p| p.entity().name == service && p.entity().version == version)
        else {
            continue;
        };
        // lsmc's evaluator words it (and has the last word on whether it is one).
        let Some(error) = prepared.schema_errors_of(node, &set).into_iter().find(|e| {
            e.pointer == pointer
                && match &e.kind {
                    SchemaErrorKind::Missing { name: n } => missing && *n == name,
                    SchemaErrorKind::Unknown { name: n, .. } => !missing && *n == name,
                    _ => false,
                }
        }) else {
            continue;
        };
        let problem = prepared.problem(&set, error);
        let span = span_of(
            records,
            inventory,
            first,
            &key,
            &problem.pointer,
            problem.at_key,
        );
        out.push(
            Diagnostic::warning(
                codes::INVENTORY_ATTRIBUTE_MISMATCH,
                format!(
                    "{} of `{service}` version {version}: {key}: {}",
                    instances(count),
                    problem.text()
                ),
            )
            .with_label(Label::primary(
                span,
                format!("in service instance `{}`, the first of them", head.id),
            ))
            .with_help("the orchestrator's API would refuse such a set; the compile goes on, and fails only where the model reads what is missing: correct the records, or the model"),
        );
    }
    for (name, count, first) in unbound {
        let span = span_of_member(records, inventory, first, "service_entity");
        let hint = suggest::did_you_mean(&name, catalog.services.iter().map(|s| s.name.as_str()))
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        out.push(
            Diagnostic::warning(
                codes::INVENTORY_SERVICE_UNBOUND,
                format!(
                    "{} of service entity `{name}`, which no service binding of the model names: not compiled",
                    instances(count)
                ),
            )
            .with_label(Label::primary(span, "no binding has this service_entity_name"))
            .with_help(format!(
                "{hint}lsm::all reads the instances of a binding's `service_entity_name`; bound names: {}",
                bound_names(catalog)
            )),
        );
    }
    if let (Some(id), false, true) = (validate, validate_found, parts.heads) {
        let ids = (0..records.count()).map(|i| records.head(i).id);
        let hint = suggest::did_you_mean(id, ids)
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        out.push(
            Diagnostic::error(
                codes::VALIDATE_UNKNOWN_INSTANCE,
                format!("--validate {id}: the inventory has no service instance with this id"),
            )
            .with_label(Label::primary(
                whole(inventory),
                "the inventory that --validate refers to",
            ))
            .with_help(format!(
                "{hint}a validation compile validates one service instance of the inventory: give its `id`"
            )),
        );
    }
    out
}

/// The verdicts of one version's schema by the shape of the sets: sets that satisfy the relaxed
/// schema ([`Prepared::relaxed_is_valid`]) and have one shape have the same verdicts, so the
/// schema's errors are collected once per shape rather than once per record (at 10,000
/// services, most records share a handful of shapes).
#[derive(Default)]
struct Shapes {
    by_shape: HashMap<Box<[u64]>, std::rc::Rc<[Verdict]>>,
    scratch: Vec<u64>,
}

impl Shapes {
    /// Shapes beyond this many are not kept: sets of more varied shapes are checked one by one.
    const MOST: usize = 256;

    /// The verdicts of `version` on `set`, as [`Prepared::verdicts`].
    fn verdicts<'a, F: JsonRepr>(
        &mut self,
        version: &'a Prepared<F>,
        set: F::Node<'a>,
    ) -> Option<std::rc::Rc<[Verdict]>> {
        self.scratch.clear();
        shape_of::<F>(&set, &mut self.scratch);
        if let Some(known) = self.by_shape.get(&self.scratch[..]) {
            if version.relaxed_is_valid(set.clone()) == Some(true) {
                debug_assert_eq!(
                    version.verdicts(set).as_deref(),
                    Some(&known[..]),
                    "a set's verdicts are those of its shape"
                );
                return Some(known.clone());
            }
            return version.verdicts(set).map(Into::into);
        }
        let verdicts: std::rc::Rc<[Verdict]> = version.verdicts(set.clone())?.into();
        // A set with no verdict satisfies the relaxed schema too.
        if self.by_shape.len() < Self::MOST
            && (verdicts.is_empty() || version.relaxed_is_valid(set) == Some(true))
        {
            self.by_shape
                .insert(self.scratch.as_slice().into(), verdicts.clone());
        }
        Some(verdicts)
    }
}

/// The shape of a value, as a sequence of words: an object's member count and, for each
/// member, the address and length of its name, then the shape of its value; a list's length
/// and the shapes of its items; null or not for anything else. Names are told apart by address:
/// an inventory's are shared (one string per name), and its sets are all alive while it is
/// checked, so an address stands for one name. (A name that is not shared only makes a shape
/// that recurs less.)
fn shape_of<'a, F: JsonRepr>(node: &F::Node<'a>, out: &mut Vec<u64>) {
    use jsonschema::json::{Array, Object};
    const OBJECT: u64 = 1 << 62;
    const LIST: u64 = 1 << 61;
    if let Some(object) = node.as_object() {
        out.push(OBJECT | object.len() as u64);
        for (name, value) in object.members() {
            let name: &str = name.as_ref();
            out.push(name.as_ptr() as u64);
            out.push(name.len() as u64);
            shape_of::<F>(&value, out);
        }
    } else if let Some(items) = node.as_array() {
        out.push(LIST | items.len() as u64);
        for item in items.elements() {
            shape_of::<F>(&item, out);
        }
    } else {
        out.push(if node.is_null() { 1 } else { 2 });
    }
}

/// What records share a grouped problem by: service, version, set, attribute, missing (or
/// unknown), and where in the set (the pointer without its list indexes).
type Group<'c> = (&'c str, i64, &'c str, String, bool, Vec<Option<String>>);

/// A schema error that is grouped rather than reported per record.
fn groups(error: &SchemaError) -> bool {
    matches!(
        error.kind,
        SchemaErrorKind::Unknown { .. } | SchemaErrorKind::Missing { .. }
    )
}

fn same_shape(shape: &[Option<String>], pointer: &[Seg]) -> bool {
    shape.len() == pointer.len()
        && shape.iter().zip(pointer).all(|(s, p)| match (s, p) {
            (Some(s), Seg::Key(k)) => s == k,
            (None, Seg::Index(_)) => true,
            _ => false,
        })
}

fn pointer_shape(pointer: &[Seg]) -> Vec<Option<String>> {
    pointer
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(k.to_string()),
            Seg::Index(_) => None,
        })
        .collect()
}

fn instances(count: usize) -> String {
    if count == 1 {
        "1 service instance".into()
    } else {
        format!("{count} service instances")
    }
}

fn bound_names(catalog: &Catalog) -> String {
    if catalog.services.is_empty() {
        return "none".into();
    }
    catalog
        .services
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The set `lsm::all` reads of a record in `state` (`candidate`, `active`, ...), as the
/// `lsm::all` of evaluation chooses it; `None`: it skips the record.
fn read_set<'s>(state: &'s State, validate: Option<&str>, id: &str) -> Option<&'s str> {
    match validate {
        None => state.export_resources.then_some("active"),
        Some(v) if v == id => state.validate_self.as_deref(),
        Some(_) => state.validate_others.as_deref(),
    }
}

/// A set the compile reads is null: one diagnostic for the record, at the set's member.
fn null_set(
    records: &impl Records,
    inventory: InventoryText,
    i: usize,
    head: &RecordHead,
    key: &str,
    entity: &ServiceEntity,
) -> Diagnostic {
    let span = span_of_member(records, inventory, i, key);
    Diagnostic::error(
        codes::INVENTORY_ERROR,
        format!(
            "service instance `{}` ({} version {}) is in state `{}`, where the compile reads its {key}, but it has none",
            head.id, entity.name, entity.version, head.state
        ),
    )
    .with_label(Label::primary(span, format!("{key} is null or missing")))
    .with_help(format!(
        "in state `{}` lsm::all gives the model the instance's {key}: give the record an object of attributes there",
        head.state
    ))
}

fn whole(inventory: InventoryText) -> Span {
    let start = inventory.text.len() - inventory.text.trim_start().len();
    Span::new(
        inventory.file,
        start,
        inventory.text.ceil_char_boundary(start + 1),
    )
}

/// The member `key` of record `i` (its value; the record when it has no such member).
fn span_of_member(records: &impl Records, inventory: InventoryText, i: usize, key: &str) -> Span {
    span_in_record(records, inventory, i, &[Seg::Key(key.into())], false)
}

/// A pointer into set `key` of record `i`.
fn span_of(
    records: &impl Records,
    inventory: InventoryText,
    i: usize,
    key: &str,
    pointer: &[Seg],
    at_key: bool,
) -> Span {
    let mut full = vec![Seg::Key(key.into())];
    full.extend(pointer.iter().cloned());
    span_in_record(records, inventory, i, &full, at_key)
}

/// The key of an unknown member, else the value; a value over several lines is shown by its
/// first character; the record when the pointer is not found, the file's start without it.
fn span_in_record(
    records: &impl Records,
    inventory: InventoryText,
    i: usize,
    pointer: &[Seg],
    at_key: bool,
) -> Span {
    let text = inventory.text;
    let Some(record) = records.place(i) else {
        return whole(inventory);
    };
    let range = match locate(&text[record.clone()], pointer) {
        Some(found) => match (at_key, found.key) {
            (true, Some(key)) => key,
            _ => found.value,
        },
        None => 0..text[record.start..].ceil_char_boundary(1),
    };
    let (start, end) = (record.start + range.start, record.start + range.end);
    let end = if text[start..end].contains('\n') {
        text.ceil_char_boundary(start + 1)
    } else {
        end
    };
    Span::new(inventory.file, start, end)
}
