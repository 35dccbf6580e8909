//! The errors of evaluation, as data; worded here, and only here, when evaluation hands its
//! results out ([`super::evaluate`], [`super::inventory::parse`]). A site records what it knows
//! (spans, names, the texts of values as Python shows them); the wording is the reference
//! compiler's where it has one. Messages that a plugin or a Python-level operation words itself
//! (a `std` plugin's exception, a type error of an operator, an f-string's problem) are carried as
//! they are, as the reference carries a plugin's exception.

use crate::diagnostics::{codes, Code, Diagnostic, Label};
use crate::source::Span;

/// Where a boolean was expected, for the wording of [`EvalError::NotBoolean`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BooleanUse {
    If,
    /// The `when` of a conditional `implement`.
    When,
    ComprehensionGuard,
    ConditionalExpression,
    Not,
    /// An operand of `and` / `or` (`operator`).
    Left {
        operator: &'static str,
    },
    Right {
        operator: &'static str,
    },
}

/// Why a value could not be stored in an attribute or relation, as the reference's
/// `AttributeException` words its cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetProblem {
    /// `+=` on an attribute.
    ExtendAttribute,
    /// The value does not fit the attribute's type (the type check words it).
    Invalid(String),
    NullForSingleRelation,
    /// `instance`: the instance as messages show it.
    ArityExceeded {
        instance: String,
    },
    ModifiedAfterFreeze,
    /// `values`: the relation's values, as Python's `repr` shows them.
    NullAfterValues {
        instance: String,
        values: String,
    },
}

/// What an instance lacks at the end of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incompleteness {
    NotSet,
    TooFewValues { lower: u32, set: usize },
}

