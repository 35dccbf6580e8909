//! The errors of the LSM rules, as data; worded here, and only here, when the rules turn them
//! into diagnostics at their end. Each rule has a usual fix (`default_fix`) shown when the error
//! has no more specific help.

use crate::diagnostics::{codes, Code, Diagnostic, Label};
use crate::source::Span;

/// Why the first index of an embedded entity can not identify the items of a relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyIndexProblem {
    NoPlainAttribute,
    PrivateAttribute(String),
    /// A relation that is not the back-reference of the relation checked.
    ForeignRelation(String),
    CanNotIdentify,
}

/// `entity`, `target`: full names; `span`: where the error points, as the rules say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LsmError {
    DuplicateServiceName {
        name: String,
        span: Span,
        first: Span,
    },
    DuplicateVersion {
        version: i64,
        service: String,
        span: Span,
        first: Span,
    },
    DefaultVersionMissing {
        default: i64,
        service: String,
        versions: Vec<i64>,
        span: Span,
    },
    UnknownServiceEntity {
        name: String,
        span: Span,
        suggestion: Option<String>,
    },
    NotServiceEntity {
        entity: String,
        span: Span,
        defined: Span,
    },
    ServiceIdentityUnknown {
        identity: String,
        entity: String,
        span: Span,
        suggestion: Option<String>,
    },
    ServiceIdentityModifier {
        identity: String,
        entity: String,
        modifier: String,
        span: Span,
        declared: Span,
    },
    ServiceIdentityType {
        identity: String,
        entity: String,
        written: String,
        span: Span,
        declared: Span,
    },
    DuplicateStateName {
        lifecycle: String,
        name: String,
        span: Span,
        first: Span,
    },
    /// `services`: the names along the cycle; `span`: the binding blamed; `others`: the rest.
    OwnershipCycle {
        services: Vec<String>,
        span: Span,
        others: Vec<Span>,
    },
    NotEmbeddedEntity {
        relation: String,
        entity: String,
        target: String,
        span: Span,
    },
    EmbeddedCycle {
        target: String,
        relation: String,
        span: Span,
    },
    BackReferenceNotPrivate {
        back: String,
        target: String,
        span: Span,
    },
    BackReferenceArity {
        back: String,
        target: String,
        span: Span,
    },
    /// `short`: the target's name without its namespace, and `example`: the attributes of the
    /// example index (the back-reference first when there is one).
    MissingIndex {
        relation: String,
        target: String,
        short: String,
        example: Vec<String>,
        back_reference: Option<String>,
        span: Span,
    },
    KeyAttributesWithoutIndex {
        target: String,
        declared: Vec<String>,
        span: Span,
    },
    AmbiguousKeyIndex {
        target: String,
        span: Span,
    },
    KeyIndex {
        problem: KeyIndexProblem,
        target: String,
        relation: String,
        span: Span,
    },
    KeyAttributeRwPlus {
        key: String,
        target: String,
        relation: String,
        span: Span,
    },
    ReadOnlyAttributeWritable {
        relation: String,
        attribute: String,
        target: String,
        modifier: String,
        span: Span,
    },
    ReadOnlyNestedRelation {
        relation: String,
        nested: String,
        span: Span,
    },
    RelationAnnotationsNotString {
        key: String,
        span: Span,
    },
    IsrTargetNotBound {
        target: String,
        span: Span,
    },
    IsrTargetAmbiguous {
        target: String,
        services: Vec<String>,
        span: Span,
    },
    ModifierWithoutAttribute {
        name: String,
        base: String,
        entity: String,
        span: Span,
    },
    ModifierType {
        name: String,
        written: String,
        span: Span,
    },
    ModifierWithoutDefault {
        name: String,
        span: Span,
    },
    AnnotationsType {
        name: String,
        written: String,
        span: Span,
    },
    AnnotationsWithoutDefault {
        name: String,
        span: Span,
    },
}

fn rule(code: Code, message: String, span: Span, label: &str) -> Diagnostic {
    Diagnostic::error(code, message).with_label(Label::primary(span, label))
}

