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
