//! The `std` plugins that read the world around the model (files of modules, the environment,
//! the data folder, the clock), work on IP addresses, or ask an orchestrator; each as std 8.4.2's
//! Python does it, with its results and its exceptions' messages. What they read comes through the
//! evaluation's [`super::std_host::StdHost`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::flow::Flow;
use super::plugin_args::{bind, Args, Failure};
use super::value::Value;
use super::Runtime;

/// The reference's message when no environment is configured (a compile without an orchestrator).
const NO_ENVIRONMENT: &str =
    "Exception: The environment of this model should be configured in config>environment";

pub(super) fn hostname(args: &Args) -> Result<Value, Failure> {
    bind!(args, StdHostname: fqdn);
    Ok(Value::str(fqdn.str()?.split('.').next().unwrap_or("")))
}

pub(super) fn unique_file(args: &Args) -> Result<Value, Failure> {
    bind!(args, StdUniqueFile: prefix, seed, suffix);
    let digest = md5_hex(seed.str()?.as_bytes());
    Ok(Value::str(&format!(
        "{}{digest}{}",
        prefix.str()?,
        suffix.str()?
    )))
}

pub(super) fn is_unknown(args: &Args) -> Result<Value, Failure> {
    bind!(args, StdIsUnknown: value);
    Ok(Value::Bool(matches!(value.value, Some(Value::Unknown))))
}

pub(super) fn timestamp(rt: &Runtime<'_>) -> Value {
    Value::Int(rt.options.host.0.now())
}

pub(super) fn get_env(rt: &Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdGetEnv: name, default_value);
    let found = rt.options.host.0.env_var(name.str()?);
    Ok(match (found, default_value.value) {
        (Some(v), _) => Value::str(&v),
        (None, Some(d)) if !d.is_null() => d.clone(),
        _ => Value::Unknown,
    })
}

pub(super) fn get_env_int(rt: &Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdGetEnvInt: name, default_value);
    let found = rt.options.host.0.env_var(name.str()?);
    Ok(match (found, default_value.value) {
        (Some(v), _) => Value::Int(python_int(&v)?),
        (None, Some(d)) if !d.is_null() => d.clone(),
        _ => Value::Unknown,
    })
}

/// Python's `int(text)`.
fn python_int(text: &str) -> Result<i64, String> {
    let digits: String = text.trim().chars().filter(|c| *c != '_').collect();
    digits
        .parse()
        .map_err(|_| format!("ValueError: invalid literal for int() with base 10: '{text}'"))
}

/// `std::environment`, `std::environment_name`, `std::getfact` on a resource: the reference
/// needs an environment id, which a compile without an orchestrator does not have.
pub(super) fn no_environment() -> Failure {
    NO_ENVIRONMENT.into()
}

pub(super) fn getfact(rt: &Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdGetfact: resource);
    match resource.value {
        Some(Value::Instance(i)) => {
            let entity = rt.instances[i.0 as usize].entity;
            let is_resource = rt
                .model
                .entity_by_name("std::Resource")
                .is_some_and(|r| rt.is_subtype(entity, r));
            if is_resource {
                Err(no_environment())
            } else {
                Err("Exception: Facts can only be retreived from resources.".into())
            }
        }
        Some(other) => Err(format!(
            "AttributeError: '{}' object has no attribute '_type'",
            python_type(other)
        )
        .into()),
        None => Err("missing argument resource".into()),
    }
}

/// The Python class name of a value as a plugin receives it.
pub(super) fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "str",
        Value::List(_) => "SequenceProxy",
        Value::Dict(_) => "DictProxy",
        Value::Instance(_) => "DynamicProxy",
        Value::Unknown => "Unknown",
    }
}

pub(super) fn attr(rt: &mut Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdAttr: obj, attr);
    let name = attr.str()?.to_string();
    match obj.value {
        Some(Value::Instance(i)) => {
            let i = *i;
            match rt.slot(i, &name) {
                Some(cell) => Ok(rt.read(cell)?),
                None => Err(Failure::Wrapped(format!("could not find value {name}"))),
            }
        }
        Some(other) => Err(format!(
            "AttributeError: '{}' object has no attribute '{name}'",
            python_type(other)
        )
        .into()),
        None => Err("missing argument obj".into()),
    }
}

pub(super) fn objid(rt: &Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdObjid: value);
    match value.value {
        // The reference shows the instance, Python's `id()` of it and its class; lsmc's id is
        // the instance's number, the same on every run.
        Some(Value::Instance(i)) => {
            let entity = &rt.model.entity(rt.instances[i.0 as usize].entity).full_name;
            Ok(Value::str(&format!(
                "({entity} {:x}, '{}', <class 'inmanta.execute.runtime.Instance'>)",
                i.0, i.0
            )))
        }
        Some(other) => Err(format!(
            "AttributeError: '{}' object has no attribute '_get_instance'",
            python_type(other)
        )
        .into()),
        None => Err("missing argument value".into()),
    }
}