impl From<LsmError> for Diagnostic {
    fn from(error: LsmError) -> Diagnostic {
        use LsmError::*;
        let mut d = match error {
            DuplicateServiceName { name, span, first } => rule(
                codes::DUPLICATE_SERVICE_NAME,
                format!("Two bindings use the service entity name `{name}`"),
                span,
                "this binding",
            )
            .with_label(Label::secondary(first, "the name is first used here")),
            DuplicateVersion {
                version,
                service,
                span,
                first,
            } => rule(
                codes::DUPLICATE_VERSION,
                format!("Version {version} of service `{service}` is defined twice"),
                span,
                "this version number is already used",
            )
            .with_label(Label::secondary(first, "first defined here")),
            DefaultVersionMissing {
                default,
                service,
                versions,
                span,
            } => {
                let versions: Vec<String> = versions.iter().map(i64::to_string).collect();
                rule(
                    codes::DEFAULT_VERSION_MISSING,
                    format!(
                        "default_version {default} is not one of the versions of service `{service}` ({})",
                        versions.join(", ")
                    ),
                    span,
                    "this binding",
                )
                .with_help("set default_version to one of the versions' `version`")
            }
            UnknownServiceEntity {
                name,
                span,
                suggestion,
            } => {
                let d = rule(
                    codes::UNKNOWN_SERVICE_ENTITY,
                    format!("service_entity `{name}` names no entity type"),
                    span,
                    "this binding",
                );
                match suggestion {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d,
                }
            }
            NotServiceEntity {
                entity,
                span,
                defined,
            } => rule(
                codes::NOT_SERVICE_ENTITY,
                format!("service_entity `{entity}` does not extend lsm::ServiceEntity"),
                span,
                "this binding",
            )
            .with_label(Label::secondary(defined, "defined here")),
            ServiceIdentityUnknown {
                identity,
                entity,
                span,
                suggestion,
            } => {
                let d = rule(
                    codes::SERVICE_IDENTITY_UNKNOWN,
                    format!("service_identity `{identity}` is not an attribute of {entity}"),
                    span,
                    "this binding",
                );
                match suggestion {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d,
                }
            }
            ServiceIdentityModifier {
                identity,
                entity,
                modifier,
                span,
                declared,
            } => rule(
                codes::SERVICE_IDENTITY_MODIFIER,
                format!(
                    "the service identity `{identity}` of {entity} is `{modifier}`, it must be `rw`"
                ),
                span,
                "this binding",
            )
            .with_label(Label::secondary(declared, "declared here")),
            ServiceIdentityType {
                identity,
                entity,
                written,
                span,
                declared,
            } => rule(
                codes::SERVICE_IDENTITY_TYPE,
                format!(
                    "the service identity `{identity}` of {entity} is `{written}`: it must be a string or int that is not nullable"
                ),
                span,
                "this binding",
            )
            .with_label(Label::secondary(declared, "declared here")),
            DuplicateStateName {
                lifecycle,
                name,
                span,
                first,
            } => rule(
                codes::DUPLICATE_STATE_NAME,
                format!("lifecycle `{lifecycle}` has two different states named `{name}`"),
                span,
                "this state",
            )
            .with_label(Label::secondary(first, "the other state with this name")),
            OwnershipCycle {
                services,
                span,
                others,
            } => {
                let mut d = rule(
                    codes::OWNERSHIP_CYCLE,
                    format!(
                        "The owners of these services form a cycle: {}",
                        services.join(" -> ")
                    ),
                    span,
                    "this binding is its own owner",
                );
                for other in others {
                    d = d.with_label(Label::secondary(other, "part of the cycle"));
                }
                d
            }
            NotEmbeddedEntity {
                relation,
                entity,
                target,
                span,
            } => rule(
                codes::NOT_EMBEDDED_ENTITY,
                format!(
                    "relation `{relation}` of {entity} points to {target}, which is not an lsm::EmbeddedEntity"
                ),
                span,
                "this relation",
            )
            .with_help(format!(
                "make {target} extend lsm::EmbeddedEntity, mark the relation `lsm::__service__` for a relation to another service, or name it `_{relation}` to keep it out of the API"
            )),
            EmbeddedCycle {
                target,
                relation,
                span,
            } => rule(
                codes::EMBEDDED_CYCLE,
                format!("embedded entity {target} contains itself through relation `{relation}`"),
                span,
                "this relation closes the cycle",
            ),
            BackReferenceNotPrivate { back, target, span } => rule(
                codes::BACK_REFERENCE_NOT_PRIVATE,
                format!(
                    "the back-reference `{back}` from {target} to its embedding entity must start with `_`"
                ),
                span,
                "this relation",
            )
            .with_help(format!("rename it `_{back}`")),
            BackReferenceArity { back, target, span } => rule(
                codes::BACK_REFERENCE_ARITY,
                format!("the back-reference `{back}` from {target} must have arity [1] or [0:1]"),
                span,
                "this relation",
            ),
            MissingIndex {
                relation,
                target,
                short,
                example,
                back_reference,
                span,
            } => {
                let index = format!("index {short}({})", example.join(", "));
                rule(
                    codes::MISSING_INDEX,
                    format!(
                        "relation `{relation}` holds several {target} but {target} has no index to identify them"
                    ),
                    span,
                    "this relation",
                )
                .with_help(match back_reference {
                    // Without the back-reference the index is global: two services whose items
                    // share a name would collide.
                    Some(back) => format!(
                        "add an index on the back-reference `{back}` and the attributes that identify one item of a service, e.g. `{index}`; without `{back}` two services with an item of the same name collide"
                    ),
                    None => format!(
                        "add an index on the attributes that identify one, e.g. `{index}`"
                    ),
                })
            }
            KeyAttributesWithoutIndex {
                target,
                declared,
                span,
            } => rule(
                codes::KEY_ATTRIBUTES_WITHOUT_INDEX,
                format!(
                    "__lsm_key_attributes of {target} ({}) are not the attributes of one of its indexes",
                    declared.join(", ")
                ),
                span,
                "these key attributes",
            ),
            AmbiguousKeyIndex { target, span } => rule(
                codes::AMBIGUOUS_KEY_INDEX,
                format!(
                    "{target} has several indexes that could identify it, and no __lsm_key_attributes"
                ),
                span,
                "this embedded entity",
            )
            .with_help(
                "add `string[]? __lsm_key_attributes = [\"...\"]` naming the attributes of one index",
            ),
            KeyIndex {
                problem,
                target,
                relation,
                span,
            } => {
                let (code, message) = match problem {
                    KeyIndexProblem::NoPlainAttribute => (
                        codes::KEY_INDEX_WITHOUT_ATTRIBUTE,
                        "has no plain attribute to identify an item".to_string(),
                    ),
                    KeyIndexProblem::PrivateAttribute(p) => (
                        codes::KEY_INDEX_PRIVATE_ATTRIBUTE,
                        format!("holds the private attribute `{p}`"),
                    ),
                    KeyIndexProblem::ForeignRelation(f) => (
                        codes::KEY_INDEX_FOREIGN_RELATION,
                        format!(
                            "holds the relation `{f}`, which is not the back-reference of `{relation}`"
                        ),
                    ),
                    KeyIndexProblem::CanNotIdentify => (
                        codes::KEY_INDEX_WITHOUT_ATTRIBUTE,
                        "can not identify an item".to_string(),
                    ),
                };
                rule(
                    code,
                    format!(
                        "the index of {target} {message}, so it can not identify the items of relation `{relation}`"
                    ),
                    span,
                    "this index",
                )
            }
            KeyAttributeRwPlus {
                key,
                target,
                relation,
                span,
            } => rule(
                codes::KEY_ATTRIBUTE_RW_PLUS,
                format!(
                    "`{key}` identifies {target} in relation `{relation}`, so it can not be `rw+`"
                ),
                span,
                "this modifier",
            )
            .with_help("an identifying attribute can not change: make it `rw` or `r`"),
            ReadOnlyAttributeWritable {
                relation,
                attribute,
                target,
                modifier,
                span,
            } => rule(
                codes::READ_ONLY_RELATION_WRITABLE,
                format!(
                    "relation `{relation}` is read-only (lsm::__r__) but attribute `{attribute}` of {target} is `{modifier}`"
                ),
                span,
                "this attribute",
            )
            .with_help(format!(
                "declare `lsm::attribute_modifier {attribute}__modifier = \"r\"`"
            )),
            ReadOnlyNestedRelation {
                relation,
                nested,
                span,
            } => rule(
                codes::READ_ONLY_RELATION_WRITABLE,
                format!(
                    "relation `{relation}` is read-only (lsm::__r__) but the nested relation `{nested}` is not"
                ),
                span,
                "this relation",
            )
            .with_help("annotate the nested relation with lsm::__r__"),
            RelationAnnotationsNotString { key, span } => rule(
                codes::RELATION_ANNOTATIONS_NOT_STRING,
                format!("the relation annotation `{key}` is not a string"),
                span,
                "this relation",
            )
            .with_help("relation annotations are strings: quote the value"),
            IsrTargetNotBound { target, span } => rule(
                codes::ISR_TARGET_NOT_BOUND,
                format!("no service binds {target}, the target of this inter-service relation"),
                span,
                "this relation",
            ),
            IsrTargetAmbiguous {
                target,
                services,
                span,
            } => rule(
                codes::ISR_TARGET_AMBIGUOUS,
                format!("several services bind {target}: {}", services.join(", ")),
                span,
                "this relation",
            ),
            ModifierWithoutAttribute {
                name,
                base,
                entity,
                span,
            } => rule(
                codes::MODIFIER_WITHOUT_ATTRIBUTE,
                format!("`{name}` is the modifier of `{base}`, which is no attribute of {entity}"),
                span,
                "this modifier",
            ),
            ModifierType {
                name,
                written,
                span,
            } => rule(
                codes::MODIFIER_TYPE,
                format!("the modifier `{name}` must have type lsm::attribute_modifier, not {written}"),
                span,
                "this modifier",
            )
            .with_help(format!("declare `lsm::attribute_modifier {name} = \"rw\"`")),
            ModifierWithoutDefault { name, span } => rule(
                codes::MODIFIER_WITHOUT_DEFAULT,
                format!("the modifier `{name}` has no default value"),
                span,
                "this modifier",
            )
            .with_help(format!(
                "give it a value: `lsm::attribute_modifier {name} = \"rw\"`"
            )),
            AnnotationsType {
                name,
                written,
                span,
            } => rule(
                codes::ANNOTATIONS_TYPE,
                format!("the annotations `{name}` must be a dict, not {written}"),
                span,
                "these annotations",
            ),
            AnnotationsWithoutDefault { name, span } => rule(
                codes::ANNOTATIONS_WITHOUT_DEFAULT,
                format!("the annotations `{name}` have no default value"),
                span,
                "these annotations",
            )
            .with_help(format!("give them a value: `dict {name} = {{}}`")),
        };
        if d.help.is_none() {
            d.help = default_fix(d.code).map(str::to_string);
        }
        d
    }
}