/// `entity`: an entity's full name; `value`: a value's text as Python's `str` shows it, `repr`:
/// as `repr` shows it; `instance`: an instance as messages show it (`ns::Entity ...`); `plugin`:
/// a plugin's full name.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// Assignment to something that is neither a variable nor an attribute.
    NotAssignable {
        span: Span,
    },
    NotBoolean {
        used: BooleanUse,
        value: String,
        span: Span,
    },
    /// `object.attr = ...` where `object` (as written) is no instance.
    AssignToNonInstance {
        object: String,
        type_name: String,
        value: String,
        span: Span,
    },
    NoAttributeToSet {
        name: String,
        entity: String,
        span: Span,
    },
    /// `old_at` and `new_at`: where each value was set, as text.
    VariableSetTwice {
        name: String,
        old: String,
        old_at: String,
        new: String,
        new_at: String,
        span: Span,
        first: Option<Span>,
    },
    /// `written`: the iterated variable's name, when the loop iterates over one.
    ForOverNonList {
        written: Option<String>,
        value: String,
        span: Span,
    },
    VariableNotFound {
        name: String,
        span: Span,
    },
    /// `ns::name` where namespace `namespace` has no variable `name`.
    NamespaceVariableNotFound {
        namespace: String,
        name: String,
        span: Span,
    },
    OptionalWithoutValue {
        entity: String,
        name: String,
        instance: String,
        span: Span,
    },
    FString {
        message: String,
        span: Span,
    },
    /// An f-string with a `{}` field.
    FStringPositional {
        span: Span,
    },
    Regex {
        message: String,
        span: Span,
    },
    ShortLookupOnNonInstance {
        value: String,
        span: Span,
    },
    NoRelation {
        relation: String,
        entity: String,
        span: Span,
    },
    ShortLookupUnidirectional {
        entity: String,
        relation: String,
        span: Span,
    },
    DictLookupOnNonDict {
        value: String,
        span: Span,
    },
    DictKeyNotString {
        value: String,
        span: Span,
    },
    KeyNotFound {
        key: String,
        options: Vec<String>,
        span: Span,
    },
    SpreadOfNonDict {
        span: Span,
    },
    ComprehensionOverNonList {
        type_name: String,
        span: Span,
    },
    NoAttribute {
        entity: String,
        name: String,
        span: Span,
    },
    /// `object.name` where `object` is no instance: `object` as written, or the list's text for
    /// a list (`value`: `None`); `value`: the value as Python's `str` shows it.
    AttributeOfNonInstance {
        name: String,
        object: String,
        type_name: String,
        value: Option<String>,
        span: Span,
    },
    /// Operands of types an operator does not take, in the operator's own words.
    OperandTypes {
        message: String,
        span: Span,
    },
    /// An operator whose result does not exist or does not fit (as Python's exception words it).
    Operator {
        message: String,
        span: Span,
    },
    /// A constructor whose type only a relation could give: the error resolution kept for it.
    Deferred(Box<Diagnostic>),
    TypeNotFound {
        name: String,
        span: Span,
    },
    NoAttributeInConstructor {
        name: String,
        entity: String,
        span: Span,
    },
    /// `class`: the constructor's class as written, without namespace.
    SetTwiceInConstructor {
        name: String,
        class: String,
        span: Span,
    },
    /// A list or dict nested deeper than `MAX_VALUE_NESTING`.
    ValueTooDeep {
        span: Span,
    },
    /// The run reached its cap on task runs.
    /// `span`: the statement that was about to run once more.
    Stuck {
        max_iterations: usize,
        span: Option<Span>,
    },
    /// The constructor call that would make one instance more than `limit`.
    TooManyInstances {
        limit: usize,
        span: Span,
    },
    /// `missing`: the index members the call lacks, each with whether it is a relation;
    /// `entity`: the entity constructed.
    IndexAttributeMissing {
        missing: Vec<(String, bool)>,
        entity: String,
        span: Span,
    },
    InconsistentIndexes {
        span: Span,
    },
    /// A parent instance holds the key (`key`) a child is constructed with.
    DuplicateKeyInIndex {
        key: String,
        span: Span,
    },
    /// An index lookup found an instance of another type than the one constructed.
    IndexTypeMismatch {
        span: Span,
    },
    /// An index lookup that names an attribute twice.
    IndexAttributeTwice {
        name: String,
        span: Span,
    },
    /// `key`: each attribute with its value's `repr`.
    NoIndexForLookup {
        entity: String,
        key: Vec<(String, String)>,
        span: Span,
    },
    WrongInstanceType {
        instance: String,
        expected: String,
        span: Span,
    },
    /// `A(b=B())` where `b` does not hold a `B`.
    ConstructorTypeMismatch {
        written: String,
        expected: String,
        span: Span,
    },
    NotAnInstanceForRelation {
        value: String,
        expected: String,
        span: Span,
    },
    /// `+=` on a `[1]` (`optional: false`) or `[0:1]` relation.
    ExtendSingleRelation {
        optional: bool,
        span: Span,
    },
    /// The reference's `AttributeException`: a value that could not be set.
    CouldNotSet {
        name: String,
        instance: String,
        problem: SetProblem,
        span: Span,
    },
    /// The value for an attribute failed to compute (`cause`: that failure).
    ValueFailed {
        name: String,
        instance: String,
        cause: Box<Diagnostic>,
        span: Span,
    },
    /// `error`, met setting the inverse end `name` of a relation, placed at the instance that
    /// owns that end (`owner_at`: where it was constructed).
    OnInverseEnd {
        name: String,
        owner_at: Span,
        error: Box<EvalError>,
    },
    /// An attribute given two values; `old_at` and `new_at`: where, as text. `owner`: the
    /// instance, whose service record may differ from the one of the work that set it again.
    AttributeSetTwice {
        name: String,
        instance: String,
        owner: super::value::InstanceId,
        old: String,
        old_at: String,
        new: String,
        new_at: String,
        span: Span,
        first: Option<Span>,
    },
    /// Statements that never finished, each with what it waits for; the first is blamed.
    NotAllExecuted {
        waiting: Vec<(Span, String)>,
    },
    NoMatchInIndex {
        entity: String,
        key: String,
        span: Span,
    },
    /// `entity`: the entity's name without namespace.
    NoImplementation {
        entity: String,
        span: Span,
    },
    /// `declared`: where the attribute is declared, as text; `declared_at`: the same as a span.
    Incomplete {
        instance: String,
        attribute: String,
        declared: String,
        problem: Incompleteness,
        span: Span,
        declared_at: Option<Span>,
    },
    /// A plugin of a module written in Python.
    PythonPlugin {
        plugin: String,
        span: Span,
    },
    /// A Python plugin raised: a `PluginException` (`explicit`) or any other exception
    /// (`message`: `Type: text` as Python prints it).
    PythonRaised {
        plugin: String,
        explicit: bool,
        message: String,
        span: Span,
    },
    /// The plugin host has no plugin of this name.
    PythonPluginNotFound {
        plugin: String,
        span: Span,
    },
    /// A Python plugin ran longer than the limit and was stopped.
    PluginTimeout {
        plugin: String,
        seconds: u64,
        span: Span,
    },
    /// The plugin host could not run the plugin: `message` says what to install.
    PluginHost {
        plugin: String,
        message: String,
        span: Span,
    },
    TooManyPositional {
        plugin: String,
        span: Span,
    },
    RepeatedKeyword {
        keyword: String,
        plugin: String,
        span: Span,
    },
    NoNativeVersion {
        plugin: String,
        span: Span,
    },
    /// An `lsm` plugin's `PluginException`, with its message.
    LsmPlugin {
        plugin: String,
        message: String,
        span: Span,
    },
    /// A `std` plugin's exception, with its message.
    Plugin {
        plugin: String,
        message: String,
        span: Span,
    },
    /// A `std` plugin raised a Python exception (`message`: `ExceptionClass: text`, as the
    /// reference's `caused by` shows it), or a compiler error (`wrapped`) such as Jinja's
    /// undefined variable, which the reference wraps.
    PluginException {
        plugin: String,
        message: String,
        wrapped: bool,
        span: Span,
    },
    /// An argument of a `std` plugin that its parameter's type refuses (`message` as the
    /// reference words it), or that its typedef's constraint refuses.
    PluginArgument {
        message: String,
        span: Span,
    },
    /// A plugin asked for more than one of lsmc's documented limits.
    PluginLimit {
        plugin: String,
        message: String,
        span: Span,
    },
    /// An `lsm` plugin read an attribute its argument does not have.
    PluginAttributeMissing {
        name: String,
    },
    /// A call of a name resolution found no plugin for (`name` as written).
    NotAPlugin {
        name: String,
        span: Span,
    },
    CastWithKeywords {
        span: Span,
    },
    CastArity {
        given: usize,
        span: Span,
    },
    CastFailed {
        repr: String,
        to: String,
        span: Span,
    },
}

