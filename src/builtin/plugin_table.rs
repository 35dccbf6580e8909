// The signatures of the built-in plugins: std 8.4.2 (`inmanta_plugins/std/__init__.py`) and the lsm
// stand-in (`oracle/libs/lsm/plugins/__init__.py`, `allocators.py`). Included by `plugins.rs`.
//
// Mapping of the Python annotations: primitive names map to their `PluginType`; `T?` sets `nullable`;
// `T[]` is `List`; an entity type is `Entity(<full name>)`; a typedef (`std::ipv_any_address`, ...) is
// its base type (here always `String`; the typedef's constraint is not recorded). A `Context`
// parameter is not a plugin parameter (the compiler passes it) and is left out. No return annotation
// means `any` (inmanta-core `Plugin._load_signature`), `-> None` means `null`.
//
// std's `create_environment_reference` is left out: it is only defined when `inmanta.references`
// exists, which the reference compiler (inmanta-core 14.0.0) does not have.

pub const PLUGINS: &[PluginSignature] = &[
    // @plugin("all") def all_instances(context: Context, binding: "std::Entity", min_version: "int" = 0, max_version: "int?" = None, include_purged_embedded_entities: "bool" = False, removed_attribute: "string" = "_removed", added_attribute: "string" = "_added") -> "list":
    PluginSignature {
        namespace: "lsm",
        name: "all",
        params: &[
            Param {
                name: "binding",
                ty: PluginType::Entity("std::Entity"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "min_version",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
            Param {
                name: "max_version",
                ty: PluginType::Int,
                nullable: true,
                kind: ParamKind::Normal,
                has_default: true,
            },
            Param {
                name: "include_purged_embedded_entities",
                ty: PluginType::Bool,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
            Param {
                name: "removed_attribute",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
            Param {
                name: "added_attribute",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin("format") def format_string(fmt: "string", args: "list" = [], kwargs: "dict" = {}) -> "string":
    PluginSignature {
        namespace: "lsm",
        name: "format",
        params: &[
            Param {
                name: "fmt",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "args",
                ty: PluginType::List,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
            Param {
                name: "kwargs",
                ty: PluginType::Dict,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def get_service_binding_version(binding: "lsm::ServiceBinding", version: "int") -> "lsm::ServiceBindingVersion":
    PluginSignature {
        namespace: "lsm",
        name: "get_service_binding_version",
        params: &[
            Param {
                name: "binding",
                ty: PluginType::Entity("lsm::ServiceBinding"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "version",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Entity("lsm::ServiceBindingVersion"),
        returns_nullable: false,
    },
    // @plugin def is_purged(lifecycle: "lsm::LifecycleStateMachine", instance_id: "string") -> "bool":
    PluginSignature {
        namespace: "lsm",
        name: "is_purged",
        params: &[
            Param {
                name: "lifecycle",
                ty: PluginType::Entity("lsm::LifecycleStateMachine"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "instance_id",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def render_dot(fsm: "lsm::LifecycleStateMachine") -> None:
    PluginSignature {
        namespace: "lsm",
        name: "render_dot",
        params: &[Param {
            name: "fsm",
            ty: PluginType::Entity("lsm::LifecycleStateMachine"),
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Null,
        returns_nullable: false,
    },
    // @allocator() def get_first_free_integer(service: "lsm::ServiceEntity", attribute_path: "string", *, range_start: "int", range_end: "int", used_values: "list" = []) -> "int":
    PluginSignature {
        namespace: "lsm::allocators",
        name: "get_first_free_integer",
        params: &[
            Param {
                name: "service",
                ty: PluginType::Entity("lsm::ServiceEntity"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "attribute_path",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "range_start",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::KeywordOnly,
                has_default: false,
            },
            Param {
                name: "range_end",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::KeywordOnly,
                has_default: false,
            },
            Param {
                name: "used_values",
                ty: PluginType::List,
                nullable: false,
                kind: ParamKind::KeywordOnly,
                has_default: true,
            },
        ],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin def get_used_values(binding: "std::Entity", attribute_path: "string") -> "list":
    PluginSignature {
        namespace: "lsm::allocators",
        name: "get_used_values",
        params: &[
            Param {
                name: "binding",
                ty: PluginType::Entity("std::Entity"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "attribute_path",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin def add_to_ip(addr: "std::ipv_any_address", n: "int") -> "std::ipv_any_address":
    PluginSignature {
        namespace: "std",
        name: "add_to_ip",
        params: &[
            Param {
                name: "addr",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "n",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin("assert") def assert_function(expression: "bool", message: "string" = ""):
    PluginSignature {
        namespace: "std",
        name: "assert",
        params: &[
            Param {
                name: "expression",
                ty: PluginType::Bool,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "message",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def at(objects: "list", index: "int") -> "any":
    PluginSignature {
        namespace: "std",
        name: "at",
        params: &[
            Param {
                name: "objects",
                ty: PluginType::List,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "index",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def attr(obj: "any", attr: "string") -> "any":
    PluginSignature {
        namespace: "std",
        name: "attr",
        params: &[
            Param {
                name: "obj",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "attr",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def capitalize(string: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "capitalize",
        params: &[Param {
            name: "string",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def contains(dct: "dict", key: "string") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "contains",
        params: &[
            Param {
                name: "dct",
                ty: PluginType::Dict,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "key",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def count(item_list: "list") -> "int":
    PluginSignature {
        namespace: "std",
        name: "count",
        params: &[Param {
            name: "item_list",
            ty: PluginType::List,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin def dict_get(dct: "dict", key: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "dict_get",
        params: &[
            Param {
                name: "dct",
                ty: PluginType::Dict,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "key",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def environment() -> "string":
    PluginSignature {
        namespace: "std",
        name: "environment",
        params: &[],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def environment_name(ctx: Context) -> "string":
    PluginSignature {
        namespace: "std",
        name: "environment_name",
        params: &[],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def environment_server(ctx: Context) -> "string":
    PluginSignature {
        namespace: "std",
        name: "environment_server",
        params: &[],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def equals(arg1: "any", arg2: "any", desc: "string" = None):
    PluginSignature {
        namespace: "std",
        name: "equals",
        params: &[
            Param {
                name: "arg1",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "arg2",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "desc",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def familyof(member: "std::OS", family: "string") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "familyof",
        params: &[
            Param {
                name: "member",
                ty: PluginType::Entity("std::OS"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "family",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def file(ctx: Context, path: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "file",
        params: &[Param {
            name: "path",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def filter(values: "list", not_item: "std::Entity") -> "list":
    PluginSignature {
        namespace: "std",
        name: "filter",
        params: &[
            Param {
                name: "values",
                ty: PluginType::List,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "not_item",
                ty: PluginType::Entity("std::Entity"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin def flatten(item_list: "list") -> "list":
    PluginSignature {
        namespace: "std",
        name: "flatten",
        params: &[Param {
            name: "item_list",
            ty: PluginType::List,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin def format(__string: "string", *args: "any", **kwargs: "any") -> "string":
    PluginSignature {
        namespace: "std",
        name: "format",
        params: &[
            Param {
                name: "__string",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "args",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::VarPositional,
                has_default: false,
            },
            Param {
                name: "kwargs",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::VarKeyword,
                has_default: false,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def generate_password(context: Context, pw_id: "string", length: "int" = 20) -> "string":
    PluginSignature {
        namespace: "std",
        name: "generate_password",
        params: &[
            Param {
                name: "pw_id",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "length",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def get_env(name: "string", default_value: "string?" = None) -> "string":
    PluginSignature {
        namespace: "std",
        name: "get_env",
        params: &[
            Param {
                name: "name",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "default_value",
                ty: PluginType::String,
                nullable: true,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def get_env_int(name: "string", default_value: "int?" = None) -> "int":
    PluginSignature {
        namespace: "std",
        name: "get_env_int",
        params: &[
            Param {
                name: "name",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "default_value",
                ty: PluginType::Int,
                nullable: true,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin("getattr", allow_unknown=True) def getattribute(entity: "std::Entity", attribute_name: "string", default_value: "any" = None, no_unknown: "bool" = True) -> "any":
    PluginSignature {
        namespace: "std",
        name: "getattr",
        params: &[
            Param {
                name: "entity",
                ty: PluginType::Entity("std::Entity"),
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "attribute_name",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "default_value",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
            Param {
                name: "no_unknown",
                ty: PluginType::Bool,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def getfact(context: Context, resource: "any", fact_name: "string", default_value: "any" = None) -> "any":
    PluginSignature {
        namespace: "std",
        name: "getfact",
        params: &[
            Param {
                name: "resource",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "fact_name",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "default_value",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def hostname(fqdn: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "hostname",
        params: &[Param {
            name: "fqdn",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def inlineif(conditional: "bool", a: "any", b: "any") -> "any":
    PluginSignature {
        namespace: "std",
        name: "inlineif",
        params: &[
            Param {
                name: "conditional",
                ty: PluginType::Bool,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "a",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "b",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def invert(value: "bool") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "invert",
        params: &[Param {
            name: "value",
            ty: PluginType::Bool,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def ip_address_from_interface(ip_interface: "std::ipv_any_interface") -> "std::ipv_any_address":
    PluginSignature {
        namespace: "std",
        name: "ip_address_from_interface",
        params: &[Param {
            name: "ip_interface",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def ipindex(addr: "std::ipv_any_network", position: "int", keep_prefix: "bool" = False) -> "string":
    PluginSignature {
        namespace: "std",
        name: "ipindex",
        params: &[
            Param {
                name: "addr",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "position",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "keep_prefix",
                ty: PluginType::Bool,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def is_base64_encoded(s: "string") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "is_base64_encoded",
        params: &[Param {
            name: "s",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def is_instance(ctx: Context, obj: "any", cls: "string") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "is_instance",
        params: &[
            Param {
                name: "obj",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "cls",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin(allow_unknown=True) def is_unknown(value: "any") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "is_unknown",
        params: &[Param {
            name: "value",
            ty: PluginType::Any,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def isset(value: "any") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "isset",
        params: &[Param {
            name: "value",
            ty: PluginType::Any,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def item(objects: "list", index: "int") -> "list":
    PluginSignature {
        namespace: "std",
        name: "item",
        params: &[
            Param {
                name: "objects",
                ty: PluginType::List,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "index",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin def json_dumps(obj: "any") -> "string":
    PluginSignature {
        namespace: "std",
        name: "json_dumps",
        params: &[Param {
            name: "obj",
            ty: PluginType::Any,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def json_loads(s: "string") -> "any":
    PluginSignature {
        namespace: "std",
        name: "json_loads",
        params: &[Param {
            name: "s",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def key_sort(items: "list", key: "any") -> "list":
    PluginSignature {
        namespace: "std",
        name: "key_sort",
        params: &[
            Param {
                name: "items",
                ty: PluginType::List,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "key",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin("len") def list_len(item_list: "list") -> "int":
    PluginSignature {
        namespace: "std",
        name: "len",
        params: &[Param {
            name: "item_list",
            ty: PluginType::List,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin def length(value: "string") -> "int":
    PluginSignature {
        namespace: "std",
        name: "length",
        params: &[Param {
            name: "value",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin def limit(string: "string", length: "int") -> "string":
    PluginSignature {
        namespace: "std",
        name: "limit",
        params: &[
            Param {
                name: "string",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "length",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def list_files(ctx: Context, path: "string") -> "list":
    PluginSignature {
        namespace: "std",
        name: "list_files",
        params: &[Param {
            name: "path",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin def lower(string: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "lower",
        params: &[Param {
            name: "string",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def netmask(addr: "std::ipv_any_interface") -> "std::ipv_any_address":
    PluginSignature {
        namespace: "std",
        name: "netmask",
        params: &[Param {
            name: "addr",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def network_address(addr: "std::ipv_any_interface") -> "std::ipv_any_address":
    PluginSignature {
        namespace: "std",
        name: "network_address",
        params: &[Param {
            name: "addr",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def objid(value: "any") -> "string":
    PluginSignature {
        namespace: "std",
        name: "objid",
        params: &[Param {
            name: "value",
            ty: PluginType::Any,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def password(context: Context, pw_id: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "password",
        params: &[Param {
            name: "pw_id",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def prefixlen(addr: "std::ipv_any_interface") -> "int":
    PluginSignature {
        namespace: "std",
        name: "prefixlen",
        params: &[Param {
            name: "addr",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin def prefixlength_to_netmask(prefixlen: "int") -> "std::ipv4_address":
    PluginSignature {
        namespace: "std",
        name: "prefixlength_to_netmask",
        params: &[Param {
            name: "prefixlen",
            ty: PluginType::Int,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin("print") def printf(message: "any"):
    PluginSignature {
        namespace: "std",
        name: "print",
        params: &[Param {
            name: "message",
            ty: PluginType::Any,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def replace(string: "string", old: "string", new: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "replace",
        params: &[
            Param {
                name: "string",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "old",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "new",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def select(objects: "list", attr: "string") -> "list":
    PluginSignature {
        namespace: "std",
        name: "select",
        params: &[
            Param {
                name: "objects",
                ty: PluginType::List,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "attr",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin def sequence(i: "int", start: "int" = 0) -> "list":
    PluginSignature {
        namespace: "std",
        name: "sequence",
        params: &[
            Param {
                name: "i",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "start",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin def server_ca() -> "string":
    PluginSignature {
        namespace: "std",
        name: "server_ca",
        params: &[],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def server_port() -> "int":
    PluginSignature {
        namespace: "std",
        name: "server_port",
        params: &[],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin def server_ssl() -> "bool":
    PluginSignature {
        namespace: "std",
        name: "server_ssl",
        params: &[],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def server_token(context: Context, client_types: "string[]" = ["agent"]) -> "string":
    PluginSignature {
        namespace: "std",
        name: "server_token",
        params: &[Param {
            name: "client_types",
            ty: PluginType::List,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: true,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def source(ctx: Context, path: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "source",
        params: &[Param {
            name: "path",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def split(string_list: "string", delim: "string") -> "list":
    PluginSignature {
        namespace: "std",
        name: "split",
        params: &[
            Param {
                name: "string_list",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "delim",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
        ],
        returns: PluginType::List,
        returns_nullable: false,
    },
    // @plugin("template") def template(ctx: Context, path: "string", **kwargs: "any") -> "string":
    PluginSignature {
        namespace: "std",
        name: "template",
        params: &[
            Param {
                name: "path",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "kwargs",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::VarKeyword,
                has_default: false,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def timestamp(dummy: "any" = None) -> "int":
    PluginSignature {
        namespace: "std",
        name: "timestamp",
        params: &[Param {
            name: "dummy",
            ty: PluginType::Any,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: true,
        }],
        returns: PluginType::Int,
        returns_nullable: false,
    },
    // @plugin def type(obj: "any") -> "any":
    PluginSignature {
        namespace: "std",
        name: "type",
        params: &[Param {
            name: "obj",
            ty: PluginType::Any,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Any,
        returns_nullable: false,
    },
    // @plugin def unique(item_list: "list") -> "bool":
    PluginSignature {
        namespace: "std",
        name: "unique",
        params: &[Param {
            name: "item_list",
            ty: PluginType::List,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
    // @plugin def unique_file(prefix: "string", seed: "string", suffix: "string", length: "int" = 20) -> "string":
    PluginSignature {
        namespace: "std",
        name: "unique_file",
        params: &[
            Param {
                name: "prefix",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "seed",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "suffix",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "length",
                ty: PluginType::Int,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def upper(string: "string") -> "string":
    PluginSignature {
        namespace: "std",
        name: "upper",
        params: &[Param {
            name: "string",
            ty: PluginType::String,
            nullable: false,
            kind: ParamKind::Normal,
            has_default: false,
        }],
        returns: PluginType::String,
        returns_nullable: false,
    },
    // @plugin def validate_type(fq_type_name: "string", value: "any", validation_parameters: "dict" = None) -> "bool":
    PluginSignature {
        namespace: "std",
        name: "validate_type",
        params: &[
            Param {
                name: "fq_type_name",
                ty: PluginType::String,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "value",
                ty: PluginType::Any,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: false,
            },
            Param {
                name: "validation_parameters",
                ty: PluginType::Dict,
                nullable: false,
                kind: ParamKind::Normal,
                has_default: true,
            },
        ],
        returns: PluginType::Bool,
        returns_nullable: false,
    },
];
