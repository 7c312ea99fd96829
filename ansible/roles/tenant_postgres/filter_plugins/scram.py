# -*- coding: utf-8 -*-
"""tenant_postgres_scram_matches: does a password match a stored SCRAM-SHA-256 verifier?

PostgreSQL stores "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"
(RFC 5802 / RFC 7677, base64 fields). The preflight reads the tenant role's
verifier, so the role is only altered when the password from the SOPS file
no longer matches: a run that changes nothing needs no extra round trip.
The password is not SASLprep-normalised here; the generated ones are ASCII
letters and digits, for which SASLprep changes nothing.
"""
from __future__ import absolute_import, division, print_function

import base64
import hashlib
import hmac

__metaclass__ = type


def tenant_postgres_scram_matches(verifier, password):
    try:
        method, rest = str(verifier).split('$', 1)
        params, keys = rest.split('$', 1)
        iterations, salt = params.split(':', 1)
        stored_key, _server_key = keys.split(':', 1)
        if method != 'SCRAM-SHA-256':
            return False
        salted = hashlib.pbkdf2_hmac('sha256', str(password).encode('utf-8'), base64.b64decode(salt), int(iterations))
        client_key = hmac.new(salted, b'Client Key', hashlib.sha256).digest()
        return hmac.compare_digest(hashlib.sha256(client_key).digest(), base64.b64decode(stored_key))
    except (ValueError, TypeError):
        return False


class FilterModule(object):
    def filters(self):
        return {'tenant_postgres_scram_matches': tenant_postgres_scram_matches}