/// The usual fix of a rule, for the diagnostics that have no more specific help.
fn default_fix(code: Code) -> Option<&'static str> {
    Some(match code.id {
        id if id == codes::DUPLICATE_SERVICE_NAME.id => "give each binding its own `service_entity_name`",
        id if id == codes::DUPLICATE_VERSION.id => "number the versions of a service binding differently",
        id if id == codes::NOT_SERVICE_ENTITY.id => {
            "make the entity extend lsm::ServiceEntity, or bind the service entity that holds it"
        }
        id if id == codes::SERVICE_IDENTITY_MODIFIER.id => {
            "drop the identity attribute's `__modifier` (it is `rw` by default), or pick an `rw` attribute"
        }
        id if id == codes::SERVICE_IDENTITY_TYPE.id => {
            "pick a `string` or `int` attribute that is not nullable as the service identity"
        }
        id if id == codes::DUPLICATE_STATE_NAME.id => "give every state of a lifecycle its own name, or reuse the one state",
        id if id == codes::OWNERSHIP_CYCLE.id => "remove the `owner` of one of the bindings in the cycle",
        id if id == codes::EMBEDDED_CYCLE.id => {
            "an embedded entity can not contain itself: make the inner relation an inter-service relation or drop it"
        }
        id if id == codes::BACK_REFERENCE_ARITY.id => "give the back-reference arity [1] (or [0:1])",
        id if id == codes::KEY_ATTRIBUTES_WITHOUT_INDEX.id => {
            "list the plain attributes of one index of the embedded entity in `__lsm_key_attributes`"
        }
        id if id == codes::KEY_INDEX_WITHOUT_ATTRIBUTE.id => {
            "add an index with at least one public plain attribute (and at most the back-reference)"
        }
        id if id == codes::KEY_INDEX_PRIVATE_ATTRIBUTE.id => {
            "index the embedded entity on public attributes (names without a leading `_`)"
        }
        id if id == codes::KEY_INDEX_FOREIGN_RELATION.id => {
            "index the embedded entity on its attributes and the back-reference of this relation only"
        }
        id if id == codes::ISR_TARGET_NOT_BOUND.id => "bind the target entity with a service entity binding",
        id if id == codes::ISR_TARGET_AMBIGUOUS.id => {
            "point the inter-service relation at an entity that exactly one service binds"
        }
        id if id == codes::MODIFIER_WITHOUT_ATTRIBUTE.id => {
            "rename the modifier `<attribute>__modifier` after an existing attribute, or remove it"
        }
        id if id == codes::ANNOTATIONS_TYPE.id => "declare annotations as `dict <attribute>__annotations = {...}`",
        id if id == codes::UNKNOWN_SERVICE_ENTITY.id => {
            "write the full name of the entity, e.g. `__config__::MyService`"
        }
        _ => return None,
    })
}

