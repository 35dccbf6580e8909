// The built-in plugins: std 8.4.2 (`inmanta_plugins/std/__init__.py`) and the lsm stand-in
// (`oracle/libs/lsm/plugins/__init__.py`, `allocators.py`), one entry each after the Python `def`
// it comes from, by namespace, in the order of `(namespace, name)`. Included by `plugins.rs`,
// whose `plugins!` says how to read an entry.
//
// Mapping of the Python annotations: primitive names map to their `PluginType`; `T?` is nullable;
// `T[]` is `list`; an entity type is its full name in quotes; a typedef (`std::ipv_any_address`,
// ...) is its base type (here always `string`; the typedef's constraint is not recorded). A
// `Context` parameter is not a plugin parameter (the compiler passes it) and is left out. No return
// annotation means `any` (inmanta-core `Plugin._load_signature`), `-> None` means `null`.
//
// std's `create_environment_reference` is left out: it is only defined when `inmanta.references`
// exists, which the reference compiler (inmanta-core 14.0.0) does not have.

plugins! {
    lsm {
        // @plugin("all") def all_instances(context: Context, binding: "std::Entity", min_version: "int" = 0, max_version: "int?" = None, include_purged_embedded_entities: "bool" = False, removed_attribute: "string" = "_removed", added_attribute: "string" = "_added") -> "list":
        all(
            binding: "std::Entity", min_version: int = _, max_version: int? = _,
            include_purged_embedded_entities: bool = _, removed_attribute: string = _,
            added_attribute: string = _,
        ) -> list => LsmAll;
        // @plugin("format") def format_string(fmt: "string", args: "list" = [], kwargs: "dict" = {}) -> "string":
        format(fmt: string, args: list = _, kwargs: dict = _) -> string => LsmFormat;
        // @plugin def get_service_binding_version(binding: "lsm::ServiceBinding", version: "int") -> "lsm::ServiceBindingVersion":
        get_service_binding_version(
            binding: "lsm::ServiceBinding", version: int,
        ) -> "lsm::ServiceBindingVersion" => LsmGetServiceBindingVersion;
        // @plugin def is_purged(lifecycle: "lsm::LifecycleStateMachine", instance_id: "string") -> "bool":
        is_purged(
            lifecycle: "lsm::LifecycleStateMachine", instance_id: string,
        ) -> bool => LsmIsPurged;
        // @plugin def render_dot(fsm: "lsm::LifecycleStateMachine") -> None:
        render_dot(fsm: "lsm::LifecycleStateMachine") -> null => LsmRenderDot;
    }
    lsm::allocators {
        // @allocator() def get_first_free_integer(service: "lsm::ServiceEntity", attribute_path: "string", *, range_start: "int", range_end: "int", used_values: "list" = []) -> "int":
        get_first_free_integer(
            service: "lsm::ServiceEntity", attribute_path: string, *, range_start: int,
            range_end: int, used_values: list = _,
        ) -> int => LsmAllocatorsGetFirstFreeInteger;
        // @plugin def get_used_values(binding: "std::Entity", attribute_path: "string") -> "list":
        get_used_values(
            binding: "std::Entity", attribute_path: string,
        ) -> list => LsmAllocatorsGetUsedValues;
    }
    std {
        // @plugin def add_to_ip(addr: "std::ipv_any_address", n: "int") -> "std::ipv_any_address":
        add_to_ip(addr: string, n: int) -> string => StdAddToIp;
        // @plugin("assert") def assert_function(expression: "bool", message: "string" = ""):
        assert(expression: bool, message: string = _) -> any => StdAssert;
        // @plugin def at(objects: "list", index: "int") -> "any":
        at(objects: list, index: int) -> any => StdAt;
        // @plugin def attr(obj: "any", attr: "string") -> "any":
        attr(obj: any, attr: string) -> any => StdAttr;
        // @plugin def capitalize(string: "string") -> "string":
        capitalize(string: string) -> string => StdCapitalize;
        // @plugin def contains(dct: "dict", key: "string") -> "bool":
        contains(dct: dict, key: string) -> bool => StdContains;
        // @plugin def count(item_list: "list") -> "int":
        count(item_list: list) -> int => StdCount;
        // @plugin def dict_get(dct: "dict", key: "string") -> "string":
        dict_get(dct: dict, key: string) -> string => StdDictGet;
        // @plugin def environment() -> "string":
        environment() -> string => StdEnvironment;
        // @plugin def environment_name(ctx: Context) -> "string":
        environment_name() -> string => StdEnvironmentName;
        // @plugin def environment_server(ctx: Context) -> "string":
        environment_server() -> string => StdEnvironmentServer;
        // @plugin def equals(arg1: "any", arg2: "any", desc: "string" = None):
        equals(arg1: any, arg2: any, desc: string = _) -> any => StdEquals;
        // @plugin def familyof(member: "std::OS", family: "string") -> "bool":
        familyof(member: "std::OS", family: string) -> bool => StdFamilyof;
        // @plugin def file(ctx: Context, path: "string") -> "string":
        file(path: string) -> string => StdFile;
        // @plugin def filter(values: "list", not_item: "std::Entity") -> "list":
        filter(values: list, not_item: "std::Entity") -> list => StdFilter;
        // @plugin def flatten(item_list: "list") -> "list":
        flatten(item_list: list) -> list => StdFlatten;
        // @plugin def format(__string: "string", *args: "any", **kwargs: "any") -> "string":
        format(__string: string, *args: any, **kwargs: any) -> string => StdFormat;
        // @plugin def generate_password(context: Context, pw_id: "string", length: "int" = 20) -> "string":
        generate_password(pw_id: string, length: int = _) -> string => StdGeneratePassword;
        // @plugin def get_env(name: "string", default_value: "string?" = None) -> "string":
        get_env(name: string, default_value: string? = _) -> string => StdGetEnv;
        // @plugin def get_env_int(name: "string", default_value: "int?" = None) -> "int":
        get_env_int(name: string, default_value: int? = _) -> int => StdGetEnvInt;
        // @plugin("getattr", allow_unknown=True) def getattribute(entity: "std::Entity", attribute_name: "string", default_value: "any" = None, no_unknown: "bool" = True) -> "any":
        getattr(
            entity: "std::Entity", attribute_name: string, default_value: any = _,
            no_unknown: bool = _,
        ) -> any => StdGetattr;
        // @plugin def getfact(context: Context, resource: "any", fact_name: "string", default_value: "any" = None) -> "any":
        getfact(resource: any, fact_name: string, default_value: any = _) -> any => StdGetfact;
        // @plugin def hostname(fqdn: "string") -> "string":
        hostname(fqdn: string) -> string => StdHostname;
        // @plugin def inlineif(conditional: "bool", a: "any", b: "any") -> "any":
        inlineif(conditional: bool, a: any, b: any) -> any => StdInlineif;
        // @plugin def invert(value: "bool") -> "bool":
        invert(value: bool) -> bool => StdInvert;
        // @plugin def ip_address_from_interface(ip_interface: "std::ipv_any_interface") -> "std::ipv_any_address":
        ip_address_from_interface(ip_interface: string) -> string => StdIpAddressFromInterface;
        // @plugin def ipindex(addr: "std::ipv_any_network", position: "int", keep_prefix: "bool" = False) -> "string":
        ipindex(addr: string, position: int, keep_prefix: bool = _) -> string => StdIpindex;
        // @plugin def is_base64_encoded(s: "string") -> "bool":
        is_base64_encoded(s: string) -> bool => StdIsBase64Encoded;
        // @plugin def is_instance(ctx: Context, obj: "any", cls: "string") -> "bool":
        is_instance(obj: any, cls: string) -> bool => StdIsInstance;
        // @plugin(allow_unknown=True) def is_unknown(value: "any") -> "bool":
        is_unknown(value: any) -> bool => StdIsUnknown;
        // @plugin def isset(value: "any") -> "bool":
        isset(value: any) -> bool => StdIsset;
        // @plugin def item(objects: "list", index: "int") -> "list":
        item(objects: list, index: int) -> list => StdItem;
        // @plugin def json_dumps(obj: "any") -> "string":
        json_dumps(obj: any) -> string => StdJsonDumps;
        // @plugin def json_loads(s: "string") -> "any":
        json_loads(s: string) -> any => StdJsonLoads;
        // @plugin def key_sort(items: "list", key: "any") -> "list":
        key_sort(items: list, key: any) -> list => StdKeySort;
        // @plugin("len") def list_len(item_list: "list") -> "int":
        len(item_list: list) -> int => StdLen;
        // @plugin def length(value: "string") -> "int":
        length(value: string) -> int => StdLength;
        // @plugin def limit(string: "string", length: "int") -> "string":
        limit(string: string, length: int) -> string => StdLimit;
        // @plugin def list_files(ctx: Context, path: "string") -> "list":
        list_files(path: string) -> list => StdListFiles;
        // @plugin def lower(string: "string") -> "string":
        lower(string: string) -> string => StdLower;
        // @plugin def netmask(addr: "std::ipv_any_interface") -> "std::ipv_any_address":
        netmask(addr: string) -> string => StdNetmask;
        // @plugin def network_address(addr: "std::ipv_any_interface") -> "std::ipv_any_address":
        network_address(addr: string) -> string => StdNetworkAddress;
        // @plugin def objid(value: "any") -> "string":
        objid(value: any) -> string => StdObjid;
        // @plugin def password(context: Context, pw_id: "string") -> "string":
        password(pw_id: string) -> string => StdPassword;
        // @plugin def prefixlen(addr: "std::ipv_any_interface") -> "int":
        prefixlen(addr: string) -> int => StdPrefixlen;
        // @plugin def prefixlength_to_netmask(prefixlen: "int") -> "std::ipv4_address":
        prefixlength_to_netmask(prefixlen: int) -> string => StdPrefixlengthToNetmask;
        // @plugin("print") def printf(message: "any"):
        print(message: any) -> any => StdPrint;
        // @plugin def replace(string: "string", old: "string", new: "string") -> "string":
        replace(string: string, old: string, new: string) -> string => StdReplace;
        // @plugin def select(objects: "list", attr: "string") -> "list":
        select(objects: list, attr: string) -> list => StdSelect;
        // @plugin def sequence(i: "int", start: "int" = 0) -> "list":
        sequence(i: int, start: int = _) -> list => StdSequence;
        // @plugin def server_ca() -> "string":
        server_ca() -> string => StdServerCa;
        // @plugin def server_port() -> "int":
        server_port() -> int => StdServerPort;
        // @plugin def server_ssl() -> "bool":
        server_ssl() -> bool => StdServerSsl;
        // @plugin def server_token(context: Context, client_types: "string[]" = ["agent"]) -> "string":
        server_token(client_types: list = _) -> string => StdServerToken;
        // @plugin def source(ctx: Context, path: "string") -> "string":
        source(path: string) -> string => StdSource;
        // @plugin def split(string_list: "string", delim: "string") -> "list":
        split(string_list: string, delim: string) -> list => StdSplit;
        // @plugin("template") def template(ctx: Context, path: "string", **kwargs: "any") -> "string":
        template(path: string, **kwargs: any) -> string => StdTemplate;
        // @plugin def timestamp(dummy: "any" = None) -> "int":
        timestamp(dummy: any = _) -> int => StdTimestamp;
        // @plugin def type(obj: "any") -> "any":
        type(obj: any) -> any => StdType;
        // @plugin def unique(item_list: "list") -> "bool":
        unique(item_list: list) -> bool => StdUnique;
        // @plugin def unique_file(prefix: "string", seed: "string", suffix: "string", length: "int" = 20) -> "string":
        unique_file(
            prefix: string, seed: string, suffix: string, length: int = _,
        ) -> string => StdUniqueFile;
        // @plugin def upper(string: "string") -> "string":
        upper(string: string) -> string => StdUpper;
        // @plugin def validate_type(fq_type_name: "string", value: "any", validation_parameters: "dict" = None) -> "bool":
        validate_type(
            fq_type_name: string, value: any, validation_parameters: dict = _,
        ) -> bool => StdValidateType;
    }
}
