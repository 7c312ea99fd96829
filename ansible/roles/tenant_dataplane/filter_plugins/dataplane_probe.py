# -*- coding: utf-8 -*-
"""Reading the data plane probe (tasks/probe.yml) into decisions.

tenant_dataplane_parse_postgres: the lines of files/postgres-probe.sh ->
    {"versions": ["15"], "version": "15",
     "clusters": [{"version": "15", "name": "main", "port": 5432, "status": "online", "datadir": "/var/lib/..."}],
     "conf": {"15": "<sha1>"}}
tenant_dataplane_stale: the pinned binaries whose stamp on the server does
    not record the wanted URL and checksum (so they must be downloaded).
tenant_dataplane_stamp: what a binary's stamp file holds.
"""
from __future__ import absolute_import, division, print_function

import hashlib

__metaclass__ = type


def tenant_dataplane_parse_postgres(text):
    versions, clusters, conf = [], [], {}
    for line in (text or '').splitlines():
        key, _, value = line.partition('=')
        if key == 'version' and value.strip():
            versions.append(value.strip())
        elif key == 'cluster':
            parts = value.split()
            if len(parts) >= 5:
                clusters.append({'version': parts[0], 'name': parts[1], 'port': int(parts[2]) if parts[2].isdigit() else 0,
                                 'status': parts[3], 'datadir': parts[4]})
        elif key == 'conf':
            parts = value.split()
            if len(parts) == 2:
                conf[parts[0]] = parts[1]
    numeric = sorted((v for v in versions if v.replace('.', '').isdigit()), key=lambda v: [int(p) for p in v.split('.')])
    return {'versions': versions, 'version': numeric[-1] if numeric else '', 'clusters': clusters, 'conf': conf}


def tenant_dataplane_stamp(binary):
    return '%s %s\n' % (binary['url'], binary['checksum'])


def tenant_dataplane_stale(binaries, files, stamp_dir):
    stale = []
    for b in binaries or []:
        want = hashlib.sha1(tenant_dataplane_stamp(b).encode('utf-8')).hexdigest()
        if (files or {}).get('%s/%s' % (stamp_dir, b['name'])) != want:
            stale.append(b)
    return stale


class FilterModule(object):
    def filters(self):
        return {
            'tenant_dataplane_parse_postgres': tenant_dataplane_parse_postgres,
            'tenant_dataplane_stale': tenant_dataplane_stale,
            'tenant_dataplane_stamp': tenant_dataplane_stamp,
        }