fn at(code: Code, message: String, span: Span, label: &str) -> Diagnostic {
    Diagnostic::error(code, message).with_label(Label::primary(span, label))
}

fn could_not_set(name: &str, instance: &str) -> String {
    format!("Could not set attribute `{name}` on instance `{instance}`")
}

impl SetProblem {
    /// The cause as the reference words it; its first line labels the place.
    fn cause(self, name: &str) -> String {
        match self {
            SetProblem::ExtendAttribute => "Can not use += on relations with multiplicity 1".into(),
            SetProblem::Invalid(message) => message,
            SetProblem::NullForSingleRelation => {
                "Invalid value 'null': a [1] relation needs an instance".into()
            }
            SetProblem::ArityExceeded { instance } => {
                format!("Exceeded relation arity on attribute '{name}' of instance '{instance}'")
            }
            SetProblem::ModifiedAfterFreeze => "List modified after freeze".into(),
            SetProblem::NullAfterValues { instance, values } => format!(
                "Trying to set relation attribute `{name}` of instance `{instance}` to null but it has values `{values}` assigned already"
            ),
        }
    }
}

impl From<EvalError> for Diagnostic {
    fn from(error: EvalError) -> Diagnostic {
        use EvalError::*;
        match error {
            NotAssignable { span } => at(
                codes::RUNTIME_ERROR,
                "can only assign to a variable or an attribute".into(),
                span,
                "not assignable",
            ),
            NotBoolean { used, value, span } => {
                let message = match used {
                    BooleanUse::If => format!("Invalid value `{value}`: the condition for an if statement can only be a boolean expression"),
                    BooleanUse::When => format!("Invalid value `{value}`: the condition for a conditional implementation can only be a boolean expression"),
                    BooleanUse::ComprehensionGuard => format!("Invalid value `{value}`: the guard condition for a list comprehension must be a boolean expression"),
                    BooleanUse::ConditionalExpression => format!("Invalid value `{value}`: the condition for a conditional expression must be a boolean expression"),
                    BooleanUse::Not => format!("Invalid value `{value}`: `not` expects a boolean"),
                    BooleanUse::Left { operator } => {
                        format!("Invalid left hand value `{value}`: `{operator}` expects a boolean")
                    }
                    BooleanUse::Right { operator } => {
                        format!("Invalid right hand value `{value}`: `{operator}` expects a boolean")
                    }
                };
                at(codes::RUNTIME_ERROR, message, span, "not a boolean")
            }
            AssignToNonInstance {
                object,
                type_name,
                value,
                span,
            } => at(
                codes::TYPING_ERROR,
                format!("The object at {object} is not an Entity but a <class '{type_name}'> with value {value}"),
                span,
                "not an instance",
            ),
            NoAttributeToSet { name, entity, span } => at(
                codes::NOT_FOUND,
                format!("cannot set attribute with name {name} on type {entity}"),
                span,
                "no such attribute",
            ),
            VariableSetTwice {
                name,
                old,
                old_at,
                new,
                new_at,
                span,
                first,
            } => {
                let mut d = at(
                    codes::DOUBLE_SET,
                    format!(
                        "value set twice:\n\told value: {old}\n\t\tset at {old_at}\n\tnew value: {new}\n\t\tset at {new_at}\n"
                    ),
                    span,
                    &format!("variable `{name}` set again here"),
                );
                if let Some(first) = first {
                    d = d.with_label(Label::secondary(first, "first set here"));
                }
                d.with_help("a variable is assigned once; use another name")
            }
            ForOverNonList {
                written,
                value,
                span,
            } => at(
                codes::TYPING_ERROR,
                match written {
                    Some(written) => format!(
                        "A for loop can only be applied to lists and relations. Hint: '{written}' resolves to '{value}'."
                    ),
                    None => format!(
                        "A for loop can only be applied to lists and relations. Hint: '{value}' is not a list."
                    ),
                },
                span,
                "not a list",
            ),
            VariableNotFound { name, span } => at(
                codes::NOT_FOUND,
                format!("variable {name} not found"),
                span,
                "not defined in this scope",
            ),
            NamespaceVariableNotFound {
                namespace,
                name,
                span,
            } => at(
                codes::NOT_FOUND,
                format!("variable {name} not found in namespace {namespace}"),
                span,
                "not defined",
            ),
            OptionalWithoutValue {
                entity,
                name,
                instance,
                span,
            } => at(
                codes::OPTIONAL_VALUE,
                format!(
                    "Optional variable accessed that has no value (attribute `{entity}.{name}` of `{instance}`)"
                ),
                span,
                "this relation has no value",
            ),
            FString { message, span } => at(
                codes::RUNTIME_ERROR,
                format!("Invalid f-string: {message}"),
                span,
                "in this f-string",
            ),
            FStringPositional { span } => at(
                codes::RUNTIME_ERROR,
                "f-strings do not support positional substitutions via '{}', use variable or attribute keys instead".into(),
                span,
                "`{}` names no variable",
            )
            .with_help("name the variable or attribute in the braces: f\"{name}\""),
            Regex { message, span } => at(codes::RUNTIME_ERROR, message, span, "regex match"),
            ShortLookupOnNonInstance { value, span } => at(
                codes::TYPING_ERROR,
                format!("short index lookup is only possible one objects, {value} is not an object"),
                span,
                "not an instance",
            ),
            NoRelation {
                relation,
                entity,
                span,
            } => at(
                codes::NOT_FOUND,
                format!("no relation {relation} on {entity}"),
                span,
                "no such relation",
            ),
            ShortLookupUnidirectional {
                entity,
                relation,
                span,
            } => at(
                codes::TYPING_ERROR,
                format!(
                    "short index lookup is only possible on bi-drectional relations, {entity}.{relation} is unidirectional"
                ),
                span,
                "unidirectional",
            ),
            DictLookupOnNonDict { value, span } => at(
                codes::TYPING_ERROR,
                format!("dict lookup is only possible on dicts, {value} is not an object"),
                span,
                "not a dict",
            ),
            DictKeyNotString { value, span } => at(
                codes::TYPING_ERROR,
                format!("dict keys must be string, {value} is not a string"),
                span,
                "not a string",
            ),
            KeyNotFound { key, options, span } => at(
                codes::KEY_NOT_FOUND,
                format!("key {key} not found in dict, options are [{}]", options.join(",")),
                span,
                "no such key",
            ),
            SpreadOfNonDict { span } => at(
                codes::TYPING_ERROR,
                "The ** operator can only be applied to dictionaries".into(),
                span,
                "not a dict",
            ),
            ComprehensionOverNonList { type_name, span } => at(
                codes::TYPING_ERROR,
                format!("A list comprehension can only be applied to lists and relations, got {type_name}"),
                span,
                "not a list",
            ),
            NoAttribute { entity, name, span } => at(
                codes::NOT_FOUND,
                format!("{entity} has no attribute {name}"),
                span,
                "no such attribute",
            ),
            AttributeOfNonInstance {
                name,
                object,
                type_name,
                value,
                span,
            } => at(
                codes::RUNTIME_ERROR,
                match value {
                    Some(value) => format!(
                        "can not get attribute {name}, {object} is not an entity but a {type_name} with value '{value}'"
                    ),
                    None => format!("can not get attribute {name}, {object} is not an entity but a {type_name}"),
                },
                span,
                "not an instance",
            ),
            OperandTypes { message, span } => {
                at(codes::TYPING_ERROR, message, span, "in this operation")
            }
            Operator { message, span } => {
                at(codes::RUNTIME_ERROR, message, span, "in this operation")
            }
            Deferred(diagnostic) => *diagnostic,
            TypeNotFound { name, span } => at(
                codes::TYPE_NOT_FOUND,
                format!("could not find type {name}"),
                span,
                "not defined",
            ),
            NoAttributeInConstructor { name, entity, span } => at(
                codes::TYPING_ERROR,
                format!("no attribute {name} on type {entity}"),
                span,
                "in this constructor",
            ),
            SetTwiceInConstructor { name, class, span } => at(
                codes::RUNTIME_ERROR,
                format!("The attribute {name} is set twice in the constructor call of {class}."),
                span,
                "in this constructor",
            ),
            ValueTooDeep { span } => at(
                codes::VALUE_TOO_DEEP,
                format!(
                    "Value nested too deep: lsmc builds lists and dicts nested at most {} levels",
                    super::value::MAX_VALUE_NESTING
                ),
                span,
                "this value would nest one level deeper",
            )
            .with_help("keep the inner values apart (in variables or attributes) instead of wrapping each in the next"),
            Stuck {
                max_iterations,
                span,
            } => {
                let error = Diagnostic::error(
                    codes::STUCK,
                    format!("Could not complete model, max_iterations {max_iterations} reached."),
                )
                .with_note(
                    "the model keeps producing work; look for a loop that adds to what it iterates over",
                );
                match span {
                    Some(span) => error.with_label(Label::primary(
                        span,
                        "still running here when the cap was reached",
                    )),
                    None => error,
                }
            }
            TooManyInstances { limit, span } => Diagnostic::error(
                codes::TOO_MANY_INSTANCES,
                format!("Could not complete model, more than {limit} instances constructed."),
            )
            .with_label(Label::primary(span, "this constructor call made one too many"))
            .with_note("the model keeps constructing; look for an implementation that constructs an instance of its own entity")
            .with_help("if the model is this large, raise the limit with `--max-instances N`"),
            IndexAttributeMissing {
                missing,
                entity,
                span,
            } => at(
                codes::INDEX_ATTRIBUTE_MISSING,
                crate::check::error::index_unset_message(&entity, &missing),
                span,
                "this constructor does not give every index attribute",
            ),
            InconsistentIndexes { span } => at(
                codes::INDEX_COLLISION,
                "Inconsistent indexes detected!".into(),
                span,
                "two indexes match two different instances",
            ),
            DuplicateKeyInIndex { key, span } => at(
                codes::DUPLICATE_IN_INDEX,
                format!("Duplicate key in index. {key}"),
                span,
                "an instance of another type has this key",
            ),
            IndexTypeMismatch { span } => at(
                codes::DUPLICATE_IN_INDEX,
                "Type found in index is not an exact match".into(),
                span,
                "an instance of another type has this key",
            ),
            IndexAttributeTwice { name, span } => at(
                codes::RUNTIME_ERROR,
                format!("Attribute {name} provided twice in index lookup"),
                span,
                "an attribute given twice",
            ),
            NoIndexForLookup { entity, key, span } => {
                let shown: Vec<String> = key
                    .iter()
                    .map(|(name, repr)| format!("('{name}', {repr})"))
                    .collect();
                at(
                    codes::NOT_FOUND,
                    format!(
                        "No index defined on {entity} for this lookup: [{}]",
                        shown.join(", ")
                    ),
                    span,
                    "no index has exactly these attributes",
                )
            }
            ConstructorTypeMismatch {
                written,
                expected,
                span,
            } => at(
                codes::TYPING_ERROR,
                format!("Can not assign a value of type {written} to a variable of type {expected}"),
                span,
                "this constructor makes the wrong type",
            ),
            WrongInstanceType {
                instance,
                expected,
                span,
            } => at(
                codes::TYPING_ERROR,
                format!("Invalid class type for {instance}, should be {expected}"),
                span,
                "wrong type of instance",
            ),
            NotAnInstanceForRelation {
                value,
                expected,
                span,
            } => at(
                codes::TYPING_ERROR,
                format!("Invalid type for value '{value}', should be type {expected}"),
                span,
                "not an instance",
            ),
            ExtendSingleRelation { optional, span } => at(
                codes::TYPING_ERROR,
                "Can not use += on relations with multiplicity 1".into(),
                span,
                if optional {
                    "an optional relation"
                } else {
                    "a single relation"
                },
            ),
            CouldNotSet {
                name,
                instance,
                problem,
                span,
            } => {
                let cause = problem.cause(&name);
                at(
                    codes::ATTRIBUTE_ERROR,
                    could_not_set(&name, &instance),
                    span,
                    cause.lines().next().unwrap_or(""),
                )
                .with_note(format!("caused by: {cause}"))
            }
            ValueFailed {
                name,
                instance,
                cause,
                span,
            } => {
                let mut d = at(
                    codes::ATTRIBUTE_ERROR,
                    could_not_set(&name, &instance),
                    span,
                    "the value for this attribute failed",
                );
                if let Some(inner) = cause.primary_span() {
                    let label = cause.message.lines().next().unwrap_or("").to_string();
                    d = d.with_label(Label::secondary(inner, label));
                }
                d.with_note(format!("caused by: {}", cause.message))
            }
            OnInverseEnd {
                name,
                owner_at,
                error,
            } => {
                let mut d = Diagnostic::from(*error);
                for label in &mut d.labels {
                    if label.primary {
                        label.primary = false;
                        label.message = format!("set from here, through the other end: {}", label.message);
                    }
                }
                d.labels.insert(
                    0,
                    Label::primary(owner_at, format!("the instance whose `{name}` could not be set")),
                );
                d
            }
            AttributeSetTwice {
                name,
                instance,
                owner: _,
                old,
                old_at,
                new,
                new_at,
                span,
                first,
            } => {
                let mut d = at(
                    codes::ATTRIBUTE_ERROR,
                    could_not_set(&name, &instance),
                    span,
                    "set again here, to another value",
                )
                .with_note(format!(
                    "caused by: value set twice:\n\told value: {old}\n\t\tset at {old_at}\n\tnew value: {new}\n\t\tset at {new_at}\n"
                ));
                if let Some(first) = first {
                    d = d.with_label(Label::secondary(first, "first set here"));
                }
                d
            }
            NotAllExecuted { waiting } => {
                let listed: Vec<&str> = waiting.iter().map(|(_, what)| what.as_str()).collect();
                let mut d = at(
                    codes::RUNTIME_ERROR,
                    format!(
                        "not all statements executed: they wait for {}",
                        listed.join(", ")
                    ),
                    waiting[0].0,
                    &format!("waits for {}, which is never set", waiting[0].1),
                );
                for (span, what) in waiting.iter().skip(1) {
                    d = d.with_label(Label::secondary(*span, format!("waits for {what}")));
                }
                d.with_help("look for values defined from each other in a circle, or never assigned")
            }
            NoMatchInIndex { entity, key, span } => at(
                codes::NOT_FOUND,
                format!("No match in index on type {entity} with key {key}"),
                span,
                "nothing was constructed with this key",
            ),
            NoImplementation { entity, span } => at(
                codes::RUNTIME_ERROR,
                format!("Unable to select implementation for entity {entity}"),
                span,
                "constructed here",
            )
            .with_help("add `implement <Entity> using std::none` (or `using parents` to use the parents' implementations)"),
            Incomplete {
                instance,
                attribute,
                declared,
                problem,
                span,
                declared_at,
            } => {
                let problem = match problem {
                    Incompleteness::NotSet => "is not set".to_string(),
                    Incompleteness::TooFewValues { lower, set } => {
                        format!("requires {lower} values but only {set} are set")
                    }
                };
                let mut d = at(
                    codes::UNSET,
                    format!(
                        "The object {instance} is not complete: attribute {attribute} ({declared}) {problem}"
                    ),
                    span,
                    &format!("`{attribute}` {problem}"),
                );
                if let Some(declared_at) = declared_at {
                    d = d.with_label(Label::secondary(declared_at, "declared here"));
                }
                d
            }
            PythonPlugin { plugin, span } => at(
                codes::PLUGIN_NOT_SUPPORTED,
                format!("Exception in plugin {plugin}: lsmc can not run Python plugins, and {plugin} has no native version"),
                span,
                "this plugin is Python code",
            ),
            PythonRaised {
                plugin,
                explicit: true,
                message,
                span,
            } => at(
                codes::PYTHON_PLUGIN_REFUSED,
                format!("PluginException in plugin {plugin}\n{message}"),
                span,
                "in this call",
            )
            .with_note(format!("caused by: inmanta.plugins.PluginException: {message}")),
            PythonRaised {
                plugin,
                explicit: false,
                message,
                span,
            } => at(
                codes::PYTHON_PLUGIN_EXCEPTION,
                format!("Exception in plugin {plugin}"),
                span,
                "in this call",
            )
            .with_note(format!("caused by: {message}")),
            PythonPluginNotFound { plugin, span } => {
                let namespace = plugin.rsplit_once("::").map_or("", |(ns, _)| ns);
                at(
                    codes::NOT_FOUND,
                    format!("could not find type {plugin} in namespace {namespace}"),
                    span,
                    "no plugin of this name in the module's Python code",
                )
            }
            PluginTimeout {
                plugin,
                seconds,
                span,
            } => at(
                codes::PLUGIN_TIMEOUT,
                format!("Exception in plugin {plugin}: it ran longer than {seconds} s and was stopped"),
                span,
                "in this call",
            )
            .with_help("a plugin that needs longer can be given more time with `--plugin-timeout SECONDS`"),
            PluginHost {
                plugin,
                message,
                span,
            } => at(
                codes::PLUGIN_HOST_UNAVAILABLE,
                format!("Exception in plugin {plugin}: the Python plugin host could not run: {message}"),
                span,
                "this plugin is Python code",
            )
            .with_help("install inmanta-core and the module's Python dependencies in the project's environment (`python3 -m venv .venv && .venv/bin/pip install inmanta-core`), or name one with `--python`"),
            TooManyPositional { plugin, span } => at(
                codes::PLUGIN_ARGUMENTS,
                format!("{plugin}() takes fewer positional arguments than were given"),
                span,
                "in this call",
            ),
            RepeatedKeyword {
                keyword,
                plugin,
                span,
            } => at(
                codes::PLUGIN_ARGUMENTS,
                format!("Keyword argument {keyword} repeated in function call {plugin}()"),
                span,
                "in this call",
            ),
            NoNativeVersion { plugin, span } => at(
                codes::PLUGIN_ERROR,
                format!("Exception in plugin {plugin}: {plugin} has no native version in lsmc"),
                span,
                "in this call",
            ),
            LsmPlugin {
                plugin,
                message,
                span,
            } => at(
                codes::PLUGIN_ERROR,
                format!("PluginException in plugin {plugin}\n{message}"),
                span,
                "in this call",
            ),
            Plugin {
                plugin,
                message,
                span,
            } => at(
                codes::PLUGIN_ERROR,
                format!("Exception in plugin {plugin}: {message}"),
                span,
                "in this call",
            ),
            PluginException {
                plugin,
                message,
                wrapped,
                span,
            } => at(
                if wrapped {
                    codes::PLUGIN_WRAPPED_ERROR
                } else {
                    codes::PLUGIN_EXCEPTION
                },
                format!("Exception in plugin {plugin}"),
                span,
                "in this call",
            )
            .with_note(format!("caused by: {message}")),
            PluginArgument { message, span } => at(
                codes::RUNTIME_ERROR,
                message,
                span,
                "in this call",
            )
            .with_help("pass a value of the type the plugin's parameter declares"),
            PluginLimit {
                plugin,
                message,
                span,
            } => at(
                codes::PLUGIN_LIMIT,
                format!("Exception in plugin {plugin}: {message}"),
                span,
                "in this call",
            ),
            PluginAttributeMissing { name } => {
                Diagnostic::error(codes::PLUGIN_ERROR, format!("no attribute {name}"))
            }
            NotAPlugin { name, span } => at(
                codes::NOT_FOUND,
                format!("could not find plugin {name}"),
                span,
                "not a plugin",
            ),
            CastWithKeywords { span } => at(
                codes::RUNTIME_ERROR,
                "Only positional arguments allowed in type cast".into(),
                span,
                "in this cast",
            ),
            CastArity { given, span } => at(
                codes::RUNTIME_ERROR,
                format!("Illegal arguments {given},0: type cast expects exactly 1 argument"),
                span,
                "in this cast",
            ),
            CastFailed { repr, to, span } => at(
                codes::RUNTIME_ERROR,
                format!("Failed to cast {repr} to {to}"),
                span,
                "in this cast",
            ),
        }
    }
}

