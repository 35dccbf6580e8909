#!/usr/bin/env python3
"""
Generate the realistic bench model: a network operator's L3VPN offering (plain python3, no
dependencies, deterministic).

    benches/realistic/gen.py OUTDIR --services N

Writes OUTDIR/main.cf, OUTDIR/libs/netcfg/ (a module with the typedefs and the Jinja2 templates
of the device configuration) and OUTDIR/inventory.json (the LSM API's service instances).

The model has two services:
- `site` (one version): a customer site on a provider edge (PE) router, with 2 or 3 embedded
  uplinks (`__lsm_key_attributes`, a modifier on an attribute);
- `l3vpn` (two versions: `L3Vpn`, and `L3VpnV1` with a QoS profile), with 3 to 5 embedded
  endpoints, each pointing at a `site` instance by its instance id (an inter-service relation).
Every exported instance makes about 20 `std::testing::NullResource`s (one per block of the PE's
configuration, the agent being the PE), most of them rendered by `std::template` with loops and
filters over the instance, its embedded entities and the sites they point at.

Of the N services, one in five is a site. The inventory holds instances in 12 lifecycle states
(about 86% in a state that exports resources), some with a candidate and rollback set beside the
active one, and one in fifty deleted.
"""
import argparse
import json
import os

REGIONS = ["ams", "fra", "par", "lon", "mad", "mil", "waw", "vie"]
CUSTOMERS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell", "cyberdyne"]
QOS_PROFILES = ["business", "premium", "best-effort"]
NTP = ["192.0.2.123", "198.51.100.123", "203.0.113.123"]

# The lifecycle state of an instance is STATES[k] (k: i % 50 for VPNs, i * 7 % 50 for sites): (state, exported, has candidate, has rollback).
STATES = (
    [("up", True, False, False)] * 35
    + [("creating", True, False, False)] * 3
    + [("update_start", True, True, False)] * 2
    + [("update_inprogress", True, True, True)] * 2
    + [("failed", True, False, False)]
    + [("rollback", True, True, True)]
    + [("deleting", True, False, False)]
    + [("start", False, True, False)] * 2
    + [("acknowledged", False, True, False)]
    + [("terminated", False, False, False)]
    + [("up", True, False, False)]  # deleted: true
)
assert len(STATES) == 50


MODULE_YML = """name: netcfg
version: 1.0.0
license: Apache 2.0
"""

MODULE_CF = '''"""
    Device configuration of the provider edge (PE) routers: the types of the service attributes,
    and the templates of the configuration blocks (templates/).
"""

typedef vlan_id as int matching self >= 2 and self <= 4094
typedef asn as int matching self >= 1 and self <= 4294967295
typedef qos_profile as string matching self in ["business", "premium", "best-effort"]
typedef prefix_length as int matching self >= 8 and self <= 32
'''

TEMPLATES = {
    # Site: the instance's attributes and relations are the variables.
    "site_system.j2": """hostname {{ pe_router }}
! site {{ name }} ({{ region | upper }}), customer AS {{ asn }}
{% for server in ntp_servers | sort %}ntp server {{ server }} prefer={{ loop.first | lower }}
{% endfor %}snmp-server location {{ region | upper }}/{{ name | replace("-", "_") }}
""",
    "site_bgp.j2": """router bgp 65000
 neighbor {{ loopback }} remote-as {{ asn }}
 neighbor {{ loopback }} description {{ name }}
{% for link in uplinks | sort(attribute="interface") %} neighbor {{ link.address }} remote-as {{ asn }}{% if link.bfd %}
 neighbor {{ link.address }} bfd fast-detect{% endif %}
{% endfor %}""",
    "site_prefixes.j2": """prefix-set {{ name }}-uplinks
{% for link in uplinks | sort(attribute="interface") %}  {{ link.address }}/{{ link.prefix_length }}{{ "," if not loop.last else "" }}
{% endfor %}end-set
""",
    # Uplink: an embedded entity of a site.
    "uplink_interface.j2": """interface {{ interface }}.{{ vlan }}
 description {{ _site.name }} uplink {{ "%s-%04d" | format(_site.region, vlan) }}
 encapsulation dot1q {{ vlan }}
 mtu {{ mtu }}
 ipv4 address {{ address }}/{{ prefix_length }}
""",
    # Endpoint: an embedded entity of an L3 VPN, on the PE of the site it points at.
    "vrf.j2": """vrf {{ _vpn.vrf_name }}
 description {{ _vpn.customer | upper }}: {{ _vpn.name }}
 rd {{ _vpn.route_distinguisher }}
 address-family ipv4 unicast
{% for rt in _vpn.rt_import | sort %}  import route-target {{ rt }}
{% endfor %}{% for rt in _vpn.rt_export | sort %}  export route-target {{ rt }}
{% endfor %}""",
    "endpoint_interface.j2": """interface BE{{ "%04d" | format(vlan) }}.{{ vlan }}
 description {{ _vpn.name }} at {{ site.name }} ({{ site.region | upper }})
 vrf {{ _vpn.vrf_name }}
 ipv4 address {{ address }}/{{ prefix_length }}
 service-policy output shape-{{ bandwidth_mbps }}M
""",
    "endpoint_bgp.j2": """router bgp 65000
 vrf {{ _vpn.vrf_name }}
  neighbor {{ address }} remote-as {{ site.asn }}
  neighbor {{ address }} description {{ name }}
{% for peer in _vpn.endpoints | sort(attribute="name") if peer.name != name %}  ! peer {{ peer.name }} on {{ peer.site.pe_router }}
{% endfor %}""",
    "static_routes.j2": """router static vrf {{ _vpn.vrf_name }}
{% for route in static_routes %} {{ route }} {{ address }} tag {{ vlan }}
{% else %} ! no static routes
{% endfor %}""",
    # L3VpnV1, in a loop over its endpoints (the loop variable `ep` is a variable too).
    "qos.j2": """policy-map {{ qos_profile }}-{{ ep.name }}
 class {{ qos_profile | upper }}
  shape average {{ ep.bandwidth_mbps * 1000 }} kbps
 maximum-prefix {{ max_prefixes }}
""",
}

