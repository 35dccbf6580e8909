//! The string formats of the validation types (`format` in a schema): IP addresses, networks
//! and interfaces, UUIDs, dates and times, e-mail addresses and URLs.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The formats that [`check`] knows.
pub(super) const NAMES: &[&str] = &[
    "ipv4",
    "ipv6",
    "ipvanyaddress",
    "ipv4network",
    "ipv6network",
    "ipvanynetwork",
    "ipv4interface",
    "ipv6interface",
    "ipvanyinterface",
    "uuid",
    "date",
    "time",
    "date-time",
    "email",
    "uri",
];

/// Whether a string has a format; `None` for formats that are not checked.
pub(super) fn check(format: &str, s: &str) -> Option<bool> {
    Some(match format {
        "ipv4" => s.parse::<Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<Ipv6Addr>().is_ok(),
        "ipvanyaddress" => s.parse::<IpAddr>().is_ok(),
        "ipv4network" => network(s, Some(false), true),
        "ipv6network" => network(s, Some(true), true),
        "ipvanynetwork" => network(s, None, true),
        "ipv4interface" => network(s, Some(false), false),
        "ipv6interface" => network(s, Some(true), false),
        "ipvanyinterface" => network(s, None, false),
        "uuid" => uuid(s),
        "date" => date(s),
        "time" => time(s),
        "date-time" => date_time(s),
        "email" => email(s),
        "uri" => uri(s),
        _ => return None,
    })
}

pub(super) fn describe(format: &str) -> &'static str {
    match format {
        "ipv4" => "an IPv4 address such as 192.168.0.1",
        "ipv6" => "an IPv6 address such as 2001:db8::1",
        "ipvanyaddress" => "an IPv4 or IPv6 address",
        "ipv4network" => "an IPv4 network such as 10.0.0.0/24, without host bits",
        "ipv6network" => "an IPv6 network such as 2001:db8::/64, without host bits",
        "ipvanynetwork" => "an IPv4 or IPv6 network, without host bits",
        "ipv4interface" => "an IPv4 address with an optional prefix, such as 10.0.0.1/24",
        "ipv6interface" => "an IPv6 address with an optional prefix",
        "ipvanyinterface" => "an IPv4 or IPv6 address with an optional prefix",
        "uuid" => "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
        "date" => "a date such as 2024-01-31",
        "time" => "a time such as 13:45:00",
        "date-time" => "a date and time such as 2024-01-31T13:45:00Z",
        "email" => "an e-mail address",
        "uri" => "a URL with a scheme",
        _ => "see the format",
    }
}

/// `addr[/prefix]`, the prefix a length or (IPv4) a netmask; `v6`: which family (`None`:
/// either); `strict`: a network, no host bits set.
fn network(s: &str, v6: Option<bool>, strict: bool) -> bool {
    let (address, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(address) = address.parse::<IpAddr>() else {
        return false;
    };
    if v6.is_some_and(|v6| v6 != address.is_ipv6()) {
        return false;
    }
    let bits: u32 = if address.is_ipv6() { 128 } else { 32 };
    let length = match prefix {
        None => bits,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            match p.parse::<u32>() {
                Ok(n) if n <= bits => n,
                _ => return false,
            }
        }
        Some(p) => match (address, p.parse::<Ipv4Addr>()) {
            (IpAddr::V4(_), Ok(mask)) => {
                let m = u32::from(mask);
                if m.leading_ones() + m.trailing_zeros() != 32 {
                    return false;
                }
                m.leading_ones()
            }
            _ => return false,
        },
    };
    if !strict || length == bits {
        return true;
    }
    match address {
        IpAddr::V4(a) => u32::from(a) & (u32::MAX >> length) == 0,
        IpAddr::V6(a) => u128::from(a) & (u128::MAX >> length) == 0,
    }
}

fn uuid(s: &str) -> bool {
    let s = s.as_bytes();
    s.len() == 36
        && s.iter().enumerate().all(|(i, b)| {
            if [8, 13, 18, 23].contains(&i) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `HH:MM[:SS[.f]]` with an optional `Z` or `+HH:MM` offset.
fn time(s: &str) -> bool {
    let (clock, offset) = if let Some(c) = s.strip_suffix(['Z', 'z']) {
        (c, None)
    } else if let Some(i) = s.rfind(['+', '-']) {
        (&s[..i], Some(&s[i + 1..]))
    } else {
        (s, None)
    };
    if let Some(offset) = offset {
        let ok = match offset.split_once(':') {
            Some((h, m)) => {
                digits(h, 2).is_some_and(|h| h < 24) && digits(m, 2).is_some_and(|m| m < 60)
            }
            None => digits(offset, 4).is_some_and(|o| o / 100 < 24 && o % 100 < 60),
        };
        if !ok {
            return false;
        }
    }
    let (clock, fraction) = match clock.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (clock, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    match parts.as_slice() {
        [h, m] => {
            fraction.is_none()
                && digits(h, 2).is_some_and(|h| h < 24)
                && digits(m, 2).is_some_and(|m| m < 60)
        }
        [h, m, sec] => {
            digits(h, 2).is_some_and(|h| h < 24)
                && digits(m, 2).is_some_and(|m| m < 60)
                && digits(sec, 2).is_some_and(|s| s < 61)
        }
        _ => false,
    }
}

fn date_time(s: &str) -> bool {
    match s.find(['T', 't', ' ']) {
        Some(i) => date(&s[..i]) && time(&s[i + 1..]),
        None => false,
    }
}

fn email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn formats() {
        assert_eq!(check("ipv4", "10.0.0.1"), Some(true));
        assert_eq!(check("ipv4", "10.0.0"), Some(false));
        assert_eq!(check("ipv4network", "10.0.0.0/24"), Some(true));
        assert_eq!(check("ipv4network", "10.0.0.1/24"), Some(false));
        assert_eq!(check("ipv4network", "10.0.0.0/255.255.255.0"), Some(true));
        assert_eq!(check("ipv4interface", "10.0.0.1/24"), Some(true));
        assert_eq!(check("ipv6network", "2001:db8::/64"), Some(true));
        assert_eq!(check("ipv6network", "10.0.0.0/8"), Some(false));
        assert_eq!(
            check("uuid", "123e4567-e89b-12d3-a456-426614174000"),
            Some(true)
        );
        assert_eq!(check("uuid", "123e4567"), Some(false));
        assert_eq!(check("date", "2024-02-29"), Some(true));
        assert_eq!(check("date", "2023-02-29"), Some(false));
        assert_eq!(check("time", "13:45"), Some(true));
        assert_eq!(check("time", "13:45:00.5+02:00"), Some(true));
        assert_eq!(check("date-time", "2024-01-31T13:45:00Z"), Some(true));
        assert_eq!(check("date-time", "2024-01-31"), Some(false));
        assert_eq!(check("email", "a@b.be"), Some(true));
        assert_eq!(check("email", "a@b"), Some(false));
        assert_eq!(check("uri", "https://x"), Some(true));
        assert_eq!(check("uri", "x"), Some(false));
        assert_eq!(check("name-email", "x"), None);
    }
}
