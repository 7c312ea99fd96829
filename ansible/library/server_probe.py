#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""server_probe: read, in one module run, what the server roles need to decide.

A role asks for the digests of the files it manages, the state of its units
and packages, whether its users exist, and the output of a few read-only
commands; it then compares all of it with what it wants on the control node
and runs only the tasks whose target differs. On a server that needs no
change this one call replaces a round trip per file, unit and package.
Changes nothing on the server.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_probe
short_description: Read file digests, unit, package and user states and command outputs in one call
description:
  - Changes nothing. Every option is a list of things to look at; the result has one entry per item.
  - Always returns C(os) (ID, VERSION_CODENAME, VERSION_ID of /etc/os-release) and C(ssh_client), the
    address the current SSH login came from (looked up in the environments of the process's ancestors, so
    it is found under sudo too).
options:
  files: {type: list, elements: str, default: [], description: Paths; the result maps each to its sha1 or null when absent.}
  units: {type: list, elements: str, default: [], description: systemd units; each maps to its ActiveState and UnitFileState.}
  packages: {type: list, elements: str, default: [], description: dpkg packages; each maps to true when installed.}
  users: {type: list, elements: str, default: [], description: Users; each maps to its home directory or null.}
  commands:
    type: dict
    default: {}
    description: Name to argv (a list) of read-only commands; each maps to rc, stdout, stderr. A missing program gives rc 127.
'''

import hashlib
import json
import os
import pwd
import subprocess

from ansible.module_utils.basic import AnsibleModule


def sha1_of(path):
    try:
        h = hashlib.sha1()
        with open(path, 'rb') as f:
            for chunk in iter(lambda: f.read(1 << 20), b''):
                h.update(chunk)
        return h.hexdigest()
    except (IOError, OSError):
        return None


def run(argv):
    try:
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        out, err = p.communicate()
        return {'rc': p.returncode, 'stdout': out.decode('utf-8', 'replace'), 'stderr': err.decode('utf-8', 'replace')}
    except OSError as e:
        return {'rc': 127, 'stdout': '', 'stderr': str(e)}


def units_state(units):
    if not units:
        return {}
    r = run(['systemctl', 'show', '--property=Id,ActiveState,UnitFileState', '--'] + list(units))
    blocks = [b for b in r['stdout'].split('\n\n')]
    out = {}
    for unit, block in zip(units, blocks + [''] * len(units)):
        props = dict(line.split('=', 1) for line in block.splitlines() if '=' in line)
        out[unit] = {'active': props.get('ActiveState', 'unknown'), 'enabled': props.get('UnitFileState', '') or 'unknown'}
    return out


def packages_state(packages):
    if not packages:
        return {}
    r = run(['dpkg-query', '-W', '-f=${Package} ${db:Status-Status}\\n'] + list(packages))
    installed = set()
    for line in r['stdout'].splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] == 'installed':
            installed.add(parts[0].split(':')[0])
    return dict((p, p in installed) for p in packages)


def os_release():
    info = {}
    try:
        with open('/etc/os-release') as f:
            for line in f:
                if '=' in line:
                    k, v = line.rstrip('\n').split('=', 1)
                    info[k] = v.strip('"')
    except (IOError, OSError):
        pass
    return {'id': info.get('ID', ''), 'codename': info.get('VERSION_CODENAME', ''), 'version_id': info.get('VERSION_ID', '')}


def ssh_client():
    """The first field of SSH_CLIENT in this process's or an ancestor's environment."""
    pid = os.getpid()
    for _ in range(32):
        try:
            with open('/proc/%d/environ' % pid, 'rb') as f:
                for item in f.read().split(b'\0'):
                    if item.startswith(b'SSH_CLIENT=') or item.startswith(b'SSH_CONNECTION='):
                        return item.split(b'=', 1)[1].split(b' ')[0].decode('ascii', 'replace')
            with open('/proc/%d/stat' % pid) as f:
                pid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (IOError, OSError, ValueError, IndexError):
            return ''
        if pid <= 1:
            return ''
    return ''


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type='list', elements='str', default=[]),
            units=dict(type='list', elements='str', default=[]),
            packages=dict(type='list', elements='str', default=[]),
            users=dict(type='list', elements='str', default=[]),
            commands=dict(type='dict', default={}),
        ),
        supports_check_mode=True,
    )
    p = module.params
    users = {}
    for u in p['users']:
        try:
            users[u] = pwd.getpwnam(u).pw_dir
        except KeyError:
            users[u] = None
    module.exit_json(
        changed=False,
        os=os_release(),
        ssh_client=ssh_client(),
        files=dict((f, sha1_of(f)) for f in p['files']),
        units=units_state(p['units']),
        packages=packages_state(p['packages']),
        users=users,
        commands=dict((name, run([str(a) for a in argv])) for name, argv in p['commands'].items()),
    )


if __name__ == '__main__':
    main()