/// What an instance of the inventory lacks or has wrong in one of its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    Missing,
    NotString,
    NotInteger,
    NotObjectOrNull,
    NotBool,
}

/// The problems of an inventory file; `index`: a service instance's position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryError {
    /// `error`: the JSON reader's words.
    InvalidJson {
        error: String,
        span: Span,
    },
    /// An object without a `data` array.
    NoDataArray {
        span: Span,
    },
    NotAnArray {
        span: Span,
    },
    InstanceNotObject {
        index: usize,
        span: Span,
    },
    Field {
        index: usize,
        key: &'static str,
        problem: FieldProblem,
        span: Span,
    },
    /// Two service instances with one id: `first` is the earlier one.
    DuplicateId {
        id: String,
        index: usize,
        first_index: usize,
        span: Span,
        first: Span,
    },
}

impl From<InventoryError> for Diagnostic {
    fn from(error: InventoryError) -> Diagnostic {
        use InventoryError::*;
        let (message, span, label) = match error {
            DuplicateId {
                id,
                index,
                first_index,
                span,
                first,
            } => {
                return at(
                    codes::INVENTORY_ERROR,
                    format!(
                        "service instances {first_index} and {index} have the same id `{id}`"
                    ),
                    span,
                    "the second instance with this id",
                )
                .with_label(Label::secondary(first, "the first instance with this id"))
                .with_help("each service instance has its own id: remove or correct one of them");
            }
            InvalidJson { error, span } => {
                (format!("the inventory is not valid JSON: {error}"), span, "here")
            }
            NoDataArray { span } => (
                "the inventory must be an array of service instances, or an object with a `data` array".into(),
                span,
                "not an array",
            ),
            NotAnArray { span } => (
                "the inventory must be an array of service instances".into(),
                span,
                "not an array",
            ),
            InstanceNotObject { index, span } => (
                format!("service instance {index} is not an object"),
                span,
                "not an object",
            ),
            Field {
                index,
                key,
                problem,
                span,
            } => (
                match problem {
                    FieldProblem::Missing => format!("service instance {index} has no `{key}`"),
                    FieldProblem::NotString => {
                        format!("`{key}` of service instance {index} is not a string")
                    }
                    FieldProblem::NotInteger => {
                        format!("`{key}` of service instance {index} is not an integer")
                    }
                    FieldProblem::NotObjectOrNull => {
                        format!("`{key}` of service instance {index} is neither an object nor null")
                    }
                    FieldProblem::NotBool => {
                        format!("`{key}` of service instance {index} is not a bool")
                    }
                },
                span,
                "in this instance",
            ),
        };
        at(codes::INVENTORY_ERROR, message, span, label)
            .with_help("the inventory is a JSON array of service instances (or {\"data\": [...]}), each with `id`, `service_entity`, `state` and the attribute sets")
    }
}
