"""The plugin host of lsmc: runs the Python plugins of a project's modules for one compile.

Started by lsmc with this file's text as `python -c`; argv[1] is a JSON object:
  {"module_path": [dirs of v1 modules], "python_path": [extra site folders], "cwd": project dir}

Protocol: one JSON object per line, both ways, on stdin/stdout (prints of plugins go to stderr).
  host -> lsmc, once: {"ready": true} or {"fatal": "what is missing"}
  lsmc -> host:       {"describe": "mod::name"}
  host -> lsmc:       {"signature": {"positional": [[name, annotation], ...], "var_positional":
                      annotation, "keyword_only": [...], "var_keyword": annotation, "returns":
                      annotation}} (variadics left out when absent; an annotation that is not a
                      string is {"py": type name, "text": repr}) | {"notfound": true}
  lsmc -> host:       {"call": "mod::name", "caller": "namespace of the call", "args": [...],
                      "kwargs": {...}}
  host -> lsmc, while the plugin runs, per attribute read of an instance argument:
                      {"get": instance id, "attr": name}
  lsmc -> host:       {"v": value} | {"wait": true} | {"missing": true}
  host -> lsmc, the outcome:
                      {"ok": value} | {"wait": true} | {"notfound": true}
                      | {"raise": "Type: message", "explicit": bool}
Values: JSON, with {"$d": {...}} for a dict, {"$i": id, "$e": entity} for an instance and
{"$u": 0} for an unknown.
"""

import importlib
import importlib.abc
import importlib.util
import inspect
import json
import os
import sys
from json.encoder import encode_basestring_ascii

config = json.loads(sys.argv[1])
# The protocol keeps the real stdout; anything a plugin prints goes to stderr.
proto_out_fd = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr


# A call's request and answer are small: what they cost is mostly the layers around their
# reading and writing, so the protocol's pipes are read and written as bytes (not through
# sys.stdin and a text file), and requests are read by json's own scanner, without the checks
# of json.loads around it (lsmc sends one valid object a line).
scan = json.JSONDecoder().scan_once
proto_in_fd = sys.stdin.fileno()
pending = bytearray()


def send(message):
    """Sends a message, or a line already framed (see `ok`)."""
    line = message if type(message) is str else json.dumps(message) + "\n"
    data = memoryview(line.encode("utf-8"))
    while data:
        data = data[os.write(proto_out_fd, data) :]


def receive():
    while True:
        end = pending.find(b"\n")
        if end >= 0:
            line = pending[:end].decode("utf-8")
            del pending[: end + 1]
            return scan(line, 0)[0]
        chunk = os.read(proto_in_fd, 65536)
        if not chunk:
            sys.exit(0)
        pending.extend(chunk)


def ok(value):
    """The answer to a call that returned `value`: a line framed by hand for an integer or a
    string (most plugins' results), else the message for json."""
    kind = type(value)
    if kind is int:
        return '{"ok":%d}\n' % value
    if kind is str:
        return '{"ok":' + encode_basestring_ascii(value) + "}\n"
    return {"ok": encode(value)}


for folder in config.get("python_path", []):
    sys.path.append(folder)
if config.get("cwd"):
    os.chdir(config["cwd"])

try:
    from inmanta.ast import NotFoundException
    from inmanta.execute.proxy import DynamicProxy, UnknownException
    from inmanta.execute.util import NoneValue, Unknown
    from inmanta.plugins import Context, PluginException, PluginMeta
except Exception as e:  # noqa: BLE001 - any failure to import means the same: no inmanta-core
    send({"fatal": f"can not import inmanta-core ({type(e).__name__}: {e})"})
    sys.exit(0)


class V1Modules(importlib.abc.MetaPathFinder):
    """Imports `inmanta_plugins.<mod>[.sub]` from `<mod>/plugins/` of the v1 modules on the
    module path, as the reference loads them."""

    def find_spec(self, fullname, path, target=None):
        parts = fullname.split(".")
        if parts[0] != "inmanta_plugins" or len(parts) < 2:
            return None
        for folder in config.get("module_path", []):
            base = os.path.join(folder, parts[1], "plugins", *parts[2:])
            init = os.path.join(base, "__init__.py")
            if os.path.isfile(init):
                return importlib.util.spec_from_file_location(
                    fullname, init, submodule_search_locations=[base]
                )
            if len(parts) > 2 and os.path.isfile(base + ".py"):
                return importlib.util.spec_from_file_location(fullname, base + ".py")
        return None