pub(super) fn is_instance(rt: &Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdIsInstance: obj, cls);
    let cls = cls.str()?;
    let Some(entity) = rt.model.entity_by_name(cls) else {
        // The reference's std fails on its own error path (a string has no location).
        return Err("AttributeError: 'str' object has no attribute 'get_location'".into());
    };
    match obj.value {
        Some(Value::Instance(i)) => Ok(Value::Bool(
            rt.is_subtype(rt.instances[i.0 as usize].entity, entity),
        )),
        Some(other) => Err(format!(
            "AttributeError: '{}' object has no attribute '_get_instance'",
            python_type(other)
        )
        .into()),
        None => Err("missing argument obj".into()),
    }
}

/// `std::familyof`, with the reference's walk: a parent's name is compared only while it has a
/// family of its own, so `familyof(linux, "unix")` is false when `unix` has none.
pub(super) fn familyof(rt: &mut Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdFamilyof: member, family);
    let family = family.str()?.to_string();
    let Some(Value::Instance(mut current)) = member.value.cloned() else {
        return Err("missing argument member".into());
    };
    let name_of = |rt: &mut Runtime<'_>, i| -> Result<Value, Failure> {
        let cell = rt.slot(i, "name").ok_or("no attribute name")?;
        Ok(rt.read(cell)?)
    };
    if name_of(rt, current)? == Value::str(&family) {
        return Ok(Value::Bool(true));
    }
    loop {
        let cell = rt.slot(current, "family").ok_or("no attribute family")?;
        let parent = match rt.read(cell) {
            Ok(Value::Instance(p)) => p,
            Ok(_) => return Ok(Value::Bool(false)),
            Err(Flow::Wait(c)) if !rt.cells[c.0 as usize].frozen() => {
                return Err(Flow::Wait(c).into())
            }
            Err(_) => return Ok(Value::Bool(false)),
        };
        if name_of(rt, current)? == Value::str(&family) {
            return Ok(Value::Bool(true));
        }
        current = parent;
    }
}

pub(super) fn filter(args: &Args) -> Result<Value, Failure> {
    bind!(args, StdFilter: values, not_item);
    let not_item = not_item.value.cloned().unwrap_or(Value::Null);
    Ok(Value::list(
        values
            .list()?
            .iter()
            .filter(|v| **v != not_item)
            .cloned()
            .collect(),
    ))
}

// Files of modules.

/// A path as `std::source` and friends take it: `module/rest` (`./rest`: the calling module;
/// `/rest`: the project), split into the module and the rest, as `determine_path` does.
fn module_and_rest(rt: &Runtime<'_>, caller: &str, path: &str) -> Result<(String, String), String> {
    let path = module_path(caller, path)?;
    let (module, rest) = path.split_once('/').unwrap_or((&path, ""));
    if !module.is_empty() && !module_loaded(rt, module) {
        return Err(format!(
            "Exception: Module {module} does not exist for path {path}"
        ));
    }
    Ok((module.to_string(), rest.to_string()))
}

/// `path` with a leading `./` replaced by the calling module's name (`module/rest`).
pub(super) fn module_path(caller: &str, path: &str) -> Result<String, String> {
    match path.strip_prefix("./") {
        Some(rest) => {
            let module = caller.split("::").next().unwrap_or(caller);
            if module == "__config__" {
                return Err(format!(
                    "Exception: Unable to determine current module for path {path}, called from {caller}"
                ));
            }
            Ok(format!("{module}/{rest}"))
        }
        None => Ok(path.to_string()),
    }
}

/// Whether the project loaded the top-level module `name`.
pub(super) fn module_loaded(rt: &Runtime<'_>, name: &str) -> bool {
    rt.model.namespaces.iter().any(|ns| {
        ns.name == name
            || ns
                .name
                .strip_prefix(name)
                .is_some_and(|r| r.starts_with("::"))
    })
}

pub(super) fn source(rt: &Runtime<'_>, caller: &str, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdSource: path);
    let path = path.str()?;
    let (module, rest) = module_and_rest(rt, caller, path)?;
    match rt.options.host.0.module_file(&module, "files", &rest) {
        Ok(text) => Ok(Value::str(&text)),
        Err(filename) => Err(format!("Exception: {path} isn't a valid file ({filename})").into()),
    }
}