MAIN_CF = '''"""
    A network operator's L3VPN offering: customer sites on provider edge (PE) routers, and L3 VPNs
    between sites. Every block of a PE's configuration is a resource whose agent is the PE.
"""
import std
import std::testing
import lsm
import lsm::fsm
import netcfg

entity Site extends lsm::ServiceEntity:
    """
        A customer site attached to a PE router.

        :attr name: The name of the site, unique.
        :attr pe_router: The PE router of the site: the agent of its configuration.
        :attr pe_mgmt: The management address of the PE router.
        :attr loopback: The customer edge's loopback address, the BGP peer.
        :attr asn: The customer's autonomous system at this site.
        :attr region: The region of the PE router.
        :attr ntp_servers: The NTP servers of the site.
    """
    string name
    string pe_router
    std::ipv4_address pe_mgmt
    std::ipv4_address loopback
    netcfg::asn asn
    string region
    string[] ntp_servers = []
    lsm::attribute_modifier ntp_servers__modifier = "rw+"
end

index Site(name)
index Site(instance_id)

entity Uplink extends lsm::EmbeddedEntity:
    """
        A link from the PE router to the customer edge.

        :attr interface: The interface of the PE router, the key of the uplink.
        :attr vlan: The VLAN of the link.
        :attr address: The PE's address on the link.
        :attr prefix_length: The prefix length of the link's subnet.
        :attr mtu: The MTU of the link.
        :attr bfd: Whether BFD watches the BGP session on the link.
    """
    string interface
    netcfg::vlan_id vlan
    std::ipv4_address address
    netcfg::prefix_length prefix_length = 30
    int mtu = 1500
    lsm::attribute_modifier mtu__modifier = "rw+"
    bool bfd = true
    string[]? __lsm_key_attributes = ["interface"]
end

index Uplink(_site, interface)

Site.uplinks [1:] lsm::__rwplus__ Uplink._site [1]

entity L3Vpn extends lsm::ServiceEntity:
    """
        An L3 VPN (version 0).

        :attr name: The name of the VPN, unique.
        :attr customer: The customer.
        :attr vrf_name: The name of the VRF on the PE routers.
        :attr route_distinguisher: The route distinguisher of the VRF.
        :attr rt_import: The route targets imported.
        :attr rt_export: The route targets exported.
    """
    string name
    string customer
    string vrf_name
    string route_distinguisher
    string[] rt_import
    string[] rt_export
    lsm::attribute_modifier rt_import__modifier = "rw+"
end

index L3Vpn(name)

entity L3VpnV1 extends L3Vpn:
    """
        An L3 VPN (version 1): with a QoS profile and a limit on the prefixes learned.

        :attr qos_profile: The QoS profile of every endpoint.
        :attr max_prefixes: The most prefixes a PE accepts from the customer.
    """
    netcfg::qos_profile qos_profile = "business"
    int max_prefixes = 1000
end

entity Endpoint extends lsm::EmbeddedEntity:
    """
        The attachment of a VPN at a site.

        :attr name: The name of the endpoint, the key of the endpoint.
        :attr vlan: The VLAN of the attachment.
        :attr address: The PE's address in the VRF.
        :attr prefix_length: The prefix length of the attachment's subnet.
        :attr bandwidth_mbps: The bandwidth the attachment is shaped to.
        :attr static_routes: Prefixes routed to the customer edge.
    """
    string name
    netcfg::vlan_id vlan
    std::ipv4_address address
    netcfg::prefix_length prefix_length = 30
    int bandwidth_mbps = 100
    lsm::attribute_modifier bandwidth_mbps__modifier = "rw+"
    string[] static_routes = []
    string[]? __lsm_key_attributes = ["name"]
end

index Endpoint(_vpn, name)

L3Vpn.endpoints [1:] lsm::__rwplus__ Endpoint._vpn [1]
Endpoint.site [1] lsm::__service__, lsm::__r__ Site

implementation siteConfig for Site:
    # The site's blocks of its PE's configuration. (The templates see the attributes as
    # variables: a local variable must not take an attribute's name.)
    system = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/system", purged=self.purge_resources,
        value=std::template("netcfg/site_system.j2"),
    )
    bgp = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/bgp", purged=self.purge_resources,
        value=std::template("netcfg/site_bgp.j2"),
    )
    bgp.requires += system
    prefixes = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/prefix-set", purged=self.purge_resources,
        value=std::template("netcfg/site_prefixes.j2"),
    )
    bgp.requires += prefixes
    lo = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/loopback", purged=self.purge_resources,
        value="interface Loopback{{self.asn}} ipv4 address {{self.loopback}}/32",
    )
    syslog = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/syslog", purged=self.purge_resources,
        value="logging {{self.pe_mgmt}} vrf mgmt",
    )
    snmp = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/snmp", purged=self.purge_resources,
        value="snmp-server community {{self.name}}-ro RO",
    )
    aaa = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/aaa", purged=self.purge_resources,
        value="aaa authorization exec {{self.region}}-noc",
    )
    probe = std::testing::NullResource(
        agentname=self.pe_router, name="site/{{self.name}}/probe", purged=self.purge_resources,
        value="ipsla {{self.asn}} icmp-echo {{self.loopback}}",
    )
    probe.requires += lo
    self.resources += [system, bgp, prefixes, lo, syslog, snmp, aaa, probe]
end

implementation uplinkConfig for Uplink:
    link = std::testing::NullResource(
        agentname=self._site.pe_router, name="site/{{self._site.name}}/{{self.interface}}/interface",
        purged=self._site.purge_resources, value=std::template("netcfg/uplink_interface.j2"),
    )
    lldp = std::testing::NullResource(
        agentname=self._site.pe_router, name="site/{{self._site.name}}/{{self.interface}}/lldp",
        purged=self._site.purge_resources, value="lldp interface {{self.interface}}.{{self.vlan}}",
    )
    lldp.requires += link
    shaper = std::testing::NullResource(
        agentname=self._site.pe_router, name="site/{{self._site.name}}/{{self.interface}}/shaper",
        purged=self._site.purge_resources, value="shape {{self.interface}}.{{self.vlan}} mtu {{self.mtu}}",
    )
    shaper.requires += link
    self._site.resources += [link, lldp, shaper]
end

implementation uplinkBfd for Uplink:
    self._site.resources += std::testing::NullResource(
        agentname=self._site.pe_router, name="site/{{self._site.name}}/{{self.interface}}/bfd",
        purged=self._site.purge_resources, value="bfd interface {{self.interface}}.{{self.vlan}} multiplier 3",
    )
end

implementation endpointConfig for Endpoint:
    # The endpoint's blocks of the configuration of its site's PE.
    vrf = std::testing::NullResource(
        agentname=self.site.pe_router, name="vpn/{{self._vpn.name}}/{{self.name}}/vrf",
        purged=self._vpn.purge_resources, value=std::template("netcfg/vrf.j2"),
    )
    attachment = std::testing::NullResource(
        agentname=self.site.pe_router, name="vpn/{{self._vpn.name}}/{{self.name}}/interface",
        purged=self._vpn.purge_resources, value=std::template("netcfg/endpoint_interface.j2"),
        requires=[vrf],
    )
    bgp = std::testing::NullResource(
        agentname=self.site.pe_router, name="vpn/{{self._vpn.name}}/{{self.name}}/bgp",
        purged=self._vpn.purge_resources, value=std::template("netcfg/endpoint_bgp.j2"),
        requires=[vrf, attachment],
    )
    static = std::testing::NullResource(
        agentname=self.site.pe_router, name="vpn/{{self._vpn.name}}/{{self.name}}/static",
        purged=self._vpn.purge_resources, value=std::template("netcfg/static_routes.j2"),
        requires=[vrf],
    )
    route_policy = std::testing::NullResource(
        agentname=self.site.pe_router, name="vpn/{{self._vpn.name}}/{{self.name}}/route-policy",
        purged=self._vpn.purge_resources,
        value="route-policy {{self._vpn.vrf_name}}-in pass-if-as {{self.site.asn}}",
    )
    bgp.requires += route_policy
    self._vpn.resources += [vrf, attachment, bgp, static, route_policy]
end

implementation vpnQos for L3VpnV1:
    for ep in self.endpoints:
        self.resources += std::testing::NullResource(
            agentname=ep.site.pe_router, name="vpn/{{self.name}}/{{ep.name}}/qos",
            purged=self.purge_resources, value=std::template("netcfg/qos.j2"),
        )
    end
end

implement Site using parents, siteConfig
implement Uplink using parents, uplinkConfig
implement Uplink using uplinkBfd when bfd
implement L3Vpn using parents
implement L3VpnV1 using parents, vpnQos
implement Endpoint using parents, endpointConfig

site_binding = lsm::ServiceEntityBindingV2(
    service_entity="__config__::Site",
    lifecycle=lsm::fsm::simple,
    service_entity_name="site",
)

vpn_binding = lsm::ServiceBinding(
    service_entity_name="l3vpn",
    default_version=1,
    versions=[
        lsm::ServiceBindingVersion(service_entity="__config__::L3Vpn", lifecycle=lsm::fsm::simple, version=0),
        lsm::ServiceBindingVersion(service_entity="__config__::L3VpnV1", lifecycle=lsm::fsm::simple, version=1),
    ],
)

for instance in lsm::all(site_binding):
    attributes = instance["attributes"]
    site = Site(
        instance_id=instance["id"],
        entity_binding=site_binding,
        name=attributes["name"],
        pe_router=attributes["pe_router"],
        pe_mgmt=attributes["pe_mgmt"],
        loopback=attributes["loopback"],
        asn=attributes["asn"],
        region=attributes["region"],
        ntp_servers=attributes["ntp_servers"],
    )
    for uplink in attributes["uplinks"]:
        site.uplinks += Uplink(**uplink)
    end
end

for instance in lsm::all(vpn_binding, max_version=0):
    attributes = instance["attributes"]
    vpn = L3Vpn(
        instance_id=instance["id"],
        entity_binding=lsm::get_service_binding_version(vpn_binding, 0),
        name=attributes["name"],
        customer=attributes["customer"],
        vrf_name=attributes["vrf_name"],
        route_distinguisher=attributes["route_distinguisher"],
        rt_import=attributes["rt_import"],
        rt_export=attributes["rt_export"],
    )
    for endpoint in attributes["endpoints"]:
        Endpoint(
            _vpn=vpn,
            site=Site[instance_id=endpoint["site"]],
            name=endpoint["name"],
            vlan=endpoint["vlan"],
            address=endpoint["address"],
            bandwidth_mbps=endpoint["bandwidth_mbps"],
            static_routes=endpoint["static_routes"],
        )
    end
end

for instance in lsm::all(vpn_binding, min_version=1):
    attributes = instance["attributes"]
    vpn = L3VpnV1(
        instance_id=instance["id"],
        entity_binding=lsm::get_service_binding_version(vpn_binding, instance["service_entity_version"]),
        name=attributes["name"],
        customer=attributes["customer"],
        vrf_name=attributes["vrf_name"],
        route_distinguisher=attributes["route_distinguisher"],
        rt_import=attributes["rt_import"],
        rt_export=attributes["rt_export"],
        qos_profile=attributes["qos_profile"],
        max_prefixes=attributes["max_prefixes"],
    )
    for endpoint in attributes["endpoints"]:
        Endpoint(
            _vpn=vpn,
            site=Site[instance_id=endpoint["site"]],
            name=endpoint["name"],
            vlan=endpoint["vlan"],
            address=endpoint["address"],
            bandwidth_mbps=endpoint["bandwidth_mbps"],
            static_routes=endpoint["static_routes"],
        )
    end
end
'''


