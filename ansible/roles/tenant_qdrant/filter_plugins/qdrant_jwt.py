# -*- coding: utf-8 -*-
"""tenant_qdrant_jwt: an HS256 JSON Web Token (RFC 7519) for Qdrant's JWT RBAC.

Qdrant (>= 1.9, service.jwt_rbac) accepts a token signed with its API key
whose `access` claim lists collections, e.g.
    {"access": [{"collection": "tenant_acme", "access": "rw"}]}
"""
from __future__ import absolute_import, division, print_function

import base64
import hashlib
import hmac
import json

from ansible.errors import AnsibleFilterError

__metaclass__ = type


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def tenant_qdrant_jwt(claims, key):
    """Sign `claims` (a dict) with `key` (the Qdrant API key) as HS256."""
    if not isinstance(claims, dict):
        raise AnsibleFilterError('tenant_qdrant_jwt: claims must be a dict')
    if not key:
        raise AnsibleFilterError('tenant_qdrant_jwt: the signing key is empty')
    header = _b64url(json.dumps({'alg': 'HS256', 'typ': 'JWT'}, separators=(',', ':')).encode('utf-8'))
    payload = _b64url(json.dumps(claims, separators=(',', ':'), sort_keys=True).encode('utf-8'))
    signing_input = (header + '.' + payload).encode('ascii')
    signature = hmac.new(str(key).encode('utf-8'), signing_input, hashlib.sha256).digest()
    return header + '.' + payload + '.' + _b64url(signature)


class FilterModule(object):
    def filters(self):
        return {'tenant_qdrant_jwt': tenant_qdrant_jwt}