pub(super) fn file(rt: &Runtime<'_>, caller: &str, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdFile: path);
    let path = path.str()?;
    let (module, rest) = module_and_rest(rt, caller, path)?;
    match rt.options.host.0.module_file_path(&module, "files", &rest) {
        Ok(absolute) => Ok(Value::str(&format!("imp-module-source:file://{absolute}"))),
        Err(filename) => Err(format!("Exception: {filename} isn't a valid file").into()),
    }
}

pub(super) fn list_files(rt: &Runtime<'_>, caller: &str, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdListFiles: path);
    let (module, rest) = module_and_rest(rt, caller, path.str()?)?;
    let names = rt
        .options
        .host
        .0
        .list_module_files(&module, "files", &rest)
        .map_err(|e| format!("FileNotFoundError: {e}"))?;
    Ok(Value::list(names.iter().map(|n| Value::str(n)).collect()))
}

// Passwords in the data folder.

const PASSWORD_FILE: &str = "passwordfile.txt";

/// The records of the password file, as `get_passwords` reads them: `id=value` lines.
fn passwords(rt: &Runtime<'_>) -> Result<Vec<(String, String)>, String> {
    let text = rt.options.host.0.read_data_file(PASSWORD_FILE)?;
    let mut records: Vec<(String, String)> = Vec::new();
    for line in text.as_deref().unwrap_or("").lines() {
        let line = line.trim();
        if line.chars().count() <= 2 {
            continue;
        }
        let Some((id, value)) = line.split_once('=') else {
            return Err("ValueError: substring not found".into());
        };
        let id = id.trim().to_string();
        let value = value.trim().to_string();
        match records.iter_mut().find(|(k, _)| *k == id) {
            Some(record) => record.1 = value,
            None => records.push((id, value)),
        }
    }
    Ok(records)
}

fn check_password_id(pw_id: &str) -> Result<(), String> {
    if pw_id.contains('=') {
        return Err("Exception: The password id cannot contain =".into());
    }
    Ok(())
}

pub(super) fn password(rt: &Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdPassword: pw_id);
    let pw_id = pw_id.str()?;
    check_password_id(pw_id)?;
    match passwords(rt)?.into_iter().find(|(k, _)| k == pw_id) {
        Some((_, value)) => Ok(Value::str(&value)),
        None => Err(format!(
            "Exception: Password {pw_id} does not exist in file {}",
            rt.options.host.0.data_file_path(PASSWORD_FILE)
        )
        .into()),
    }
}

pub(super) fn generate_password(rt: &Runtime<'_>, args: &Args) -> Result<Value, Failure> {
    bind!(args, StdGeneratePassword: pw_id, length);
    let pw_id = pw_id.str()?;
    let length = match length.value {
        Some(_) => length.int()?,
        None => 20,
    };
    check_password_id(pw_id)?;
    let mut records = passwords(rt)?;
    if let Some((_, value)) = records.iter().find(|(k, _)| k == pw_id) {
        return Ok(Value::str(value));
    }
    let password = rt
        .options
        .host
        .0
        .random_alphanumeric(length.max(0) as usize);
    records.push((pw_id.to_string(), password.clone()));
    let text: String = records.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    rt.options.host.0.write_data_file(PASSWORD_FILE, &text)?;
    Ok(Value::str(&password))
}

// IP addresses, as Python's `ipaddress` reads and writes them.

/// An interface (`addr/prefix`), as `ipaddress.ip_interface` reads it.
fn interface(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u8>().ok().filter(|p| *p <= max)?
        }
        Some(p) if addr.is_ipv4() => {
            let mask: Ipv4Addr = p.parse().ok()?;
            let bits = u32::from(mask);
            if bits.leading_ones() + bits.trailing_zeros() != 32 {
                return None;
            }
            bits.leading_ones() as u8
        }
        Some(_) => return None,
    };
    Some((addr, prefix))
}

fn bits(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u32::from(a) as u128,
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_bits(v6: bool, bits: u128) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(bits))
    } else {
        IpAddr::V4(Ipv4Addr::from(bits as u32))
    }
}

fn mask(v6: bool, prefix: u8) -> u128 {
    let width = if v6 { 128 } else { 32 };
    let all = if v6 { u128::MAX } else { u32::MAX as u128 };
    if prefix == 0 {
        0
    } else {
        (all << (width - prefix as u32)) & all
    }
}

/// The typedef check the reference runs on an argument before the plugin: its message.
fn constraint(value: &str, pydantic: &str) -> Failure {
    Failure::Argument(format!(
        "Invalid value '{value}', does not match constraint `std::validate_type('pydantic.{pydantic}',self)`"
    ))
}

/// The one argument of the plugins that take an interface (`std::ipv_any_interface`).
fn interface_arg(args: &Args) -> Result<(IpAddr, u8), Failure> {
    let [arg] = args.at([0]);
    let text = arg.str()?;
    interface(text).ok_or_else(|| constraint(text, "IPvAnyInterface"))
}

