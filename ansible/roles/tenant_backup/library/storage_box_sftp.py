#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Files on a Hetzner Storage Box over SFTP, with OpenSSH's sftp in batch
mode and the password through sshpass (in its environment, never on a
command line). Runs where the task runs (the control node, for the box's
main account). Paths are relative to the account's home, as Hetzner wants."""

DOCUMENTATION = r"""
module: storage_box_sftp
short_description: List, read, write, rename and delete files on a Storage Box over SFTP.
options:
  host: {type: str, required: true, description: The box's server name or address.}
  port: {type: int, default: 23, description: SFTP port.}
  user: {type: str, required: true, description: The account (main account u<id>, or a subaccount).}
  password: {type: str, required: true, no_log: true, description: The account's password.}
  action:
    type: str
    required: true
    choices: [list, read, write, rename, mkdir, rmtree, exists]
    description: What to do with path.
  path: {type: str, required: true, description: Relative path on the box.}
  dest: {type: str, description: New path for rename.}
  content: {type: str, description: Text to write.}
"""

import os
import re
import subprocess
import tempfile

from ansible.module_utils.basic import AnsibleModule

SAFE = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


def sftp(module, batch, check=True):
    p = module.params
    os.makedirs(os.path.expanduser("~/.ssh"), mode=0o700, exist_ok=True)
    env = dict(os.environ, SSHPASS=p["password"])
    argv = [
        "sshpass", "-e", "sftp", "-P", str(p["port"]),
        "-o", "BatchMode=no", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
        # The box's host key, recorded on first contact, in $HOME (ssh itself would use the passwd home).
        "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=%s" % os.path.expanduser("~/.ssh/known_hosts"),
        "-o", "ConnectTimeout=15", "-o", "LogLevel=ERROR",
        "-b", "-", "%s@%s" % (p["user"], p["host"]),
    ]
    r = subprocess.run(argv, input="\n".join(batch) + "\n", env=env, capture_output=True, text=True, timeout=600)
    if check and r.returncode != 0:
        module.fail_json(msg="sftp to %s@%s:%s failed: %s" % (p["user"], p["host"], p["port"], (r.stderr or r.stdout).strip().splitlines()[-1:]))
    return r


def listings(module, paths):
    """{path: [(name, is_dir)] or None when it does not exist}, for many directories in one session."""
    r = sftp(module, ["-ls -la %s" % d for d in paths], check=False)
    if r.returncode != 0 and "sftp>" not in r.stdout:
        module.fail_json(msg="cannot list %s on the Storage Box: %s" % (", ".join(paths), r.stderr.strip()))
    out = {d: None for d in paths}
    current = None
    for line in r.stdout.splitlines():
        m = re.match(r"^sftp> -?ls -la (.*)$", line)
        if m:
            current = m.group(1)
            out[current] = []
            continue
        fields = line.split(None, 8)
        if current is None or len(fields) < 9:
            continue
        name = os.path.basename(fields[8])
        if name not in (".", ".."):
            out[current].append((name, fields[0].startswith("d")))
    # A directory sftp could not list shows an empty listing and an error line naming it.
    for d in paths:
        if re.search(r'"(?:[^"]*/)?%s" not found' % re.escape(d), r.stderr):
            out[d] = None
    return out


def entries(module, path):
    return listings(module, [path])[path]


def walk(module, root):
    """Every file and directory below root (directories deepest last), one session per level."""
    files, dirs, frontier = [], [], [root]
    while frontier:
        found = listings(module, frontier)
        nxt = []
        for d in frontier:
            for name, is_dir in found[d] or []:
                (nxt if is_dir else files).append("%s/%s" % (d, name))
        dirs.extend(frontier)
        frontier = nxt
    return files, dirs


def main():
    module = AnsibleModule(
        argument_spec=dict(
            host=dict(type="str", required=True),
            port=dict(type="int", default=23),
            user=dict(type="str", required=True),
            password=dict(type="str", required=True, no_log=True),
            action=dict(type="str", required=True, choices=["list", "read", "write", "rename", "mkdir", "rmtree", "exists"]),
            path=dict(type="str", required=True),
            dest=dict(type="str"),
            content=dict(type="str"),
        ),
        supports_check_mode=False,
    )
    p = module.params
    for key in ("path", "dest"):
        if p[key] is not None and (not SAFE.match(p[key]) or ".." in p[key].split("/")):
            module.fail_json(msg="%s must be a relative path of letters, digits, '.', '_' and '-' (no '..'), got %r" % (key, p[key]))
    action, path = p["action"], p["path"]
    if action == "list":
        found = entries(module, path)
        module.exit_json(changed=False, exists=found is not None, entries=[{"name": n, "dir": d} for n, d in (found or [])])
    if action == "exists":
        parent, name = os.path.split(path)
        found = entries(module, parent or ".")
        module.exit_json(changed=False, exists=any(n == name for n, _ in (found or [])))
    if action == "read":
        with tempfile.TemporaryDirectory() as d:
            local = os.path.join(d, "file")
            r = sftp(module, ["get %s %s" % (path, local)], check=False)
            if r.returncode != 0:
                module.exit_json(changed=False, exists=False, content="")
            with open(local, encoding="utf-8") as f:
                module.exit_json(changed=False, exists=True, content=f.read())
    if action == "write":
        with tempfile.TemporaryDirectory() as d:
            local = os.path.join(d, "file")
            with open(local, "w", encoding="utf-8") as f:
                f.write(p["content"] or "")
            sftp(module, ["put %s %s" % (local, path)])
        module.exit_json(changed=True)
    if action == "mkdir":
        batch, cur = [], ""
        for seg in path.split("/"):
            cur = "%s/%s" % (cur, seg) if cur else seg
            batch.append("-mkdir %s" % cur)
        sftp(module, batch)
        module.exit_json(changed=True)
    if action == "rename":
        sftp(module, ["rename %s %s" % (path, p["dest"])])
        module.exit_json(changed=True)
    if action == "rmtree":
        if entries(module, path) is None:
            module.exit_json(changed=False)
        files, dirs = walk(module, path)
        sftp(module, ["rm %s" % f for f in files] + ["rmdir %s" % d for d in reversed(dirs)])
        module.exit_json(changed=True, removed_files=len(files), removed_directories=len(dirs))


if __name__ == "__main__":
    main()
