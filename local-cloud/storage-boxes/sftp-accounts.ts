/**
 * What a Storage Box's SFTP server should look like for an API state (pure):
 * one account per box (its main account `u<id>`, the whole box) and one per
 * subaccount (`u<id>-sub<n>`, its home directory only), with the password
 * hash, whether SSH/SFTP is enabled and whether it is read-only. Also the
 * sshd configuration and the script that makes the box's accounts match
 * (run inside the box machine after every change).
 *
 * The layout inside the box, as Hetzner shows it to a client:
 *   /srv/storagebox/data                      the box's files (main account's home)
 *   /srv/storagebox/data/tenants/acme         a subaccount's home_directory
 *   /srv/storagebox/chroot/<user>             root-owned chroot of one account, holding only
 *   /srv/storagebox/chroot/<user>/home        a bind mount of its directory (read-only when readonly)
 * Every account logs in with its password on port 22 or 23, gets
 * internal-sftp only, chrooted, starting in /home: relative paths
 * (`restic`, as Hetzner asks for) land in its own directory, and nothing of
 * another account's directory is visible. All accounts share one uid, so
 * the chroot, not file modes, is what confines them, as on Hetzner (the
 * main account sees every subaccount's files).
 */
import type { ApiState } from '../state';

export interface SftpAccount {
  readonly username: string;
  /** Directory relative to the box's data root; '' for the main account (the whole box). */
  readonly home: string;
  /** crypt(3) hash for /etc/shadow. */
  readonly passwordHash: string;
  /** SSH/SFTP enabled (access_settings.ssh_enabled). */
  readonly ssh: boolean;
  readonly readonly: boolean;
}

export interface DesiredStorageBox {
  readonly id: number;
  readonly name: string;
  /** Its public IPv4 address. */
  readonly address: string;
  readonly accounts: readonly SftpAccount[];
}

export function desiredStorageBoxes(state: ApiState): DesiredStorageBox[] {
  return state.storage_boxes.map((b) => ({
    id: b.id,
    name: b.name,
    address: b.address,
    accounts: [
      { username: b.username, home: '', passwordHash: b.password_hash, ssh: b.access_settings.ssh_enabled, readonly: false },
      ...state.storage_box_subaccounts
        .filter((a) => a.storage_box === b.id)
        .map((a) => ({
          username: a.username,
          home: a.home_directory.replace(/\/+$/, ''),
          passwordHash: a.password_hash,
          ssh: a.access_settings.ssh_enabled,
          readonly: a.access_settings.readonly,
        })),
    ],
  }));
}

export const ACCOUNTS_FILE = '/etc/storagebox/accounts.json';
export const SYNC_SCRIPT_PATH = '/usr/local/sbin/storagebox-sync';
export const SFTP_PORTS = [22, 23] as const;

/** The box's whole sshd configuration (Debian's default config would add an external sftp-server). */
export const SSHD_CONFIG = `# Storage Box (local cloud): SFTP only, password logins, one chroot per account.
Include /etc/ssh/sshd_config.d/*.conf
${SFTP_PORTS.map((p) => `Port ${p}`).join('\n')}
PermitRootLogin no
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
AllowGroups storagebox
DenyGroups storagebox-nossh
Subsystem sftp internal-sftp
ChrootDirectory /srv/storagebox/chroot/%u
ForceCommand internal-sftp -d /home
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PrintMotd no
MaxStartups 100:30:200
MaxSessions 20
`;

/**
 * Makes the box's users, directories and bind mounts match ACCOUNTS_FILE.
 * Idempotent, and it remounts only what changed, so a restic backup that is
 * running keeps its session while other accounts change. A removed account
 * loses its login and chroot; its directory stays (as on Hetzner).
 */
export const SYNC_SCRIPT = `#!/usr/bin/python3
import json, os, subprocess
DATA = "/srv/storagebox/data"
CHROOTS = "/srv/storagebox/chroot"
STATE = "/run/storagebox/mounted.json"
UID = 2000

def run(*args, stdin=None):
    subprocess.run(args, check=True, input=stdin, text=True, stdout=subprocess.DEVNULL)

def users_in_group():
    out = []
    for line in open("/etc/passwd"):
        f = line.rstrip("\\n").split(":")
        if len(f) > 3 and f[3] == str(UID):
            out.append(f[0])
    return out

def groups():
    return {l.split(":")[0] for l in open("/etc/group")}

def mounted(path):
    return any(l.split()[1] == path for l in open("/proc/self/mounts"))

def makedirs_owned(path):
    parts = path[len(DATA):].strip("/").split("/") if path != DATA else []
    cur = DATA
    for p in [""] + parts:
        if p:
            cur = os.path.join(cur, p)
        if not os.path.isdir(cur):
            os.mkdir(cur, 0o755)
            os.chown(cur, UID, UID)

want = json.load(open("${ACCOUNTS_FILE}"))["accounts"]
os.makedirs(os.path.dirname(STATE), exist_ok=True)
try:
    state = json.load(open(STATE))
except (OSError, ValueError):
    state = {}
have = groups()
if "storagebox" not in have:
    run("groupadd", "-g", str(UID), "storagebox")
if "storagebox-nossh" not in have:
    run("groupadd", "storagebox-nossh")
os.makedirs(DATA, exist_ok=True)
os.chown(DATA, UID, UID)
os.makedirs(CHROOTS, 0o755, exist_ok=True)
existing = set(users_in_group())
names = set()
for a in want:
    name = a["username"]
    names.add(name)
    if name not in existing:
        run("useradd", "-o", "-u", str(UID), "-g", "storagebox", "-M", "-d", "/home", "-s", "/usr/sbin/nologin", name)
    run("chpasswd", "-e", stdin=name + ":" + a["passwordHash"] + "\\n")
    run("usermod", "-G", "" if a["ssh"] else "storagebox-nossh", name)
    src = os.path.join(DATA, a["home"]) if a["home"] else DATA
    makedirs_owned(src)
    root = os.path.join(CHROOTS, name)
    target = os.path.join(root, "home")
    for d in (root, target):
        os.makedirs(d, 0o755, exist_ok=True)
        if d == root or not mounted(target):
            os.chown(d, 0, 0)
            os.chmod(d, 0o755)
    key = src + ("|ro" if a["readonly"] else "|rw")
    if state.get(name) == key and mounted(target):
        continue
    if mounted(target):
        run("umount", "-l", target)
    run("mount", "--bind", src, target)
    if a["readonly"]:
        run("mount", "-o", "remount,bind,ro", target)
    state[name] = key
for name in existing - names:
    target = os.path.join(CHROOTS, name, "home")
    if mounted(target):
        run("umount", "-l", target)
    run("userdel", "-f", name)  # -f: other accounts share the uid and may be logged in
    for d in (target, os.path.join(CHROOTS, name)):
        if os.path.isdir(d):
            os.rmdir(d)
    state.pop(name, None)
json.dump(state, open(STATE, "w"))
`;