/// The constructor calls the language rejects when it reads the model (see
/// [`crate::check::constructors`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstructorError {
    /// `written`: the constructed type (as written for a plain attribute, else its full name);
    /// `expected`: the type of the argument it is given to.
    WrongType {
        written: String,
        expected: String,
        span: Span,
    },
    /// `missing`: the index members left unset, each with whether it is a relation.
    IndexUnset {
        entity: String,
        missing: Vec<(String, bool)>,
        span: Span,
    },
}

/// The language's message for a constructor call of `entity` that leaves index members unset
/// (`missing`: each name with whether it is a relation).
pub fn index_unset_message(entity: &str, missing: &[(String, bool)]) -> String {
    let mut message = "Invalid Constructor call:".to_string();
    for (name, relation) in missing {
        let kind = if *relation { "relation" } else { "attribute" };
        message.push_str(&format!(
            "\n\t* Missing {kind} '{name}'. The {kind} {entity}.{name} is part of an index."
        ));
    }
    message
}

impl From<ConstructorError> for Diagnostic {
    fn from(error: ConstructorError) -> Diagnostic {
        match error {
            ConstructorError::WrongType {
                written,
                expected,
                span,
            } => rule(
                codes::TYPING_ERROR,
                format!(
                    "Can not assign a value of type {written} to a variable of type {expected}"
                ),
                span,
                "this constructor makes the wrong type",
            )
            .with_help(format!("the argument holds a value of type {expected}")),
            ConstructorError::IndexUnset {
                entity,
                missing,
                span,
            } => rule(
                codes::INDEX_ATTRIBUTE_MISSING,
                index_unset_message(&entity, &missing),
                span,
                "this constructor does not give every index attribute",
            )
            .with_help("give every attribute and relation of the entity's indexes in the call"),
        }
    }
}
