# Compatibility shim for Debian bookworm's Ansible toolchain, loaded only by
# tests that put this directory on PYTHONPATH.
#
# Debian ships the hetzner.hcloud collection 1.11.0 (package ansible 7.7),
# whose inventory plugin reads `server.server_type.architecture`, together
# with python3-hcloud 1.18.2, whose ServerType has no `architecture` field
# (added in hcloud-python 1.19). Every inventory run then fails with
# "'ServerType' object has no attribute 'architecture'", against the real API
# as much as against the local one. This shim adds the field when it is
# missing and does nothing on a newer hcloud-python.
try:
    import hcloud.server_types.domain as _domain
    import hcloud.server_types.client as _client

    if "architecture" not in getattr(_domain.ServerType, "__slots__", ()):
        _Base = _domain.ServerType

        class ServerType(_Base):
            __slots__ = ("architecture",)

            def __init__(self, architecture=None, **kwargs):
                super().__init__(**kwargs)
                self.architecture = architecture

            @classmethod
            def from_dict(cls, data):
                fields = set(_Base.__slots__) | {"architecture"}
                return cls(**{k: v for k, v in data.items() if k in fields})

        _domain.ServerType = ServerType
        _client.BoundServerType.model = ServerType
except ImportError:
    pass

# The same inventory plugin (hetzner.hcloud 1.11) reads `server.datacenter.name`
# and `server.datacenter.location.name`. Hetzner removed `datacenter` from the
# API on 2026-07-01 (use `location`), and hcloud-python 1.18 has no
# `server.location`, so every run fails with "'NoneType' object has no
# attribute 'name'" against today's API. This shim builds the datacenter the
# plugin expects from the server's `location` (named after the location, as
# the datacenter no longer exists) when the API answers without one.
try:
    import hcloud.servers.client as _servers

    if not getattr(_servers.BoundServer, "_tenant_platform_datacenter_shim", False):
        _server_init = _servers.BoundServer.__init__

        def _init(self, client, data, complete=True):
            location = data.get("location")
            if data.get("datacenter") is None and isinstance(location, dict):
                data = dict(data)
                data["datacenter"] = {
                    "id": location.get("id"),
                    "name": location.get("name"),
                    "description": location.get("description"),
                    "location": location,
                }
            _server_init(self, client, data, complete)

        _servers.BoundServer.__init__ = _init
        _servers.BoundServer._tenant_platform_datacenter_shim = True
except ImportError:
    pass