sys.meta_path.insert(0, V1Modules())


class Wait(BaseException):
    """An attribute is not known yet: the call stops and lsmc runs it again later (a
    BaseException, so that a plugin's `except Exception` does not swallow it)."""


class Attribute:
    def __init__(self, instance, name):
        self.instance = instance
        self.name = name

    def get_value(self):
        send({"get": self.instance.id, "attr": self.name})
        answer = receive()
        if "v" in answer:
            return decode(answer["v"])
        if answer.get("wait"):
            raise Wait()
        raise NotFoundException(None, self.name, f"{self.instance.entity} has no attribute {self.name}")


class Instance:
    """An instance of the model, living in lsmc: attribute reads are asked for."""

    def __init__(self, id, entity):
        self.id = id
        self.entity = entity

    def get_attribute(self, name):
        return Attribute(self, name)

    def __repr__(self):
        return f"{self.entity} {self.id:x}"

    def __eq__(self, other):
        return isinstance(other, Instance) and other.id == self.id

    def __hash__(self):
        return hash(self.id)


def decode(value):
    kind = type(value)
    if kind is list:
        return [decode(v) for v in value]
    if kind is dict:
        if "$d" in value:
            return {k: decode(v) for k, v in value["$d"].items()}
        if "$i" in value:
            return Instance(value["$i"], value.get("$e", ""))
        return Unknown(None)
    return value


class Unsupported(Exception):
    pass


def encode(value):
    if value is None or isinstance(value, NoneValue):
        return None
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Unsupported(f"{value} can not be a value of the model")
        return value
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"$d": {str(k): encode(v) for k, v in value.items()}}
    if isinstance(value, Instance):
        return {"$i": value.id, "$e": value.entity}
    if isinstance(value, Unknown):
        return {"$u": 0}
    raise Unsupported(f"a plugin can not return a {type(value).__name__} to the model")


class Namespace:
    def __init__(self, name):
        self.name = name

    def get_full_name(self):
        return self.name


class Caller:
    """`Context.owner`: the call, of which plugins read the calling namespace."""

    def __init__(self, namespace):
        self.namespace = Namespace(namespace)


class CalledPlugin:
    """`Context.plugin`: the plugin being called."""

    def __init__(self, name):
        namespace, self.name = name.rsplit("::", 1)
        self.namespace = Namespace(namespace)

    def get_full_name(self):
        return f"{self.namespace.name}::{self.name}"


class HostContext(Context):
    """What the reference's `Context` gives a plugin, without a compiler behind it."""

    def __init__(self, plugin, caller):
        self.plugin = CalledPlugin(plugin)
        self.owner = Caller(caller or self.plugin.namespace.name)

    def get_data_dir(self):
        data_dir = os.path.join("data", self.plugin.namespace.get_full_name())
        os.makedirs(data_dir, exist_ok=True)
        return data_dir

    def get_environment_id(self):
        return str(os.environ.get("INMANTA_CONFIG_ENVIRONMENT"))

    def get_resolver(self):
        return None

    def get_type(self, name):
        raise NotImplementedError(
            f"Context.get_type({str(name)!r}): lsmc's plugin host can not give the types of the"
            " model to a plugin; pass the instances or values the plugin needs as arguments"
        )


class HostModule:
    """A module of the project as `Project.get().modules` gives it: its name and folder."""

    def __init__(self, name, path):
        self.name = name
        self._path = path
        self.path = path


class HostProject:
    """What plugins read of `inmanta.module.Project.get()`: the project's folder and its
    modules (each folder on the module path, and each v2 module on the Python path)."""

    def __init__(self):
        self._path = self.project_path = os.getcwd()
        self.modules = {}
        for folder in config.get("module_path", []):
            for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
                if os.path.isdir(os.path.join(folder, name, "model")):
                    self.modules.setdefault(name, HostModule(name, os.path.join(folder, name)))
        for site in sys.path:
            packages = os.path.join(site, "inmanta_plugins")
            for name in sorted(os.listdir(packages)) if os.path.isdir(packages) else []:
                if os.path.isdir(os.path.join(packages, name, "model")):
                    self.modules.setdefault(name, HostModule(name, os.path.join(packages, name)))