pub(super) fn ip_address_from_interface(args: &Args) -> Result<Value, Failure> {
    let (addr, _) = interface_arg(args)?;
    Ok(Value::str(&addr.to_string()))
}

pub(super) fn prefixlen(args: &Args) -> Result<Value, Failure> {
    let (_, prefix) = interface_arg(args)?;
    Ok(Value::Int(prefix as i64))
}

pub(super) fn network_address(args: &Args) -> Result<Value, Failure> {
    let (addr, prefix) = interface_arg(args)?;
    let v6 = addr.is_ipv6();
    Ok(Value::str(
        &from_bits(v6, bits(addr) & mask(v6, prefix)).to_string(),
    ))
}

pub(super) fn netmask(args: &Args) -> Result<Value, Failure> {
    let (addr, prefix) = interface_arg(args)?;
    let v6 = addr.is_ipv6();
    Ok(Value::str(&from_bits(v6, mask(v6, prefix)).to_string()))
}

pub(super) fn prefixlength_to_netmask(args: &Args) -> Result<Value, Failure> {
    bind!(args, StdPrefixlengthToNetmask: prefixlen);
    let n = prefixlen.int()?;
    if !(0..=32).contains(&n) {
        return Err(format!(
            "ValueError: '255.255.255.255/{n}' does not appear to be an IPv4 or IPv6 interface"
        )
        .into());
    }
    Ok(Value::str(
        &from_bits(false, mask(false, n as u8)).to_string(),
    ))
}

pub(super) fn ipindex(args: &Args) -> Result<Value, Failure> {
    bind!(args, StdIpindex: addr, position, keep_prefix);
    let text = addr.str()?;
    let (network, prefix) = interface(text).ok_or_else(|| constraint(text, "IPvAnyNetwork"))?;
    let v6 = network.is_ipv6();
    if bits(network) & !mask(v6, prefix) != 0 {
        return Err(constraint(text, "IPvAnyNetwork"));
    }
    let width = if v6 { 128 } else { 32 };
    let size: u128 = if width - prefix as u32 >= 128 {
        u128::MAX
    } else {
        1u128 << (width - prefix as u32)
    };
    let position = position.int()?;
    let offset = if position >= 0 {
        Some(position as u128).filter(|p| *p < size)
    } else {
        size.checked_sub(position.unsigned_abs() as u128)
    };
    let Some(offset) = offset else {
        return Err("IndexError: address out of range".into());
    };
    let address = from_bits(v6, bits(network) + offset);
    Ok(Value::str(
        &if matches!(keep_prefix.value, Some(Value::Bool(true))) {
            format!("{address}/{prefix}")
        } else {
            address.to_string()
        },
    ))
}

pub(super) fn add_to_ip(args: &Args) -> Result<Value, Failure> {
    bind!(args, StdAddToIp: addr, n);
    let text = addr.str()?;
    let address: IpAddr = text
        .parse()
        .map_err(|_| constraint(text, "IPvAnyAddress"))?;
    let n = n.int()?;
    let v6 = address.is_ipv6();
    let max = if v6 { u128::MAX } else { u32::MAX as u128 };
    let base = bits(address);
    let sum = if n >= 0 {
        base.checked_add(n as u128).filter(|s| *s <= max)
    } else {
        base.checked_sub(n.unsigned_abs() as u128)
    };
    let version = if v6 { 6 } else { 4 };
    match sum {
        Some(s) => Ok(Value::str(&from_bits(v6, s).to_string())),
        None if n < 0 => Err(format!(
            "AddressValueError: {} (< 0) is not permitted as an IPv{version} address",
            base as i128 + n as i128
        )
        .into()),
        None => Err(format!(
            "AddressValueError: {} (>= 2**{}) is not permitted as an IPv{version} address",
            base as f64 + n as f64,
            if v6 { 128 } else { 32 },
        )
        .into()),
    }
}

/// MD5 as lowercase hex: `std::unique_file` names files by the MD5 of a seed.
fn md5_hex(input: &[u8]) -> String {
    use md5::Digest;
    md5::Md5::digest(input)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_known_texts() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"seed"), "fe4c0f30aa359c41d9f9a5f69c8c4192");
    }

    #[test]
    fn interfaces_as_python_reads_them() {
        assert_eq!(
            interface("10.1.2.3/20"),
            Some(("10.1.2.3".parse().unwrap(), 20))
        );
        assert_eq!(
            interface("10.1.2.3/255.255.255.0"),
            Some(("10.1.2.3".parse().unwrap(), 24))
        );
        assert_eq!(interface("10.1.2.3/33"), None);
        assert_eq!(interface("foo"), None);
    }
}