def record(uuid: str, entity: str, version: int, i: int, k: int, active: dict, changed: dict) -> dict:
    """Instance number i of the API, in state STATES[k]."""
    state, _exported, candidate, rollback = STATES[k]
    out = {
        "id": uuid,
        "environment": "c0ffee00-0000-4000-8000-000000000001",
        "service_entity": entity,
        "service_entity_version": version,
        "version": 1 + i % 7,
        "state": state,
        "candidate_attributes": changed if candidate else None,
        "active_attributes": None if state in ("start", "acknowledged") else active,
        "rollback_attributes": active if rollback else None,
        "deleted": k == 49,
    }
    if state == "rollback":
        out["active_attributes"], out["rollback_attributes"] = changed, active
    return out


def address(network: int, link: int) -> str:
    """The first host address of the link-th /30 of a network."""
    value = network + link * 4 + 1
    return ".".join(str(value >> shift & 255) for shift in (24, 16, 8, 0))


def site_attributes(i: int) -> dict:
    region = REGIONS[i % len(REGIONS)]
    uplinks = [
        {
            "interface": f"TenGigE0/0/0/{k}",
            "vlan": 2 + (i * 3 + k) % 4000,
            "address": address(0x64400000, i * 4 + k),  # 100.64.0.0/10, a /30 per uplink
            "prefix_length": 30,
            "mtu": 1500 if k == 0 else 9000,
            "bfd": (i + k) % 3 != 0,
        }
        for k in range(2 + i % 2)
    ]
    return {
        "name": f"site-{region}-{i:05d}",
        "pe_router": f"pe-{region}-{(i // len(REGIONS)) % 12:02d}",
        "pe_mgmt": f"10.255.{i % len(REGIONS)}.{(i // len(REGIONS)) % 12 + 1}",
        "loopback": address(0x0A800000, i),
        "asn": 64512 + i % 1000,
        "region": region,
        "ntp_servers": NTP[: 1 + i % 3],
        "uplinks": uplinks,
    }