try:
    from inmanta.module import Project

    Project._project = HostProject()
except Exception:  # noqa: BLE001 - plugins that read the project then fail at their call
    pass


def context_position(function):
    spec = inspect.getfullargspec(function)
    for position, name in enumerate(spec.args):
        annotation = spec.annotations.get(name)
        if annotation is Context or annotation == "Context":
            return position
    return -1


plugins = {}


def find(name):
    """The plugin class registered as `name` (`mod::sub::plugin`), importing its module."""
    if name in plugins:
        return plugins[name]
    module = "inmanta_plugins." + ".".join(name.split("::")[:-1])
    importlib.import_module(module)
    found = PluginMeta.get_functions().get(name)
    plugins[name] = found
    return found


def annotation(annotations, name, absent="any"):
    value = annotations.get(name, absent)
    if value is None or isinstance(value, str):
        return value
    return {"py": type(value).__name__, "text": repr(value)}


def describe(name):
    """The annotations of a plugin's parameters (Context left out) and result."""
    try:
        plugin = find(name)
    except ModuleNotFoundError:
        plugin = None
    if plugin is None:
        return {"notfound": True}
    spec = inspect.getfullargspec(plugin.__function__)
    notes = spec.annotations
    context = context_position(plugin.__function__)
    signature = {
        "positional": [
            [arg, annotation(notes, arg)] for i, arg in enumerate(spec.args) if i != context
        ],
        "keyword_only": [[arg, annotation(notes, arg)] for arg in spec.kwonlyargs],
        "returns": annotation(notes, "return"),
    }
    if spec.varargs:
        signature["var_positional"] = annotation(notes, spec.varargs)
    if spec.varkw:
        signature["var_keyword"] = annotation(notes, spec.varkw)
    return {"signature": signature}


class Prepared:
    """What a call of a plugin needs of it, read once per plugin (reading a function's
    signature costs more than a call of a small plugin)."""

    __slots__ = ("function", "context", "allow_unknown")

    def __init__(self, plugin):
        self.function = plugin.__function__
        self.context = context_position(self.function)
        self.allow_unknown = bool(plugin.opts.get("allow_unknown"))


prepared = {}

# Values of these types cross unchanged: the plugin gets them as they are, and returns them as
# they go back (a float is checked for nan and infinity by encode).
PLAIN = frozenset((int, str, bool, type(None)))


def wrap(value, allow_unknown):
    if type(value) in PLAIN:
        return value
    if isinstance(value, Unknown) and allow_unknown:
        return value
    return DynamicProxy.return_value(value)


def run(request):
    if "describe" in request:
        try:
            return describe(request["describe"])
        except Exception:  # noqa: BLE001 - the call that follows reports it
            return {"notfound": True}
    name = request["call"]
    target = prepared.get(name)
    if target is None:
        try:
            plugin = find(name)
        except ModuleNotFoundError:
            plugin = None
        except Exception as e:  # noqa: BLE001 - the module's code failed to import: at the call
            return {"raise": f"{type(e).__name__}: {e}", "explicit": False}
        if plugin is None:
            return {"notfound": True}
        target = prepared[name] = Prepared(plugin)
    args = [decode(a) for a in request.get("args", ())]
    kwargs = {k: decode(v) for k, v in request.get("kwargs", {}).items()}
    allow_unknown = target.allow_unknown
    if not allow_unknown and any(
        isinstance(v, Unknown) for v in [*args, *kwargs.values()]
    ):
        return {"ok": {"$u": 0}}
    try:
        args = [wrap(a, allow_unknown) for a in args]
        kwargs = {k: wrap(v, allow_unknown) for k, v in kwargs.items()}
        if target.context >= 0:
            args.insert(target.context, HostContext(name, request.get("caller")))
        result = target.function(*args, **kwargs)
        if type(result) in PLAIN:
            return ok(result)
        return ok(DynamicProxy.unwrap(result))
    except Wait:
        return {"wait": True}
    except UnknownException:
        return {"ok": {"$u": 0}}
    except PluginException as e:
        return {"raise": e.message, "explicit": True}
    except Exception as e:  # noqa: BLE001 - reported at the call, as the reference does
        return {"raise": f"{type(e).__name__}: {e}", "explicit": False}


send({"ready": True})
while True:
    send(run(receive()))
