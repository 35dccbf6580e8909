//! Native versions of the validators `std::validate_type` names (Python's `ipaddress`, `uuid`,
//! `datetime` and pydantic types), used by the std typedefs.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::value::Value;

/// Whether `value` is valid for the Python type `kind` (`ipaddress.IPv4Address`, ...).
pub fn validate(kind: &str, value: &Value, params: Option<&Value>) -> bool {
    let text = match value {
        Value::Str(s) => Some(&**s),
        _ => None,
    };
    let number = value.as_number().map(|n| n.as_f64());
    match kind {
        "ipaddress.IPv4Address" => text.is_some_and(ipv4),
        "ipaddress.IPv6Address" => text.is_some_and(|t| t.parse::<Ipv6Addr>().is_ok()),
        "ipaddress.IPv4Network" => text.is_some_and(|t| network(t, false, true)),
        "ipaddress.IPv6Network" => text.is_some_and(|t| network(t, true, true)),
        "ipaddress.IPv4Interface" => text.is_some_and(|t| network(t, false, false)),
        "ipaddress.IPv6Interface" => text.is_some_and(|t| network(t, true, false)),
        "pydantic.IPvAnyAddress" => text.is_some_and(|t| ipv4(t) || t.parse::<Ipv6Addr>().is_ok()),
        "pydantic.IPvAnyNetwork" => {
            text.is_some_and(|t| network(t, false, true) || network(t, true, true))
        }
        "pydantic.IPvAnyInterface" => {
            text.is_some_and(|t| network(t, false, false) || network(t, true, false))
        }
        "uuid.UUID" => text.is_some_and(uuid),
        "datetime.date" => text.is_some_and(date),
        "datetime.time" => text.is_some_and(time),
        "datetime.datetime" => text.is_some_and(|t| {
            let (d, rest) = t.split_at(t.len().min(10));
            date(d)
                && (rest.is_empty()
                    || rest.len() > 1
                        && matches!(rest.as_bytes()[0], b'T' | b' ')
                        && time(&rest[1..]))
        }),
        "pydantic.PositiveInt" => matches!(value, Value::Int(i) if *i > 0),
        "pydantic.NegativeInt" => matches!(value, Value::Int(i) if *i < 0),
        "pydantic.PositiveFloat" => number.is_some_and(|n| n > 0.0),
        "pydantic.NegativeFloat" => number.is_some_and(|n| n < 0.0),
        "pydantic.EmailStr" | "pydantic.NameEmail" => text.is_some_and(email),
        "pydantic.AnyUrl" => text.is_some_and(|t| url(t, false)),
        "pydantic.AnyHttpUrl" | "pydantic.HttpUrl" => text.is_some_and(|t| url(t, true)),
        "pydantic.constr" => {
            let Some(t) = text else { return false };
            match params.and_then(|p| p.dict_get("regex").or_else(|| p.dict_get("pattern"))) {
                Some(Value::Str(pattern)) => fancy_regex::Regex::new(pattern)
                    .ok()
                    .and_then(|r| r.is_match(t).ok())
                    .unwrap_or(false),
                _ => true,
            }
        }
        "pydantic.conint" | "pydantic.confloat" => {
            let Some(n) = number else { return false };
            let bound = |k: &str| {
                params
                    .and_then(|p| p.dict_get(k))
                    .and_then(|v| v.as_number())
                    .map(|x| x.as_f64())
            };
            bound("gt").is_none_or(|b| n > b)
                && bound("ge").is_none_or(|b| n >= b)
                && bound("lt").is_none_or(|b| n < b)
                && bound("le").is_none_or(|b| n <= b)
        }
        _ => true,
    }
}

/// Python's `IPv4Address`: four decimal octets, no leading zeros.
fn ipv4(text: &str) -> bool {
    text.split('.').count() == 4
        && text.split('.').all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p == "0" || !p.starts_with('0'))
        })
        && text.parse::<Ipv4Addr>().is_ok()
}

/// `address/prefix` (a network needs no host bits set; an interface may have them).
fn network(text: &str, v6: bool, strict: bool) -> bool {
    let (address, prefix) = text
        .split_once('/')
        .unwrap_or((text, if v6 { "128" } else { "32" }));
    let max = if v6 { 128 } else { 32 };
    let Ok(prefix) = prefix.parse::<u32>() else {
        // An IPv4 netmask written as an address.
        return !v6 && ipv4(address) && ipv4(prefix);
    };
    if prefix > max {
        return false;
    }
    if v6 {
        let Ok(a) = address.parse::<Ipv6Addr>() else {
            return false;
        };
        let bits = u128::from(a);
        !strict || prefix == 128 || bits & (u128::MAX >> prefix) == 0
    } else {
        if !ipv4(address) {
            return false;
        }
        let bits = u32::from(address.parse::<Ipv4Addr>().expect("checked"));
        !strict || prefix == 32 || bits & (u32::MAX >> prefix) == 0
    }
}

fn uuid(text: &str) -> bool {
    // 32 hex digits once braces and dashes are left out, as Python reads them.
    let mut digits = 0;
    let mut rest = text;
    while let Some(r) = rest.strip_prefix("urn:uuid:") {
        rest = r;
    }
    for b in rest.bytes() {
        match b {
            b'{' | b'}' | b'-' => {}
            b if b.is_ascii_hexdigit() => digits += 1,
            _ => return false,
        }
    }
    digits == 32
}

fn date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0))
}

fn time(text: &str) -> bool {
    let main = text.split(['+', 'Z']).next().unwrap_or("");
    let main = main.split('.').next().unwrap_or("");
    let parts: Vec<&str> = main.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[0].parse::<u32>().unwrap_or(99) < 24
        && parts[1].parse::<u32>().unwrap_or(99) < 60
}

fn email(text: &str) -> bool {
    let address = match (text.find('<'), text.rfind('>')) {
        (Some(a), Some(b)) if a < b => &text[a + 1..b],
        _ => text,
    };
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

fn url(text: &str, http: bool) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let scheme_ok = if http {
        scheme == "http" || scheme == "https"
    } else {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    };
    scheme_ok && !rest.is_empty() && !rest.starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(validate(
            "ipaddress.IPv4Address",
            &Value::str("10.0.0.1"),
            None
        ));
        assert!(!validate(
            "ipaddress.IPv4Address",
            &Value::str("10.0.0.256"),
            None
        ));
        assert!(!validate(
            "ipaddress.IPv4Address",
            &Value::str("010.0.0.1"),
            None
        ));
        assert!(validate(
            "ipaddress.IPv4Network",
            &Value::str("10.0.0.0/8"),
            None
        ));
        assert!(!validate(
            "ipaddress.IPv4Network",
            &Value::str("10.0.0.1/8"),
            None
        ));
        assert!(validate(
            "ipaddress.IPv4Interface",
            &Value::str("10.0.0.1/8"),
            None
        ));
    }

    /// As Python's `uuid.UUID` reads them (checked against it).
    #[test]
    fn uuids() {
        for (text, valid) in [
            ("urn:uuid:12345678-1234-5678-1234-567812345678", true),
            ("{12345678-1234-5678-1234-567812345678}", true),
            ("12345678123456781234567812345678", true),
            ("urn:uuid:urn:uuid:12345678123456781234567812345678", true),
            ("1234", false),
            ("g2345678123456781234567812345678", false),
        ] {
            assert_eq!(
                validate("uuid.UUID", &Value::str(text), None),
                valid,
                "{text}"
            );
        }
    }
}
