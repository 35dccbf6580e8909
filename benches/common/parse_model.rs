//! The generated model of the parser benchmark, shared with the tests (`tests/corpus.rs` checks
//! that it parses without a diagnostic).
//!
//! It repeats a block of varied, realistic definitions (entities with docstrings, defaults and
//! optional attributes, relations, typedefs with regexes, indexes, implementations with
//! statements, `for` loops, `if`, constructors, string interpolation, comments), with unique names
//! per repetition so that it is one valid file.

use std::fmt::Write;

/// One repetition; every name carries the suffix `n`.
pub fn block(out: &mut String, n: usize) {
    // Regular expressions are rare in real modules (2 in the 190 KB of the fetched corpus) and each
    // one is validated by compiling it, so only one block in 16 has one.
    let hostname_typedef = if n.is_multiple_of(16) {
        format!(
            r"typedef hostname_{n} as string matching /^[a-z0-9]([a-z0-9-]{{0,61}}[a-z0-9])?(\.[a-z0-9-]+)*$/"
        )
    } else {
        format!("typedef hostname_{n} as string matching std::length(self) < 254")
    };
    let _ = write!(
        out,
        r#"
# ---------------------------------------------------------------- block {n}
typedef port_{n} as int matching self > 0 and self < 65536
{hostname_typedef}
typedef mode_{n} as string matching self in ["read", "write", "read-write"]

entity Host{n}:
    """
        A machine that runs services. Block {n}.

        :attr name: The host name, unique in the inventory.
        :attr ip: The management address.
        :attr tags: Free-form labels, used for selection.
    """
    string name
    std::ipv4_address ip = "192.168.0.1"
    hostname_{n}? fqdn = null
    string[] tags = []
    dict settings = {{}}
    int weight = {n}
    float ratio = 0.75
    bool enabled = true
end

entity Service{n} extends Base{n}:
    """ A service on a host, listening on a port. """
    string name
    port_{n} port = 8080
    mode_{n} mode = "read"
    string? description = null
    string unit_name
end

entity Base{n}:
    string owner = "ops"
end

Host{n}.services [0:] -- Service{n}.host [1]
"""The services that run on this host."""
Service{n}.dependencies [0:] -- Service{n}

index Host{n}(name)
index Service{n}(host, name)

implementation unitName{n} for Service{n}:
    """Derives the systemd unit name."""
    self.unit_name = "{{{{ name }}}}-{{{{ port }}}}.service"
    label = f"{{self.name}}:{{self.port}}"
    if self.description is defined:
        summary = self.description
    elif self.port > 1024:
        summary = "unprivileged {{{{ label }}}}"
    else:
        summary = "privileged"
    end
end

implementation hostDefaults{n} for Host{n}:
    # one service per tag, with a computed port
    for tag in self.tags:
        Service{n}(
            host=self,
            name=tag,
            port=8000 + {n} % 1000,
            mode=self.enabled ? "read-write" : "read",
            description=f"service {{tag}} on {{self.name}}",
        )
    end
    self.settings = {{"weight": self.weight, "ratio": self.ratio, "names": [t for t in self.tags if t != "x"]}}
end

implement Host{n} using hostDefaults{n}
implement Service{n} using unitName{n} when self.port != 0 and not (self.mode == "write")
implement Base{n} using std::none

host_{n} = Host{n}(name="host-{n}", ip="10.0.{a}.{b}", tags=["web", "db", "cache"])
svc_{n} = Service{n}[host=host_{n}, name="web"]
names_{n} = [s.name for s in host_{n}.services]
total_{n} = (1 + 2) * 3 - 4 / 2 ** 2
host_{n}.tags += "extra"  // a trailing comment
"#,
        hostname_typedef = hostname_typedef,
        a = n % 256,
        b = (n / 256) % 256,
    );
}

pub fn model(target: usize) -> String {
    let mut out = String::with_capacity(target + 4096);
    out.push_str("\"\"\"A generated model for the parser benchmark.\"\"\"\nimport std\n");
    let mut n = 0;
    while out.len() < target {
        block(&mut out, n);
        n += 1;
    }
    out
}
