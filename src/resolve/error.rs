//! The errors of name resolution, as data; worded here, and only here, when [`resolve`] turns
//! them into [`Diagnostic`]s at its end.
//!
//! [`resolve`]: crate::resolve::resolve

use crate::diagnostics::{codes, Code, Diagnostic, Label};
use crate::source::Span;

/// A lookup that did not give a definition.
#[derive(Debug, Clone, PartialEq)]
pub enum Unresolved {
    /// The name is one of a definition that did not parse, or goes through an import that failed
    /// to load: the cause is reported already, so the caller reports nothing.
    Poisoned,
    Error(Box<ResolveError>),
}

impl From<ResolveError> for Unresolved {
    fn from(error: ResolveError) -> Self {
        Unresolved::Error(Box::new(error))
    }
}

/// Why a call of a built-in plugin does not bind to its parameters, as Python says it.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgumentProblem {
    TooManyPositional { expected: usize, given: usize },
    RepeatedKeyword(String),
    UnexpectedKeyword(String),
    Missing(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResolveError {
    /// An import of a module (`target`) of which `missing`, `target` or one of its parents, was
    /// not found.
    ModuleNotFound {
        target: String,
        missing: String,
        span: Span,
    },
    DuplicateImportName {
        name: String,
        span: Span,
        first: Span,
    },
    /// A warning: modules that import each other in a circle.
    ImportCycle {
        modules: Vec<String>,
        span: Span,
    },
    /// An entity or typedef (`kind` as Inmanta names it) defined twice in a namespace; `first` is
    /// `None` for `std::Entity`, which the compiler defines.
    DuplicateDefinition {
        kind: &'static str,
        namespace: String,
        name: String,
        span: Span,
        first: Option<Span>,
    },
    DuplicateImplementation {
        namespace: String,
        name: String,
        entity: String,
        span: Span,
        first: Span,
    },
    ParentTwice {
        parent: String,
        span: Span,
    },
    /// `entity` extends `parent` (`None`: itself), which inherits from it; `cycle` names the
    /// entities from the blamed one back to the parent, `others` are their names' places.
    InheritanceCycle {
        cycle: Vec<String>,
        span: Span,
        parent: Option<String>,
        others: Vec<Span>,
    },
    DuplicateAttribute {
        name: String,
        entity: String,
        first: Span,
        again: Span,
    },
    IncompatibleAttribute {
        entity: String,
        ancestor: String,
        attribute: String,
        written: String,
        inherited: String,
        span: Span,
        inherited_span: Span,
    },
    /// A warning: the type `number`.
    NumberDeprecated {
        span: Span,
    },
    TypedefWithoutSelf {
        span: Span,
    },
    /// Typedef `name` is based on `base`, which is based on it (or is it); `cycle` names them
    /// in base order, from the base back to it, `others` are the other typedefs' names.
    TypedefCycle {
        name: String,
        base: String,
        cycle: Vec<String>,
        span: Span,
        others: Vec<Span>,
    },
    /// A relation end named as a member the entity already has.
    RelationNameClash {
        name: String,
        entity: String,
        existing: Span,
        span: Span,
    },
    /// A relation end named as a member of an ancestor (`owner`).
    InheritedRelationClash {
        name: String,
        owner: String,
        span: Span,
        defined: Span,
    },
    /// An index over a list attribute; `quoted` is Inmanta's `' name.ns::Entity'`.
    IndexListAttribute {
        quoted: String,
        span: Span,
        defined: Span,
    },
    /// An index over a relation whose arity is not `[1]`.
    IndexRelationArity {
        quoted: String,
        optional: bool,
        arity: String,
        span: Span,
        relation: Span,
    },
    IndexUnknownAttribute {
        name: String,
        entity: String,
        span: Span,
        suggestion: Option<String>,
    },
    ConditionalParents {
        span: Span,
    },
    ImplementationTypeMismatch {
        implementation: String,
        target: String,
        actual: String,
        span: Span,
        defined: Span,
    },
    /// `ns::Name` where `ns` is not visible; `path` is the file as diagnostics show it. `unloaded`:
    /// the root module of `ns` when `ns` is a submodule that was not loaded.
    MissingImport {
        written: String,
        namespace: String,
        path: String,
        visible: String,
        span: Span,
        unloaded: Option<String>,
    },
    /// `suggestion`: a close name, as it should be written; `qualified`: the name as it must be
    /// written when it is defined in an imported module.
    TypeNotFound {
        written: String,
        namespace: String,
        span: Span,
        suggestion: Option<String>,
        qualified: Option<String>,
    },
    NotAnEntity {
        written: String,
        namespace: String,
        span: Span,
    },
    NotAValueType {
        written: String,
        namespace: String,
        span: Span,
    },
    /// A variable `ns::name` whose namespace is not visible; `unloaded` as for `MissingImport`.
    NamespaceNotFound {
        namespace: String,
        span: Span,
        unloaded: Option<String>,
    },
    UnknownConstructorAttribute {
        name: String,
        entity: String,
        class_span: Span,
        name_span: Span,
        suggestion: Option<String>,
    },
    /// `list(...)` or `dict(...)`.
    NotCallable {
        name: String,
        span: Span,
    },
    /// A bare plugin name in a namespace whose plugins are known; `in_std`: `std` has it.
    UnknownBarePlugin {
        name: String,
        namespace: String,
        span: Span,
        in_std: bool,
    },
    /// `visible::name` where the built-in namespace has no such plugin.
    UnknownPlugin {
        name: String,
        namespace: String,
        visible: String,
        span: Span,
        suggestion: Option<String>,
    },
    /// A type cast with other than one positional argument; `values`: the arguments' values as
    /// Python shows them, `None` when some are not positional.
    CastArguments {
        cast: String,
        values: Option<Vec<String>>,
        span: Span,
    },
    /// `plugin`: `ns::name`; `parameters`: its parameter list as Python writes it.
    PluginArguments {
        plugin: String,
        problem: ArgumentProblem,
        parameters: Vec<String>,
        span: Span,
    },
    /// A module's Python plugin with a parameter that has no annotation: the reference refuses
    /// to load the module. `span`: the module's first `import`; `file` and `line`: the plugin's
    /// definition.
    UnannotatedPluginParameter {
        plugin: String,
        parameter: String,
        file: String,
        line: usize,
        span: Span,
    },
}

/// Inmanta's `MissingImportException`.
fn missing_import_message(written: &str, namespace: &str, path: &str, visible: &str) -> String {
    format!(
        "could not find type {written} in namespace {namespace}.\nTry importing the module with `import {visible}` in {path}"
    )
}

impl From<ResolveError> for Diagnostic {
    fn from(error: ResolveError) -> Diagnostic {
        use ResolveError::*;
        match error {
            ModuleNotFound {
                target,
                missing,
                span,
            } => {
                let (label, help) = match missing.rsplit_once("::") {
                    Some((parent, last)) => {
                        let root = missing.split("::").next().unwrap_or(parent);
                        let file = missing.split("::").skip(1).collect::<Vec<_>>().join("/");
                        (
                            format!("module `{parent}` has no submodule `{last}`"),
                            format!(
                                "the submodule `{missing}` is the file `model/{file}.cf` (or `model/{file}/_init.cf`) of module `{root}`: add it, or correct the import"
                            ),
                        )
                    }
                    None => (
                        format!("module `{missing}` is not on the module path"),
                        "put the module in a folder of the project's `modulepath` (`libs/` by default), or install it".to_string(),
                    ),
                };
                Diagnostic::error(
                    codes::MODULE_NOT_FOUND,
                    format!("Failed to load module {target}"),
                )
                .with_label(Label::primary(span, label))
                .with_help(help)
            }
            DuplicateImportName { name, span, first } => Diagnostic::error(
                codes::DUPLICATE_IMPORT_NAME,
                "Two import statements have the same name",
            )
            .with_label(Label::primary(
                span,
                format!("`{name}` is already imported"),
            ))
            .with_label(Label::secondary(first, "first imported here"))
            .with_help("give one of them another name with `as`"),
            ImportCycle { modules, span } => Diagnostic::warning(
                codes::IMPORT_CYCLE,
                format!(
                    "modules import each other in a circle: {}",
                    modules.join(", ")
                ),
            )
            .with_label(Label::primary(span, "this import closes the circle"))
            .with_help("move what both modules need into a third module that both import"),
            DuplicateDefinition {
                kind,
                namespace,
                name,
                span,
                first,
            } => {
                let d = Diagnostic::error(
                    codes::DUPLICATE_DEFINITION,
                    format!("{kind} {namespace}::{name} is already defined"),
                )
                .with_label(Label::primary(span, "defined again here"));
                let d = match first {
                    None => d.with_note("std::Entity is defined by the compiler"),
                    Some(first) => d.with_label(Label::secondary(first, "first defined here")),
                };
                d.with_help("rename one of the two definitions")
            }
            DuplicateImplementation {
                namespace,
                name,
                entity,
                span,
                first,
            } => Diagnostic::error(
                codes::DUPLICATE_DEFINITION,
                format!("Implementation {namespace}::{name} for type {entity} is already defined"),
            )
            .with_label(Label::primary(span, "defined again here"))
            .with_label(Label::secondary(first, "first defined here")),
            ParentTwice { parent, span } => {
                Diagnostic::error(codes::PARENT_TWICE, "same parent defined twice").with_label(
                    Label::primary(span, format!("`{parent}` is listed again here")),
                )
            }
            InheritanceCycle {
                cycle,
                span,
                parent,
                others,
            } => {
                let label = match parent {
                    None => "this entity extends itself".to_string(),
                    Some(parent) => {
                        format!("this entity extends `{parent}`, which inherits from it")
                    }
                };
                cycle_error(
                    Diagnostic::error(
                        codes::INHERITANCE_CYCLE,
                        format!("Entity can not be its own parent {}", cycle.join(",")),
                    ),
                    span,
                    label,
                    others,
                )
                .with_help("remove one of the `extends` in the cycle")
            }
            DuplicateAttribute {
                name,
                entity,
                first,
                again,
            } => already_exists(
                codes::DUPLICATE_ATTRIBUTE,
                &name,
                &entity,
                first,
                Label::secondary(again, format!("`{name}` is defined again")),
            )
            .with_help("remove or rename one of the two attributes"),
            IncompatibleAttribute {
                entity,
                ancestor,
                attribute,
                written,
                inherited,
                span,
                inherited_span,
            } => Diagnostic::error(
                codes::INCOMPATIBLE_ATTRIBUTE,
                format!(
                    "Incompatible attributes: {entity} redefines {ancestor}.{attribute} as {written} but it is {inherited}"
                ),
            )
            .with_label(Label::primary(span, "redefined with another type"))
            .with_label(Label::secondary(inherited_span, "inherited from here"))
            .with_help(format!(
                "keep the type `{inherited}` to override the default"
            )),
            NumberDeprecated { span } => Diagnostic::warning(
                codes::NUMBER_DEPRECATED,
                "Type 'number' is deprecated, use 'float' or 'int' instead",
            )
            .with_label(Label::primary(span, "deprecated type")),
            TypedefWithoutSelf { span } => Diagnostic::error(
                codes::TYPEDEF_WITHOUT_SELF,
                "typedef expressions should reference the self variable".to_string(),
            )
            .with_label(Label::primary(span, "this constraint does not use `self`"))
            .with_help("`self` is the value being checked, e.g. `matching self > 0`"),
            TypedefCycle {
                name,
                base,
                cycle,
                span,
                others,
            } => {
                // The cycle lists full names, the first again at the end: two for a typedef based
                // on itself (short names can be alike in two modules).
                let label = if cycle.len() <= 2 {
                    format!("`{name}` is based on itself")
                } else {
                    format!("`{name}` is based on `{base}`, which is based on it")
                };
                cycle_error(
                    Diagnostic::error(
                        codes::TYPEDEF_CYCLE,
                        format!("Type can not be based on itself: {}", cycle.join(" -> ")),
                    ),
                    span,
                    label,
                    others,
                )
                .with_help(
                    "base one of the typedefs in the cycle on a primitive type (`int`, `string`, ...)",
                )
            }
            RelationNameClash {
                name,
                entity,
                existing,
                span,
            } => already_exists(
                codes::RELATION_NAME_CLASH,
                &name,
                &entity,
                existing,
                Label::secondary(span, format!("relation `{name}` defined again here")),
            )
            .with_help("give the relation another name"),
            InheritedRelationClash {
                name,
                owner,
                span,
                defined,
            } => Diagnostic::error(
                codes::RELATION_NAME_CLASH,
                format!(
                    "Attribute name {name} is already defined in {owner}, unable to define relationship"
                ),
            )
            .with_label(Label::primary(
                span,
                format!("`{name}` is already defined in `{owner}`"),
            ))
            .with_label(Label::secondary(defined, "defined here"))
            .with_help("give the relation another name"),
            IndexListAttribute {
                quoted,
                span,
                defined,
            } => Diagnostic::error(
                codes::INDEX_INVALID_ATTRIBUTE,
                format!("Index can not contain list attributes, Attribute {quoted} is a list"),
            )
            .with_label(Label::primary(span, "a list attribute"))
            .with_label(Label::secondary(defined, "defined here")),
            IndexRelationArity {
                quoted,
                optional,
                arity,
                span,
                relation,
            } => {
                let message = if optional {
                    format!(
                        "Index can not contain optional relations, Relation {quoted} is optional"
                    )
                } else {
                    format!("Index can not contain list attributes, Attribute {quoted} is a list")
                };
                Diagnostic::error(codes::INDEX_INVALID_ATTRIBUTE, message)
                    .with_label(Label::primary(
                        span,
                        "only relations of arity [1] can be part of an index",
                    ))
                    .with_label(Label::secondary(
                        relation,
                        format!("this relation has arity {arity}"),
                    ))
            }
            IndexUnknownAttribute {
                name,
                entity,
                span,
                suggestion,
            } => {
                let d = Diagnostic::error(
                    codes::INDEX_UNKNOWN_ATTRIBUTE,
                    format!(
                        "Attribute '{name}' referenced in index is not defined in entity {entity}"
                    ),
                )
                .with_label(Label::primary(span, "no such attribute"));
                with_did_you_mean(d, suggestion)
            }
            ConditionalParents { span } => Diagnostic::error(
                codes::CONDITIONAL_PARENTS,
                "Conditional implementation with parents not allowed".to_string(),
            )
            .with_label(Label::primary(span, "`parents` can not have a `when`"))
            .with_help(
                "write `implement X using parents` on its own, and the conditional implements separately",
            ),
            ImplementationTypeMismatch {
                implementation,
                target,
                actual,
                span,
                defined,
            } => Diagnostic::error(
                codes::IMPLEMENTATION_TYPE_MISMATCH,
                format!(
                    "Type mismatch: cannot use {implementation} as implementation for {target} because its implementing type is {actual}"
                ),
            )
            .with_label(Label::primary(span, format!("implements {actual}")))
            .with_label(Label::secondary(defined, "defined here")),
            MissingImport {
                written,
                namespace,
                path,
                visible,
                span,
                unloaded,
            } => {
                let d = Diagnostic::error(
                    codes::MISSING_IMPORT,
                    missing_import_message(&written, &namespace, &path, &visible),
                )
                .with_label(Label::primary(
                    span,
                    format!("`{visible}` is not imported here"),
                ))
                .with_help(format!("add `import {visible}` at the top of this file"));
                with_unloaded_note(d, unloaded)
            }
            TypeNotFound {
                written,
                namespace,
                span,
                suggestion,
                qualified,
            } => {
                let d = Diagnostic::error(
                    codes::TYPE_NOT_FOUND,
                    format!("could not find type {written} in namespace {namespace}"),
                )
                .with_label(Label::primary(span, "not defined"));
                match (suggestion, qualified) {
                    (Some(s), _) => d.with_help(format!("did you mean `{s}`?")),
                    (None, Some(q)) => d.with_help(format!(
                        "types of other modules are not visible by their short name: write `{q}`"
                    )),
                    (None, None) => d,
                }
            }
            NotAnEntity {
                written,
                namespace,
                span,
            } => type_of_other_kind(&written, &namespace, span, "not an entity"),
            NotAValueType {
                written,
                namespace,
                span,
            } => type_of_other_kind(&written, &namespace, span, "not a value type"),
            NamespaceNotFound {
                namespace,
                span,
                unloaded,
            } => {
                let d = Diagnostic::error(
                    codes::NAMESPACE_NOT_FOUND,
                    format!(
                        "Namespace {namespace} not found.\nTry importing it with `import {namespace}`"
                    ),
                )
                .with_label(Label::primary(
                    span,
                    format!("`{namespace}` is not imported here"),
                ))
                .with_help(format!("add `import {namespace}` at the top of this file"));
                with_unloaded_note(d, unloaded)
            }
            UnknownConstructorAttribute {
                name,
                entity,
                class_span,
                name_span,
                suggestion,
            } => {
                let d = Diagnostic::error(
                    codes::UNKNOWN_CONSTRUCTOR_ATTRIBUTE,
                    format!("no attribute {name} on type {entity}"),
                )
                .with_label(Label::primary(
                    name_span,
                    format!("{entity} has no attribute `{name}`"),
                ))
                .with_label(Label::secondary(class_span, "in this constructor"));
                with_did_you_mean(d, suggestion)
            }
            NotCallable { name, span } => Diagnostic::error(
                codes::NOT_CALLABLE,
                format!("Can not call '{name}', can only call plugin or primitive type cast"),
            )
            .with_label(Label::primary(span, "not a plugin")),
            UnknownBarePlugin {
                name,
                namespace,
                span,
                in_std,
            } => Diagnostic::error(
                codes::TYPE_NOT_FOUND,
                format!("could not find type {name} in namespace {namespace}"),
            )
            .with_label(Label::primary(span, "no plugin of this name here"))
            .with_help(if in_std {
                format!("plugins of std are called with their namespace: `std::{name}`")
            } else {
                "call a plugin with its module's name, e.g. `std::print(...)`".to_string()
            }),
            UnknownPlugin {
                name,
                namespace,
                visible,
                span,
                suggestion,
            } => {
                let d = Diagnostic::error(
                    codes::TYPE_NOT_FOUND,
                    format!("could not find type {name} in namespace {namespace}"),
                )
                .with_label(Label::primary(span, "no such plugin"));
                with_did_you_mean(d, suggestion.map(|s| format!("{visible}::{s}")))
            }
            CastArguments { cast, values, span } => {
                let message = match values {
                    None => "Only positional arguments allowed in type cast".to_string(),
                    Some(values) => format!(
                        "Illegal arguments {}: type cast expects exactly 1 argument",
                        values.join(",")
                    ),
                };
                Diagnostic::error(codes::PLUGIN_ARGUMENTS, message)
                    .with_label(Label::primary(
                        span,
                        format!("`{cast}(x)` converts one value"),
                    ))
                    .with_help(format!(
                        "call `{cast}` with exactly one positional argument"
                    ))
            }
            PluginArguments {
                plugin,
                problem,
                parameters,
                span,
            } => {
                let message = match problem {
                    ArgumentProblem::TooManyPositional { expected, given } => format!(
                        "{plugin}() takes {expected} positional arguments but {given} were given"
                    ),
                    ArgumentProblem::RepeatedKeyword(name) => {
                        format!("Keyword argument {name} repeated in function call {plugin}()")
                    }
                    ArgumentProblem::UnexpectedKeyword(name) => {
                        format!("{plugin}() got an unexpected keyword argument: '{name}'")
                    }
                    ArgumentProblem::Missing(missing) => {
                        let names: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
                        format!(
                            "{plugin}() missing {} required positional argument{}: {}",
                            missing.len(),
                            if missing.len() == 1 { "" } else { "s" },
                            names.join(" and ")
                        )
                    }
                };
                Diagnostic::error(codes::PLUGIN_ARGUMENTS, message)
                    .with_label(Label::primary(span, "in this call"))
                    .with_note(format!("{plugin}({})", parameters.join(", ")))
            }
            UnannotatedPluginParameter {
                plugin,
                parameter,
                file,
                line,
                span,
            } => Diagnostic::error(
                codes::UNANNOTATED_PLUGIN_PARAMETER,
                format!(
                    "All arguments of plugin '{plugin}' should be annotated: '{parameter}' has no annotation"
                ),
            )
            .with_label(Label::primary(
                span,
                "this module's plugins can not be loaded",
            ))
            .with_note(format!("`{plugin}` is defined in {file}, line {line}"))
            .with_help(format!(
                "give `{parameter}` a type in the plugin's definition, e.g. `{parameter}: \"any\"`"
            )),
        }
    }
}

/// Inmanta's error for a member defined again, blaming the one that is already there (`first`).
/// A cycle: where it closes, and every other definition in it.
fn cycle_error(d: Diagnostic, span: Span, label: String, others: Vec<Span>) -> Diagnostic {
    others
        .into_iter()
        .fold(d.with_label(Label::primary(span, label)), |d, other| {
            d.with_label(Label::secondary(other, "part of the cycle"))
        })
}

/// A name that is a type, but not of the kind the place needs: Inmanta says it is not found.
fn type_of_other_kind(written: &str, namespace: &str, span: Span, label: &str) -> Diagnostic {
    Diagnostic::error(
        codes::TYPE_NOT_FOUND,
        format!("could not find type {written} in namespace {namespace}"),
    )
    .with_label(Label::primary(span, label))
}

/// A member defined twice on one entity: Inmanta blames the first one; `again` is the second.
fn already_exists(code: Code, name: &str, entity: &str, first: Span, again: Label) -> Diagnostic {
    Diagnostic::error(
        code,
        format!("attribute '{name}' already exists on entity '{entity}'"),
    )
    .with_label(Label::primary(first, "first defined here"))
    .with_label(again)
}

fn with_did_you_mean(d: Diagnostic, suggestion: Option<String>) -> Diagnostic {
    match suggestion {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d,
    }
}

fn with_unloaded_note(d: Diagnostic, unloaded: Option<String>) -> Diagnostic {
    match unloaded {
        Some(root) => d.with_note(format!("module `{root}` must be on the module path")),
        None => d,
    }
}
