//! The registry of diagnostic codes. A code never changes meaning once published; each has a page
//! `docs/errors/<CODE>.md` (a test checks that every code has one).
//!
//! Numbering: `E0xxx` syntax (lexer, parser), `E1xxx` names and types (resolve), `E2xxx` language
//! rules (check), `E3xxx` LSM rules, `E4xxx` evaluation, `E5xxx` service instances and catalog
//! versions (`lsmc validate-instance`, `lsmc export --previous`); `W....` warnings.

/// A stable diagnostic code and the reference compiler's exception class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code {
    /// The stable code, e.g. `E0002`.
    pub id: &'static str,
    /// A short kebab-case name, e.g. `unexpected-token`.
    pub name: &'static str,
    /// The fully qualified Inmanta exception class the reference compiler raises.
    pub inmanta_type: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $id:literal, $name:literal, $ty:literal;)*) => {
        $(pub const $konst: Code = Code { id: $id, name: $name, inmanta_type: $ty };)*
        /// Every code, in numbering order.
        pub const ALL: &[Code] = &[$($konst),*];
    };
}

codes! {
    ILLEGAL_CHARACTER = "E0001", "illegal-character", "inmanta.parser.ParserException";
    UNEXPECTED_TOKEN = "E0002", "unexpected-token", "inmanta.parser.ParserException";
    UNEXPECTED_EOF = "E0003", "unexpected-end-of-file", "inmanta.parser.ParserException";
    RESERVED_KEYWORD = "E0004", "reserved-keyword", "inmanta.parser.ParserException";
    INVALID_NAMESPACE_ACCESS = "E0005", "invalid-namespace-access", "inmanta.parser.InvalidNamespaceAccess";
    ENTITY_NAME_CASE = "E0006", "entity-name-case", "inmanta.parser.ParserException";
    ATTRIBUTE_NAME_CASE = "E0007", "attribute-name-case", "inmanta.parser.ParserException";
    DICT_NULL_DEFAULT = "E0008", "dict-null-default", "inmanta.parser.ParserException";
    DEFAULT_CONSTRUCTOR = "E0009", "default-constructor", "inmanta.parser.ParserException";
    PLUS_ASSIGN_VARIABLE = "E0010", "plus-assign-on-variable", "inmanta.parser.ParserException";
    INVALID_REGEX = "E0011", "invalid-regex", "inmanta.parser.ParserException";
    INVALID_FSTRING = "E0012", "invalid-f-string", "inmanta.parser.ParserException";
    DICT_KEY_INTERPOLATION = "E0013", "dict-key-interpolation", "inmanta.parser.ParserException";
    HYPHEN_IN_NAME = "E0014", "hyphen-in-name", "inmanta.ast.HyphenException";
    INVALID_MODULE_NAME = "E0015", "invalid-module-name", "inmanta.ast.CompilerException";
    DUPLICATE_DICT_KEY = "E0016", "duplicate-dict-key", "inmanta.ast.DuplicateException";
    BROKEN_ESCAPE = "E0017", "broken-escape", "inmanta.parser.ParserException";
    UNREADABLE_MODULE = "E0018", "unreadable-module", "inmanta.module.ModuleNotFoundException";
    NESTING_TOO_DEEP = "E0019", "nesting-too-deep", "inmanta.parser.ParserException";
    UNTERMINATED_STRING = "E0020", "unterminated-string", "inmanta.parser.ParserException";
    TYPE_NOT_FOUND = "E1001", "type-not-found", "inmanta.ast.TypeNotFoundException";
    MISSING_IMPORT = "E1002", "missing-import", "inmanta.ast.MissingImportException";
    MODULE_NOT_FOUND = "E1003", "module-not-found", "inmanta.module.ModuleLoadingException";
    DUPLICATE_IMPORT_NAME = "E1004", "duplicate-import-name", "inmanta.ast.DuplicateException";
    DUPLICATE_DEFINITION = "E1005", "duplicate-definition", "inmanta.ast.DuplicateException";
    INHERITANCE_CYCLE = "E1006", "inheritance-cycle", "inmanta.ast.CycleException";
    DUPLICATE_ATTRIBUTE = "E1007", "duplicate-attribute", "inmanta.ast.DuplicateException";
    INCOMPATIBLE_ATTRIBUTE = "E1008", "incompatible-attribute", "inmanta.ast.DuplicateException";
    RELATION_NAME_CLASH = "E1009", "relation-name-clash", "inmanta.ast.DuplicateException";
    INDEX_UNKNOWN_ATTRIBUTE = "E1010", "index-unknown-attribute", "inmanta.ast.NotFoundException";
    INDEX_INVALID_ATTRIBUTE = "E1011", "index-invalid-attribute", "inmanta.ast.IndexException";
    TYPEDEF_WITHOUT_SELF = "E1012", "typedef-without-self", "inmanta.ast.TypingException";
    IMPLEMENTATION_TYPE_MISMATCH = "E1013", "implementation-type-mismatch", "inmanta.ast.TypingException";
    CONDITIONAL_PARENTS = "E1014", "conditional-parents", "inmanta.ast.RuntimeException";
    UNKNOWN_CONSTRUCTOR_ATTRIBUTE = "E1015", "unknown-constructor-attribute", "inmanta.ast.TypingException";
    NAMESPACE_NOT_FOUND = "E1016", "namespace-not-found", "inmanta.ast.NotFoundException";
    PARENT_TWICE = "E1017", "parent-twice", "inmanta.ast.TypingException";
    PLUGIN_ARGUMENTS = "E1018", "plugin-arguments", "inmanta.ast.RuntimeException";
    NOT_CALLABLE = "E1019", "not-callable", "inmanta.ast.RuntimeException";
    TYPEDEF_CYCLE = "E1020", "typedef-cycle", "inmanta.ast.CycleException";
    UNANNOTATED_PLUGIN_PARAMETER = "E1021", "unannotated-plugin-parameter", "inmanta.ast.RuntimeException";
    INVALID_DEFAULT = "E2001", "invalid-default", "inmanta.ast.RuntimeException";
    CONSTRAINT_VARIABLE = "E2002", "constraint-variable", "inmanta.ast.NotFoundException";
    UNKNOWN_VARIABLE = "E2003", "unknown-variable", "inmanta.ast.NotFoundException";
    CONSTRAINT_NOT_DIRECT = "E2004", "constraint-not-direct", "inmanta.ast.DirectExecuteException";
    NOT_EMBEDDED_ENTITY = "E3001", "not-embedded-entity", "lsm.NotEmbeddedEntity";
    BACK_REFERENCE_NOT_PRIVATE = "E3002", "back-reference-not-private", "lsm.BackReferenceNotPrivate";
    BACK_REFERENCE_ARITY = "E3003", "back-reference-arity", "lsm.BackReferenceArity";
    MISSING_INDEX = "E3004", "missing-index", "lsm.MissingIndex";
    READ_ONLY_RELATION_WRITABLE = "E3005", "read-only-relation-writable", "lsm.ReadOnlyRelationWritable";
    KEY_INDEX_WITHOUT_ATTRIBUTE = "E3006", "key-index-without-attribute", "lsm.KeyIndexWithoutAttribute";
    KEY_INDEX_PRIVATE_ATTRIBUTE = "E3007", "key-index-private-attribute", "lsm.KeyIndexPrivateAttribute";
    KEY_INDEX_FOREIGN_RELATION = "E3008", "key-index-foreign-relation", "lsm.KeyIndexForeignRelation";
    KEY_ATTRIBUTE_RW_PLUS = "E3009", "key-attribute-rw-plus", "lsm.KeyAttributeRwPlus";
    AMBIGUOUS_KEY_INDEX = "E3010", "ambiguous-key-index", "lsm.AmbiguousKeyIndex";
    KEY_ATTRIBUTES_WITHOUT_INDEX = "E3011", "key-attributes-without-index", "lsm.KeyAttributesWithoutIndex";
    MODIFIER_TYPE = "E3012", "modifier-type", "lsm.ModifierType";
    MODIFIER_WITHOUT_ATTRIBUTE = "E3013", "modifier-without-attribute", "lsm.ModifierWithoutAttribute";
    MODIFIER_WITHOUT_DEFAULT = "E3014", "modifier-without-default", "lsm.ModifierWithoutDefault";
    ANNOTATIONS_WITHOUT_DEFAULT = "E3015", "annotations-without-default", "lsm.AnnotationsWithoutDefault";
    ANNOTATIONS_TYPE = "E3016", "annotations-type", "lsm.AnnotationsType";
    RELATION_ANNOTATIONS_NOT_STRING = "E3017", "relation-annotations-not-string", "lsm.RelationAnnotationsNotString";
    SERVICE_IDENTITY_UNKNOWN = "E3018", "service-identity-unknown", "lsm.ServiceIdentityUnknown";
    SERVICE_IDENTITY_MODIFIER = "E3019", "service-identity-modifier", "lsm.ServiceIdentityModifier";
    SERVICE_IDENTITY_TYPE = "E3020", "service-identity-type", "lsm.ServiceIdentityType";
    DUPLICATE_VERSION = "E3021", "duplicate-version", "lsm.DuplicateVersion";
    DEFAULT_VERSION_MISSING = "E3022", "default-version-missing", "lsm.DefaultVersionMissing";
    OWNERSHIP_CYCLE = "E3023", "ownership-cycle", "lsm.OwnershipCycle";
    UNKNOWN_SERVICE_ENTITY = "E3024", "unknown-service-entity", "lsm.UnknownServiceEntity";
    NOT_SERVICE_ENTITY = "E3025", "not-service-entity", "lsm.NotServiceEntity";
    DUPLICATE_SERVICE_NAME = "E3026", "duplicate-service-name", "lsm.DuplicateServiceName";
    ISR_TARGET_NOT_BOUND = "E3027", "isr-target-not-bound", "lsm.IsrTargetNotBound";
    ISR_TARGET_AMBIGUOUS = "E3028", "isr-target-ambiguous", "lsm.IsrTargetAmbiguous";
    EMBEDDED_CYCLE = "E3029", "embedded-cycle", "lsm.EmbeddedCycle";
    DUPLICATE_STATE_NAME = "E3030", "duplicate-state-name", "lsm.DuplicateStateName";
    CATALOG_VALUE_NOT_STATIC = "E3031", "catalog-value-not-static", "lsm.CatalogValueNotStatic";
    ATTRIBUTE_ERROR = "E4001", "attribute-error", "inmanta.ast.AttributeException";
    UNSET = "E4002", "unset", "inmanta.execute.proxy.UnsetException";
    NOT_FOUND = "E4003", "not-found", "inmanta.ast.NotFoundException";
    KEY_NOT_FOUND = "E4004", "key-not-found", "inmanta.ast.KeyException";
    RUNTIME_ERROR = "E4005", "runtime-error", "inmanta.ast.RuntimeException";
    TYPING_ERROR = "E4006", "typing-error", "inmanta.ast.TypingException";
    OPTIONAL_VALUE = "E4007", "optional-value", "inmanta.ast.OptionalValueException";
    INDEX_ATTRIBUTE_MISSING = "E4008", "index-attribute-missing", "inmanta.ast.statements.generator.IndexAttributeMissingInConstructorException";
    DUPLICATE_IN_INDEX = "E4009", "duplicate-in-index", "inmanta.ast.DuplicateException";
    PLUGIN_ERROR = "E4010", "plugin-error", "inmanta.plugins.PluginException";
    PLUGIN_NOT_SUPPORTED = "E4011", "plugin-not-supported", "inmanta.ast.ExternalException";
    STUCK = "E4012", "stuck", "inmanta.ast.CompilerException";
    INVENTORY_ERROR = "E4013", "inventory-error", "inmanta.plugins.PluginException";
    INDEX_COLLISION = "E4014", "index-collision", "inmanta.ast.statements.generator.IndexCollisionException";
    PLUGIN_LIMIT = "E4015", "plugin-limit", "inmanta.ast.ExternalException";
    DOUBLE_SET = "E4016", "double-set", "inmanta.ast.DoubleSetException";
    VALUE_TOO_DEEP = "E4017", "value-too-deep", "inmanta.ast.RuntimeException";
    TOO_MANY_INSTANCES = "E4022", "too-many-instances", "inmanta.ast.CompilerException";
    PLUGIN_EXCEPTION = "E4030", "plugin-exception", "inmanta.ast.ExternalException";
    PLUGIN_WRAPPED_ERROR = "E4031", "plugin-wrapped-error", "inmanta.ast.WrappingRuntimeException";
    PYTHON_PLUGIN_EXCEPTION = "E4035", "python-plugin-exception", "inmanta.ast.ExternalException";
    PYTHON_PLUGIN_REFUSED = "E4036", "python-plugin-refused", "inmanta.ast.ExplicitPluginException";
    PLUGIN_TIMEOUT = "E4037", "plugin-timeout", "inmanta.ast.ExternalException";
    PLUGIN_HOST_UNAVAILABLE = "E4038", "plugin-host-unavailable", "inmanta.ast.ExternalException";
    INSTANCE_WRONG_TYPE = "E5001", "instance-wrong-type", "lsm.InstanceWrongType";
    INSTANCE_INVALID_VALUE = "E5002", "instance-invalid-value", "lsm.InstanceInvalidValue";
    INSTANCE_MISSING_ATTRIBUTE = "E5003", "instance-missing-attribute", "lsm.InstanceMissingAttribute";
    INSTANCE_UNKNOWN_ATTRIBUTE = "E5004", "instance-unknown-attribute", "lsm.InstanceUnknownAttribute";
    INSTANCE_READ_ONLY = "E5005", "instance-read-only", "lsm.InstanceReadOnly";
    INSTANCE_ATTRIBUTE_CHANGED = "E5006", "instance-attribute-changed", "lsm.InstanceAttributeChanged";
    INSTANCE_EMBEDDED_SET_CHANGED = "E5007", "instance-embedded-set-changed", "lsm.InstanceEmbeddedSetChanged";
    INSTANCE_DUPLICATE_KEY = "E5008", "instance-duplicate-key", "lsm.InstanceDuplicateKey";
    CATALOG_VERSION_CHANGED = "E5009", "catalog-version-changed", "lsm.CatalogVersionChanged";
    CATALOG_VERSION_REMOVED = "E5010", "catalog-version-removed", "lsm.CatalogVersionRemoved";
    VALIDATE_UNKNOWN_INSTANCE = "E5011", "validate-unknown-instance", "lsm.ValidateUnknownInstance";
    INVALID_ESCAPE = "W0001", "invalid-escape-sequence", "inmanta.parser.ParserWarning";
    NUMBER_DEPRECATED = "W0002", "number-deprecated", "inmanta.warnings.TypeDeprecationWarning";
    IMPORT_CYCLE = "W0003", "import-cycle", "inmanta.warnings.CompilerRuntimeWarning";
    MISSING_MODULE_FOLDER = "W0004", "missing-module-folder", "inmanta.module.ProjectConfigurationWarning";
    INVENTORY_SERVICE_UNBOUND = "W5001", "inventory-service-unbound", "lsm.InventoryServiceUnbound";
    INVENTORY_NOT_READ = "W5002", "inventory-not-read", "lsm.InventoryNotRead";
    INVENTORY_ATTRIBUTE_MISMATCH = "W5003", "inventory-attribute-mismatch", "lsm.InventoryAttributeMismatch";
}

/// Looks a code up by its id (`E0002`) or name (`unexpected-token`), case-insensitively.
pub fn lookup(text: &str) -> Option<Code> {
    ALL.iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(text) || c.name.eq_ignore_ascii_case(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.name, b.name);
            }
        }
    }
}

mod pages {
    include!(concat!(env!("OUT_DIR"), "/error_pages.rs"));
}

/// The documentation page of a code (`docs/errors/<id>.md`), if it has one.
pub fn page(code: Code) -> Option<&'static str> {
    pages::PAGES
        .iter()
        .find(|(id, _)| *id == code.id)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn every_code_has_a_page_and_every_page_a_code() {
        for code in ALL {
            assert!(
                page(*code).is_some(),
                "docs/errors/{}.md is missing",
                code.id
            );
        }
        for (id, text) in pages::PAGES {
            assert!(
                ALL.iter().any(|c| c.id == *id),
                "docs/errors/{id}.md has no code"
            );
            assert!(
                text.starts_with(&format!("# {id}")),
                "docs/errors/{id}.md starts with `# {id}`"
            );
        }
    }
}
