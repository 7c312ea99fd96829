"""One fidelity case against a Hetzner Cloud API, driven by hcloud-python (the
official Python client, Debian's python3-hcloud): a client we did not write.

    HCLOUD_ENDPOINT=http://127.0.0.1:<port>/v1 HCLOUD_TOKEN=<64 chars> \
        python3 hcloud-python-fidelity.py <case>

Prints one JSON line: {"error": {"code", "message"}} when the API refused the
call with an APIException (the case's point), else {"ok": ...} with what the
case observed. The jest suite __tests__/integration/hcloud-api-fidelity.test.ts
runs each case against the local API and asserts the code.

hcloud-python 1.18 (Debian bookworm) has no DNS zone client: the DNS cases use
its low-level `client.request(...)`, which is still its HTTP, auth and error
handling. The setup a case needs (a network full of servers, a fault rule) is
made by the jest side before the case runs.
"""
import json
import os
import sys

from hcloud import APIException, Client
from hcloud.datacenters.domain import Datacenter
from hcloud.firewalls.domain import FirewallResource
from hcloud.images.domain import Image
from hcloud.locations.domain import Location
from hcloud.networks.domain import Network, NetworkSubnet
from hcloud.server_types.domain import ServerType
from hcloud.servers.domain import ServerCreatePublicNetwork

client = Client(token=os.environ["HCLOUD_TOKEN"], api_endpoint=os.environ["HCLOUD_ENDPOINT"], poll_interval=0.05)


def create_server(name, **kwargs):
    kwargs.setdefault("location", Location(name="nbg1"))
    return client.servers.create(name, server_type=ServerType(name="cx22"), image=Image(name="ubuntu-24.04"), **kwargs)


def network(name, ip_range):
    subnet = NetworkSubnet(ip_range=ip_range.replace(".0.0/16", ".1.0/24"), type="cloud", network_zone="eu-central")
    return client.networks.create(name=name, ip_range=ip_range, subnets=[subnet])


def zone_subdomain():
    # No zone client in hcloud-python 1.18: its low-level request.
    return client.request("POST", "/zones", json={"name": "tenants.example.com", "mode": "primary"})


def zone_registered_domain():
    zone = client.request("POST", "/zones", json={"name": "example.co.uk", "mode": "primary"})["zone"]
    rrset = client.request("POST", "/zones/example.co.uk/rrsets", json={"name": "acme.tenants", "type": "A", "records": [{"value": "192.0.2.1"}]})["rrset"]
    return {"zone": zone["name"], "rrset": rrset["id"]}


def rrset_ending_with_zone():
    client.request("POST", "/zones", json={"name": "example.org", "mode": "primary"})
    return client.request("POST", "/zones/example.org/rrsets", json={"name": "acme.example.org", "type": "A", "records": [{"value": "192.0.2.1"}]})


def firewall_on_private_only_server():
    net = network("private-net", "10.61.0.0/16")
    server = create_server("private-only", networks=[net], public_net=ServerCreatePublicNetwork(enable_ipv4=False, enable_ipv6=False)).server
    firewall = client.firewalls.create("fw-private").firewall
    return client.firewalls.apply_to_resources(firewall, [FirewallResource(type="server", server=server)])


def firewall_same_server_twice():
    server = create_server("twice").server
    return client.firewalls.create("fw-twice", resources=[FirewallResource(type="server", server=server), FirewallResource(type="server", server=server)])


def firewall_public_server():
    server = create_server("public").server
    firewall = client.firewalls.create("fw-public", resources=[FirewallResource(type="server", server=server)]).firewall
    return {"applied_to": [r.server.id for r in client.firewalls.get_by_id(firewall.id).applied_to], "server": server.id}


def server_name_not_hostname():
    return create_server("my_server")


def server_in_full_network():
    # The jest side filled network "full-net" with 100 servers.
    return create_server("one-too-many", networks=[client.networks.get_by_name("full-net")])


def datacenter_on_input():
    return create_server("dc-server", location=None, datacenter=Datacenter(name="nbg1-dc3"))


def datacenter_not_returned():
    server = create_server("no-dc").server
    # hcloud-python 1.18 reads `datacenter` (None when absent) and has no server.location: read that raw.
    again = client.servers.get_by_id(server.id)
    raw = client.request("GET", f"/servers/{server.id}")["server"]
    return {"datacenter": again.datacenter, "raw_has_datacenter": "datacenter" in raw, "location": raw["location"]["name"]}


def locked():
    # The jest side injects a 423 on the next poweron.
    server = create_server("busy", start_after_create=False).server
    return server.power_on()


def conflict():
    # The jest side injects a 409 on the next label update of a network.
    net = network("changing", "10.62.0.0/16")
    return client.networks.update(net, labels={"a": "b"})


def action_takes_time():
    # The local API runs with actionPolls > 0: the action starts running, and the client waits for it.
    response = create_server("slow")
    started = response.action.status
    response.action.wait_until_finished(max_retries=50)
    return {"started": started, "finished": client.actions.get_by_id(response.action.id).status}


CASES = {f.__name__: f for f in [
    zone_subdomain, zone_registered_domain, rrset_ending_with_zone,
    firewall_on_private_only_server, firewall_same_server_twice, firewall_public_server,
    server_name_not_hostname, server_in_full_network, datacenter_on_input, datacenter_not_returned,
    locked, conflict, action_takes_time,
]}


def main():
    case = CASES[sys.argv[1]]
    try:
        result = case()
    except APIException as e:
        print(json.dumps({"error": {"code": e.code, "message": e.message}}))
        return
    print(json.dumps({"ok": result if isinstance(result, (dict, list, str, int, type(None))) else True}))


if __name__ == "__main__":
    main()