def generate(outdir: str, n: int) -> None:
    n_sites = max(5, n // 5)
    n_vpns = max(1, n - n_sites)
    sites = []
    for i in range(n_sites):
        active = site_attributes(i)
        changed = dict(active, ntp_servers=NTP)
        # Spread so that the few sites of a small N are in several states too.
        k = i * 7 % 50
        sites.append(record(f"5173e000-0000-4000-8000-{i:012x}", "site", 0, i, k, active, changed))
    # VPN endpoints point only at sites that are unrolled in an exporting compile.
    exported = [s for i, s in enumerate(sites) if STATES[i * 7 % 50][1] and not s["deleted"]]
    vpns = []
    for i in range(n_vpns):
        version = 1 if i % 5 < 3 else 0
        customer = CUSTOMERS[i % len(CUSTOMERS)]
        count = 3 + i % 3
        stride = max(1, len(exported) // 5)
        base = (i * 7919) % len(exported)
        endpoints = []
        for k in range(count):
            site = exported[(base + k * stride) % len(exported)]
            endpoints.append(
                {
                    "name": f"ep-{site['active_attributes']['name']}",
                    "site": site["id"],
                    "vlan": 2 + (i * 5 + k) % 4000,
                    "address": address(0xAC100000, i * 8 + k),  # 172.16.0.0/12, a /30 per endpoint
                    "bandwidth_mbps": [10, 50, 100, 500, 1000][(i + k) % 5],
                    "static_routes": [f"192.168.{(i + j) % 256}.0/24" for j in range(k % 3)],
                }
            )
        active = {
            "name": f"vpn-{customer}-{i:05d}",
            "customer": customer,
            "vrf_name": f"{customer.upper()}_{i:05d}",
            "route_distinguisher": f"65000:{i}",
            "rt_import": [f"65000:{i}", f"65000:{100000 + i % 10}"],
            "rt_export": [f"65000:{i}"],
            "endpoints": endpoints,
        }
        if version == 1:
            active["qos_profile"] = QOS_PROFILES[i % 3]
            active["max_prefixes"] = 500 * (1 + i % 4)
        changed = dict(active, rt_import=active["rt_import"] + ["65000:999999"])
        vpns.append(record(f"7e2b0000-0000-4000-8000-{i:012x}", "l3vpn", version, i, i % 50, active, changed))

    os.makedirs(os.path.join(outdir, "libs", "netcfg", "model"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "libs", "netcfg", "templates"), exist_ok=True)
    files = {
        "main.cf": MAIN_CF,
        "libs/netcfg/module.yml": MODULE_YML,
        "libs/netcfg/model/_init.cf": MODULE_CF,
    }
    files.update({f"libs/netcfg/templates/{name}": text for name, text in TEMPLATES.items()})
    for path, text in files.items():
        with open(os.path.join(outdir, path), "w") as fh:
            fh.write(text)
    with open(os.path.join(outdir, "inventory.json"), "w") as fh:
        json.dump(sites + vpns, fh, indent=None, separators=(",", ":"))
        fh.write("\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--services", type=int, default=100)
    a = ap.parse_args()
    generate(a.outdir, a.services)
