/**
 * Backups and restores on the local cloud's real servers (API: local
 * stand-in; the Storage Box is a real SFTP server; restic, sshpass,
 * PostgreSQL, MinIO, sops and age are real). Two tenants are deployed with
 * the real OpenTofu and provider: alpha and bravo, both online (an offline
 * tenant's data server has no public interface, so no route to the Storage
 * Box: see ansible/roles/tenant_backup/README.md). Their servers are configured by
 * the real playbooks/site.yml, backups left out (test-support/backup-lab.ts):
 * baseline, PostgreSQL, MinIO and, for alpha, the Qdrant STAND-IN (not
 * Qdrant) of roles/tenant_dataplane. alpha's backups are then configured with
 * backup.yml, bravo's with the regular tenant.yml. Everything the test starts
 * is removed in afterAll.
 */
import { flat as folded, PlaybookRun } from '../../test-support/ansible-run';

/** A run's output on one line, as the messages read (Ansible's YAML output folds lines and doubles quotes). */
const flat = (output: string) => folded(output).replace(/''/g, "'");
import * as fs from 'fs';
import * as path from 'path';
import { decryptWith, findLeaks } from '../../test-support/ansible-fixture';
import { run } from '../../test-support/ansible-proc';
import { sftp } from '../../test-support/sftp';
import { ADMIN_MC, BackupLab, startBackupLab, WEBHOOK_PORT } from '../../test-support/backup-lab';
import { machinesProblem } from '../../test-support/local-cloud-machines';

jest.setTimeout(900_000);

/** Passes when the playbook exited 0; otherwise fails showing the end of its output (no_log keeps secrets out of it). */
const expectOk = (r: PlaybookRun) => {
  if (r.code !== 0) throw new Error(`playbook exited ${r.code}:\n${r.output.slice(-4000)}`);
};
const psql = (db: string) => `runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -At -d ${db}`;
const MC = ADMIN_MC;

describe('tenant backups with restic on the Storage Box (API: local stand-in)', () => {
  let lab: BackupLab;
  const db = (id: string) => lab.vars(id).tenant_postgres.database;
  const bucket = (id: string) => lab.vars(id).tenant_minio.bucket;

  /** Rows of the tenant's table, as one digest and a count. */
  const dbDigest = (id: string) => lab.shOk(id, `${psql(db(id))} -c "SELECT count(*) || ' ' || md5(coalesce(string_agg(id || ':' || payload, ',' ORDER BY id), '')) FROM items"`).then((s) => s.trim());
  /** Every object of the bucket, by name and content. */
  const bucketDigest = (id: string) =>
    lab.shOk(id, `d=$(mktemp -d); ${MC} mirror root/${bucket(id)} $d >/dev/null && (cd $d && find . -type f | sort | xargs -r sha256sum | sha256sum; find . -type f | wc -l); rm -rf $d`).then((s) => s.trim().replace(/\s+/g, ' '));
  const fill = async (id: string, rows: number, objects: number, objectKb: number) => {
    await lab.shOk(
      id,
      psql(db(id)),
      `SET ROLE ${lab.vars(id).tenant_postgres.user};\nCREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, payload text);\nINSERT INTO items SELECT g, md5(random()::text) || repeat('x', 200) FROM generate_series((SELECT coalesce(max(id), 0) + 1 FROM items), (SELECT coalesce(max(id), 0) + ${rows} FROM items)) g;\n`,
    );
    await lab.shOk(id, `d=$(mktemp -d); for i in $(seq ${objects}); do head -c ${objectKb}K /dev/urandom > $d/obj-$RANDOM-$i.bin; done; mkdir -p $d/nested && echo hello > $d/nested/readme.txt; ${MC} cp --recursive $d/ root/${bucket(id)}/ >/dev/null; rm -rf $d`);
  };
  const tool = (id: string, args: string) => lab.sh(id, `tenant-backup ${id} ${args}`);
  /** One call to the tenant's Qdrant (the STAND-IN) on its data server, with the key from Qdrant's own configuration (the script on stdin). */
  const qdrant = async (id: string, method: string, urlPath: string, body?: unknown) => {
    // No backslashes: the YAML Qdrant's configuration is written in (to_nice_yaml) has one "key: value" per line.
    const script = [
      'import sys, urllib.request, urllib.error',
      'c = dict(l.strip().split(": ", 1) for l in open("/etc/qdrant/config.yaml") if ": " in l)',
      'v = lambda k: c[k].strip(chr(39)).strip(chr(34))',
      'data = sys.argv[3].encode() if len(sys.argv) > 3 else None',
      'req = urllib.request.Request("http://%s:%s%s" % (v("host"), v("http_port"), sys.argv[2]), method=sys.argv[1], data=data, headers={"api-key": v("api_key"), "content-type": "application/json"})',
      'try:',
      '    r = urllib.request.urlopen(req, timeout=30)',
      '    print(r.status, r.read().decode())',
      'except urllib.error.HTTPError as e:',
      '    print(e.code, e.read().decode())',
      '',
    ].join('\n');
    const args = [method, urlPath, ...(body === undefined ? [] : [JSON.stringify(body)])].map((a) => `'${a}'`).join(' ');
    const out = (await lab.shOk(id, `python3 - ${args}`, script)).trim();
    const space = out.indexOf(' ');
    return { status: Number(out.slice(0, space)), body: JSON.parse(out.slice(space + 1)) };
  };

  beforeAll(async () => {
    const problem = machinesProblem();
    if (problem) throw new Error(problem);
    lab = await startBackupLab([{ id: 'alpha', seq: 201, qdrant: true }, { id: 'bravo', seq: 202 }]);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  test('configures backups on the data server (backup.yml, and tenant.yml as part of the regular configuration) and initializes each repository once; a second run changes nothing', async () => {
    // alpha's subaccount password comes from the environment, bravo's from `tofu output` in its stack directory.
    const first = await lab.playbook('playbooks/backup.yml', { tenant: 'alpha' }, { TENANT_BACKUP_PASSWORD: await lab.subaccountPassword('alpha') });
    expectOk(first);
    const bravo = await lab.playbook('playbooks/tenant.yml', { tenant: 'bravo' });
    expectOk(bravo);
    expect(first.output).toMatch(/Initialize the tenant's repository once[^\n]*\*+\nchanged: \[tenant-alpha-data-1\]/);
    expect(bravo.output).toMatch(/Initialize the tenant's repository once[^\n]*\*+\nchanged: \[tenant-bravo-data-1\]/);
    const again = await lab.playbook('playbooks/backup.yml', { tenant: 'alpha' });
    expectOk(again);
    expect([again.recap['tenant-alpha'].changed, again.recap['tenant-alpha-data-1'].changed]).toEqual([0, 0]);
    // The whole configuration, backups included, is idempotent for both tenants.
    for (const id of ['alpha', 'bravo']) {
      const whole = await lab.playbook('playbooks/tenant.yml', { tenant: id });
      expectOk(whole);
      expect(Object.entries(whole.recap).filter(([, r]) => r.changed > 0)).toEqual([]);
      expect(whole.output).toContain(`Back up the tenant's data nightly to its Storage Box subaccount`);
    }

    for (const id of ['alpha', 'bravo']) {
      const s = await lab.secrets(id);
      expect(s.restic_password).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(s.storage_box_password === (await lab.subaccountPassword(id))).toBe(true);
    }
    const units = await lab.shOk('alpha', 'systemctl is-enabled tenant-backup-alpha.timer tenant-backup-check-alpha.timer; cat /etc/systemd/system/tenant-backup-alpha.timer /etc/systemd/system/tenant-backup-alpha.service; stat -c "%a %U %n" /etc/tenant-backup/alpha /etc/tenant-backup/alpha/*');
    expect(units).toContain('enabled\nenabled\n');
    expect(units).toMatch(/RandomizedDelaySec=1800/);
    expect(units).toMatch(/OnFailure=tenant-backup-alert@%n\.service/);
    expect(units).toMatch(/700 root \/etc\/tenant-backup\/alpha\n/);
    for (const f of ['restic-password', 'sftp-password', 'minio.env', 'config']) expect(units).toContain(`600 root /etc/tenant-backup/alpha/${f}`);
    expect((await tool('alpha', 'owner')).stdout).toContain("the repository is tenant alpha's");
  });

  test('backs up; after rows and objects are deleted, a restore brings back byte-identical data and keeps the database it replaced', async () => {
    await fill('alpha', 2000, 20, 64);
    const before = { db: await dbDigest('alpha'), bucket: await bucketDigest('alpha') };
    expect(before.db).toMatch(/^2000 /);
    const backup = await lab.playbook('playbooks/backup.yml', { tenant: 'alpha', backup_now: true });
    expectOk(backup);
    const journal = await lab.shOk('alpha', 'journalctl -u tenant-backup-alpha --no-pager -o cat | grep "added to the repository" | tail -1');
    expect(journal).toMatch(/tenant alpha: backup: snapshot [0-9a-f]{8}, \d+ files, \d+ bytes processed, added to the repository: \d+ bytes/);

    await lab.shOk('alpha', psql(db('alpha')), 'DELETE FROM items WHERE id % 3 = 0;\nUPDATE items SET payload = \'changed\' WHERE id < 10;\n');
    await lab.shOk('alpha', `${MC} rm --recursive --force root/${bucket('alpha')}/nested >/dev/null; echo late > /tmp/late.txt; ${MC} cp /tmp/late.txt root/${bucket('alpha')}/late.txt >/dev/null`);
    expect(await dbDigest('alpha')).not.toBe(before.db);
    expect(await bucketDigest('alpha')).not.toBe(before.bucket);

    const restore = await lab.playbook('playbooks/restore.yml', { tenant: 'alpha', snapshot: 'latest' });
    expectOk(restore);
    expect(await dbDigest('alpha')).toBe(before.db);
    expect(await bucketDigest('alpha')).toBe(before.bucket);
    const dbs = await lab.shOk('alpha', `${psql('postgres')} -c "SELECT datname || ' ' || pg_get_userbyid(datdba) || ' ' || coalesce(datacl::text, '') FROM pg_database WHERE datname LIKE 'tenant_alpha%' ORDER BY 1"`);
    const [current, previous] = dbs.trim().split('\n');
    expect(current).toMatch(/^tenant_alpha tenant_alpha_user \{.*tenant_alpha_user=CTc\/tenant_alpha_user.*\}$/);
    expect(current).not.toMatch(/[{,]=c/); // CONNECT still revoked from PUBLIC
    expect(previous).toMatch(/^tenant_alpha_before_\d{14} tenant_alpha_user /);
    // Nothing was lost: the data before the restore is a snapshot of its own.
    expect((await tool('alpha', 'snapshots')).stdout).toBeDefined();
    const kinds = await lab.shOk('alpha', `. /etc/tenant-backup/alpha/config; export RESTIC_PASSWORD_FILE=/etc/tenant-backup/alpha/restic-password; restic -o "sftp.command=sshpass -f /etc/tenant-backup/alpha/sftp-password ssh -F /etc/tenant-backup/alpha/ssh_config storagebox -s sftp" -r "$REPOSITORY" snapshots --json --no-lock | python3 -c 'import json,sys; print(sorted({t for s in json.load(sys.stdin) for t in s["tags"] if t.startswith("kind=")}))'`);
    expect(kinds.trim()).toBe("['kind=backup', 'kind=marker', 'kind=pre-restore']");
  });

  test("restores alpha's Qdrant collection with Qdrant's snapshot API (Qdrant STAND-IN): a point written, then deleted, comes back", async () => {
    const collection = lab.vars('alpha').tenant_qdrant.collection;
    const point = `/collections/${collection}/points/42`;
    const written = await qdrant('alpha', 'PUT', `/collections/${collection}/points?wait=true`, { points: [{ id: 42, vector: [0.1, 0.2, 0.3, 0.4], payload: { doc: 'kept' } }] });
    expect(written.status).toBe(200);
    expect((await qdrant('alpha', 'GET', point)).body.result).toEqual({ id: 42, vector: [0.1, 0.2, 0.3, 0.4], payload: { doc: 'kept' } });
    const backup = await tool('alpha', 'backup');
    expect([backup.code, backup.stderr]).toEqual([0, '']);
    expect(backup.stdout).toMatch(new RegExp(`snapshot ${collection}-\\S+\\.snapshot of collection ${collection}: \\d+ bytes, sha256 [0-9a-f]{64}`));
    // Downloaded and then deleted on the server: snapshots do not pile up on the data server.
    expect((await qdrant('alpha', 'GET', `/collections/${collection}/snapshots`)).body.result).toEqual([]);

    expect((await qdrant('alpha', 'POST', `/collections/${collection}/points/delete?wait=true`, { points: [42] })).status).toBe(200);
    expect((await qdrant('alpha', 'GET', point)).status).toBe(404);
    const restore = await lab.playbook('playbooks/restore.yml', { tenant: 'alpha' });
    expectOk(restore);
    expect(flat(restore.output)).toContain(`collection ${collection} restored from`);
    expect((await qdrant('alpha', 'GET', point)).body.result).toEqual({ id: 42, vector: [0.1, 0.2, 0.3, 0.4], payload: { doc: 'kept' } });
  });

  test("alpha's subaccount cannot list or read bravo's repository", async () => {
    const sftp = (commands: string) => lab.sh('alpha', 'sshpass -f /etc/tenant-backup/alpha/sftp-password sftp -F /etc/tenant-backup/alpha/ssh_config -o BatchMode=no -b - storagebox', commands);
    const mine = await sftp('ls -1 restic\n');
    expect(mine.code).toBe(0);
    expect(mine.stdout).toContain('restic/config');
    for (const attempt of ['ls ../bravo', 'ls /home/../bravo/restic', 'get ../bravo/restic/config /tmp/x', 'ls /tenants', 'cd /srv']) {
      const r = await sftp(`${attempt}\n`);
      expect([attempt, r.code]).toEqual([attempt, 1]);
      expect(r.stderr).toMatch(/not found|No such file/);
    }
    const restic = await lab.sh('alpha', 'export RESTIC_PASSWORD_FILE=/etc/tenant-backup/alpha/restic-password; restic -o "sftp.command=sshpass -f /etc/tenant-backup/alpha/sftp-password ssh -F /etc/tenant-backup/alpha/ssh_config storagebox -s sftp" -r sftp:storagebox:../bravo/restic snapshots');
    expect(restic.code).not.toBe(0);
    expect(restic.stdout).not.toContain('tenant=bravo');
  });

  test('retention keeps 7 daily, 4 weekly and 6 monthly snapshots and prunes the rest (crafted snapshot times)', async () => {
    const days = [
      ...Array.from({ length: 10 }, (_, i) => `2026-06-${String(21 + i).padStart(2, '0')}`),
      '2026-06-14', '2026-06-13', '2026-06-07',
      '2026-05-31', '2026-05-15', '2026-04-30', '2026-04-15', '2026-03-31', '2026-03-15', '2026-02-28', '2026-02-15', '2026-01-31', '2026-01-15',
      '2025-12-31', '2025-11-30',
    ];
    // Crafted snapshots, tagged as tenant-backup tags its own: one tiny file each, at the given time.
    const craft = await lab.sh(
      'bravo',
      [
        'set -e; . /etc/tenant-backup/bravo/config; export RESTIC_PASSWORD_FILE=/etc/tenant-backup/bravo/restic-password RESTIC_REPOSITORY="$REPOSITORY"',
        `for d in ${days.join(' ')}; do`,
        '  restic -o "sftp.command=sshpass -f /etc/tenant-backup/bravo/sftp-password ssh -F /etc/tenant-backup/bravo/ssh_config storagebox -s sftp" backup --quiet --host bravo --tag tenant=bravo,kind=backup --time "$d 03:00:00" /etc/hostname',
        'done',
      ].join('\n'),
    );
    expect([craft.code, craft.stderr]).toEqual([0, '']);
    const forget = await tool('bravo', 'forget');
    expect(forget.code).toBe(0);
    const kept = JSON.parse((await tool('bravo', 'snapshots')).stdout.split('\n').find((l) => l.startsWith('['))!).map((s: any) => s.time.slice(0, 10)).sort();
    expect(kept).toEqual([
      '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', // monthly (with June's 06-30: 6 months)
      '2026-06-14', '2026-06-21', // weekly (with the weeks of 06-28 and 06-30: 4 weeks)
      '2026-06-24', '2026-06-25', '2026-06-26', '2026-06-27', '2026-06-28', '2026-06-29', '2026-06-30', // daily
    ]);
    expect((await tool('bravo', 'check')).code).toBe(0);
  });

  test('an interrupted backup leaves the repository consistent, and the next backup succeeds', async () => {
    await fill('alpha', 20000, 30, 2048);
    const started = lab.sh('alpha', 'tenant-backup alpha backup');
    const killed = await lab.sh('alpha', 'for i in $(seq 600); do if pgrep -f "^restic .* backup --host" >/dev/null; then sleep 0.7; pkill -KILL -f "^restic .* backup --host" && echo killed; exit 0; fi; sleep 0.05; done; echo never-started');
    expect(killed.stdout.trim()).toBe('killed');
    const interrupted = await started;
    expect(interrupted.code).not.toBe(0);
    expect(interrupted.stderr).toMatch(/tenant alpha: backup failed at back up to sftp:storagebox:restic/);
    const check = await tool('alpha', 'check');
    expect([check.code, check.stdout]).toEqual([0, expect.stringContaining('the repository is consistent')]);
    const next = await tool('alpha', 'backup');
    expect([next.code, next.stderr]).toEqual([0, '']);
    expect(next.stdout).toMatch(/added to the repository: \d+ bytes/);
    expect((await tool('alpha', 'check')).code).toBe(0);
  });

  describe('bad input stops naming the tenant and the step, and loses no data', () => {
    test('fails if the repository password is wrong (and the failure alert logs it and posts it to the webhook)', async () => {
      const digest = await dbDigest('alpha');
      await lab.shOk('alpha', `systemd-run --quiet --unit=webhook python3 -c 'import http.server as h\nclass H(h.BaseHTTPRequestHandler):\n  def do_POST(s):\n    open("/tmp/hook.json","wb").write(s.rfile.read(int(s.headers["Content-Length"]))); s.send_response(204); s.end_headers()\nh.HTTPServer(("127.0.0.1", ${WEBHOOK_PORT}), H).serve_forever()'`);
      await lab.shOk('alpha', 'cd /etc/tenant-backup/alpha && cp -p restic-password restic-password.good && echo wrong-password-123 > restic-password');
      try {
        const r = await lab.sh('alpha', 'systemctl start --wait tenant-backup-alpha.service; echo rc=$?; for i in $(seq 50); do [ -s /tmp/hook.json ] && break; sleep 0.2; done; journalctl --no-pager -o cat | grep "^ALERT" | tail -1; cat /tmp/hook.json');
        expect(r.stdout).toMatch(/rc=[1-9]/);
        expect(r.stdout).toContain("ALERT tenant alpha: backup failed at open the repository sftp:storagebox:restic on 203.0.113.50:23: the repository password (restic_password in the tenant's SOPS file) does not open the repository sftp:storagebox:restic (unit tenant-backup-alpha.service)");
        const hook = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
        expect(hook).toMatchObject({ tenant: 'alpha', unit: 'tenant-backup-alpha.service', message: expect.stringContaining('failed at open the repository') });
      } finally {
        await lab.shOk('alpha', 'cd /etc/tenant-backup/alpha && mv -f restic-password.good restic-password; systemctl stop webhook || true');
      }
      expect(await dbDigest('alpha')).toBe(digest);
    });

    test('fails if the repository password file is missing on the server, or the box refuses the subaccount password; nothing is read or written', async () => {
      const before = { db: await dbDigest('alpha'), snapshots: (await tool('alpha', 'snapshots')).stdout };
      await lab.shOk('alpha', 'mv /etc/tenant-backup/alpha/restic-password /etc/tenant-backup/alpha/restic-password.away');
      try {
        const r = await tool('alpha', 'backup');
        expect(r.code).toBe(4);
        expect(r.stderr).toContain("tenant alpha: backup failed at read the passwords in /etc/tenant-backup/alpha: /etc/tenant-backup/alpha/restic-password is missing or empty (restic_password in the tenant's SOPS file)");
      } finally {
        await lab.shOk('alpha', 'mv /etc/tenant-backup/alpha/restic-password.away /etc/tenant-backup/alpha/restic-password');
      }
      await lab.shOk('alpha', 'cd /etc/tenant-backup/alpha && cp -p sftp-password sftp-password.good && echo wrong-box-password > sftp-password');
      try {
        const r = await tool('alpha', 'restore latest');
        expect(r.code).toBe(6);
        expect(r.stderr).toContain('tenant alpha: restore failed at open the repository sftp:storagebox:restic on 203.0.113.50:23: cannot reach the Storage Box 203.0.113.50:23 as');
      } finally {
        await lab.shOk('alpha', 'cd /etc/tenant-backup/alpha && mv -f sftp-password.good sftp-password');
      }
      expect({ db: await dbDigest('alpha'), snapshots: (await tool('alpha', 'snapshots')).stdout }).toEqual(before);
    });

    test('fails if the disk holding the staging directory is full: the backup and the restore stop naming the step, and nothing is lost', async () => {
      const before = { db: await dbDigest('alpha'), bucket: await bucketDigest('alpha'), snapshots: (await tool('alpha', 'snapshots')).stdout };
      // A 1 MB filesystem where the dump, the bucket mirror and restores are staged.
      await lab.shOk('alpha', 'mount -t tmpfs -o size=1m,mode=0711 tenant-backup-full /var/lib/tenant-backup/alpha');
      try {
        const backup = await tool('alpha', 'backup');
        expect(backup.code).not.toBe(0);
        expect(backup.stderr).toMatch(/tenant alpha: backup failed at dump PostgreSQL database tenant_alpha [^\n]*: pg_dump of tenant_alpha failed \(no space left on \/var\/lib\/tenant-backup\/alpha, \d+ kB free: free space there, or give tenant_backup_state_dir a larger filesystem\); the repository and the database were not touched/);
        const restore = await lab.playbook('playbooks/restore.yml', { tenant: 'alpha' });
        expect(restore.code).not.toBe(0);
        expect(flat(restore.output)).toMatch(/tenant alpha: tenant_backup \(restore\) on tenant-alpha-data-1: tenant alpha: restore failed at read snapshot [0-9a-f]{8} into \S+: restic restore of [0-9a-f]{8} failed \(no space left on \/var\/lib\/tenant-backup\/alpha, \d+ kB free[^)]*\); nothing was changed/);
      } finally {
        await lab.shOk('alpha', 'umount /var/lib/tenant-backup/alpha');
      }
      expect({ db: await dbDigest('alpha'), bucket: await bucketDigest('alpha'), snapshots: (await tool('alpha', 'snapshots')).stdout }).toEqual(before);
      expect(await lab.shOk('alpha', `${psql('postgres')} -c "SELECT count(*) FROM pg_database WHERE datname LIKE '%_restore_%'"`)).toBe('0\n');
      expect((await tool('alpha', 'check')).code).toBe(0);
      const next = await tool('alpha', 'backup');
      expect([next.code, next.stderr]).toEqual([0, '']);
    });

    test('fails if the Storage Box is unreachable (preflight, nothing changed)', async () => {
      const config = await lab.shOk('alpha', 'sha256sum /etc/tenant-backup/alpha/config');
      const r = await lab.playbook('playbooks/backup.yml', { tenant: 'alpha', tenant_backup_storage_box_host: '203.0.113.99' });
      expect(r.code).not.toBe(0);
      expect(flat(r.output)).toContain('tenant alpha: tenant_backup (preflight) on tenant-alpha-data-1: cannot reach the Storage Box 203.0.113.99:23 within 10 s');
      expect(flat(r.output)).toContain('Nothing was changed.');
      expect(await lab.shOk('alpha', 'sha256sum /etc/tenant-backup/alpha/config')).toBe(config);
    });

    test('fails if the snapshot to restore does not exist, or is not a snapshot id; the data stays as it is', async () => {
      const before = { db: await dbDigest('alpha'), bucket: await bucketDigest('alpha') };
      const missing = await lab.playbook('playbooks/restore.yml', { tenant: 'alpha', snapshot: 'deadbeef' });
      expect(missing.code).not.toBe(0);
      expect(flat(missing.output)).toContain("tenant alpha: tenant_backup (restore) on tenant-alpha-data-1: tenant alpha: restore failed at find snapshot deadbeef: snapshot deadbeef does not exist in tenant alpha's repository");
      const bad = await lab.playbook('playbooks/restore.yml', { tenant: 'alpha', snapshot: 'latest; rm -rf /' });
      expect(bad.code).not.toBe(0);
      expect(flat(bad.output)).toContain('tenant alpha: tenant_backup (restore): snapshot must be latest or a snapshot id (8 to 64 hex digits), got "latest; rm -rf /". Nothing was changed.');
      expect({ db: await dbDigest('alpha'), bucket: await bucketDigest('alpha') }).toEqual(before);
      expect(await lab.shOk('alpha', `${psql('postgres')} -c "SELECT count(*) FROM pg_database WHERE datname LIKE '%_restore_%'"`)).toBe('0\n');
    });

    test('fails if the repository is not the tenant\'s (its snapshots name another tenant); nothing is read into the data', async () => {
      const before = { db: await dbDigest('alpha'), bucket: await bucketDigest('alpha') };
      // Another tenant's repository where alpha's should be: a repository in alpha's subaccount whose marker says bravo.
      await lab.shOk(
        'alpha',
        [
          'set -e; export RESTIC_PASSWORD_FILE=/etc/tenant-backup/alpha/restic-password',
          'r() { restic -o "sftp.command=sshpass -f /etc/tenant-backup/alpha/sftp-password ssh -F /etc/tenant-backup/alpha/ssh_config storagebox -s sftp" -r sftp:storagebox:foreign "$@"; }',
          'r init --repository-version 2 >/dev/null; d=$(mktemp -d); echo tenant=bravo > $d/TENANT; (cd $d && r backup --host bravo --tag tenant=bravo,kind=marker TENANT >/dev/null && r backup --host bravo --tag tenant=bravo,kind=backup TENANT >/dev/null)',
          "sed -i 's#^REPOSITORY=.*#REPOSITORY=sftp:storagebox:foreign#' /etc/tenant-backup/alpha/config",
        ].join('\n'),
      );
      try {
        const r = await lab.playbook('playbooks/restore.yml', { tenant: 'alpha' });
        expect(r.code).not.toBe(0);
        expect(flat(r.output)).toContain('tenant alpha: tenant_backup (restore) on tenant-alpha-data-1: tenant alpha: restore failed at check that the repository is tenant alpha\'s: refusing the repository sftp:storagebox:foreign: it belongs to tenant(s) "bravo" (marked), not to tenant alpha');
        const backup = await tool('alpha', 'backup');
        expect(backup.code).toBe(3);
      } finally {
        await lab.shOk('alpha', "sed -i 's#^REPOSITORY=.*#REPOSITORY=sftp:storagebox:restic#' /etc/tenant-backup/alpha/config");
      }
      expect({ db: await dbDigest('alpha'), bucket: await bucketDigest('alpha') }).toEqual(before);
    });
  });

  test('no password or key appears in any output, log or unit file', async () => {
    const journal = await lab.shOk('alpha', 'journalctl --no-pager -o cat | tail -n 5000; cat /etc/systemd/system/tenant-backup-*; cat /etc/tenant-backup/alpha/config /etc/tenant-backup/alpha/ssh_config');
    const secrets: Record<string, string> = { 'box main password': lab.box.password };
    for (const id of ['alpha', 'bravo']) for (const [k, v] of Object.entries(await lab.secrets(id))) secrets[`${id} ${k}`] = v;
    expect(findLeaks(secrets, { transcript: lab.transcript.join('\n'), 'alpha journal and units': journal })).toEqual([]);
  });

  describe('offboarding: a final backup, the repository archived with a deletion date, purge-expired', () => {
    const boxEnv = () => ({ PLATFORM_STORAGE_BOX_HOST: lab.box.host, PLATFORM_STORAGE_BOX_USER: lab.box.user, PLATFORM_STORAGE_BOX_PASSWORD: lab.box.password });
    const today = new Date().toISOString().slice(0, 10);
    const plusDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const mainSftp = (commands: string[]) => sftp({ host: lab.box.host, user: lab.box.user, password: lab.box.password }, commands);
    let before: { db: string; bucket: string };
    let secrets: Record<string, string>;

    test('offboarding takes a final backup, moves tenants/bravo to archive/bravo-<date> with its deletion date, and archives the secrets', async () => {
      await fill('bravo', 500, 5, 16);
      before = { db: await dbDigest('bravo'), bucket: await bucketDigest('bravo') };
      secrets = await lab.secrets('bravo');
      const r = await lab.playbook('playbooks/offboard.yml', { tenant: 'bravo', confirm_offboard: 'bravo' }, boxEnv());
      expectOk(r);
      expect(flat(r.output)).toMatch(/tenant bravo: backup: snapshot [0-9a-f]{8}, \d+ files, \d+ bytes processed, added to the repository: \d+ bytes/);
      expect(flat(r.output)).toContain(`tenant bravo: the backup repository is archived as archive/bravo-${today} on the Storage Box, kept 90 days`);
      const marker = path.join(lab.workDir, 'ARCHIVE-bravo');
      const box = await mainSftp(['ls -1 tenants', `ls -1 archive/bravo-${today}`, `get archive/bravo-${today}/ARCHIVE ${marker}`]);
      expect(box.stdout).not.toContain('tenants/bravo');
      expect(box.stdout).toContain(`archive/bravo-${today}/restic`);
      expect(fs.readFileSync(marker, 'utf8')).toBe(`tenant=bravo\narchived=${today}\ndelete_after=${plusDays(today, 90)}\nrepository=restic\n`);
      expect(fs.existsSync(path.join(lab.secretsRoot, 'tenants', 'bravo.sops.yaml'))).toBe(false);
      expect(findLeaks(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`bravo ${k}`, v])), { offboard: r.output })).toEqual([]);
    });

    test('fails if the final backup fails: nothing is archived or dropped', async () => {
      await lab.shOk('alpha', 'cd /etc/tenant-backup/alpha && cp -p restic-password restic-password.good && echo wrong-password-123 > restic-password');
      try {
        const r = await lab.playbook('playbooks/offboard.yml', { tenant: 'alpha', confirm_offboard: 'alpha' }, boxEnv());
        expect(r.code).not.toBe(0);
        expect(flat(r.output)).toContain('tenant alpha: offboard (final backup) (backup now) on tenant-alpha-data-1: tenant alpha: backup failed at open the repository');
        expect(fs.existsSync(path.join(lab.secretsRoot, 'tenants', 'alpha.sops.yaml'))).toBe(true);
        expect((await mainSftp(['ls -1 tenants'])).stdout).toContain('tenants/alpha');
      } finally {
        await lab.shOk('alpha', 'cd /etc/tenant-backup/alpha && mv -f restic-password.good restic-password');
      }
    });

    test('the archive restores: the data bravo had at offboarding, byte for byte', async () => {
      const keyArchive = path.join(lab.keyDir, 'archive');
      const dir = fs.readdirSync(keyArchive).find((d) => d.startsWith('bravo-offboarded-'))!;
      const archived = await decryptWith(path.join(keyArchive, dir, 'bravo.sops.yaml'), path.join(keyArchive, dir, 'bravo.txt'), lab.workDir);
      expect(archived.data?.restic_password === secrets.restic_password).toBe(true);
      // The box's main account reads the archive from the control node; the data is checked on bravo's server.
      const work = fs.mkdtempSync(path.join(lab.workDir, 'archive-restore-'));
      fs.writeFileSync(path.join(work, 'pw'), archived.data!.restic_password, { mode: 0o600 });
      fs.writeFileSync(path.join(work, 'box'), lab.box.password, { mode: 0o600 });
      const restic = await run(
        'restic',
        ['-r', `sftp:${lab.box.user}@${lab.box.host}:archive/bravo-${today}/restic`, '-o', `sftp.command=sshpass -f ${work}/box ssh -p 23 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o PubkeyAuthentication=no ${lab.box.user}@${lab.box.host} -s sftp`,
          '--password-file', path.join(work, 'pw'), '--cache-dir', path.join(work, 'cache'), 'restore', 'latest', '--tag', 'tenant=bravo,kind=backup', '--target', path.join(work, 'out')],
        { timeoutMs: 300_000 },
      );
      lab.transcript.push(restic.stdout, restic.stderr);
      expect([restic.code, restic.stderr]).toEqual([0, '']);
      const dump = path.join(work, 'out', 'postgres', 'tenant_bravo');
      expect(fs.existsSync(path.join(dump, 'toc.dat'))).toBe(true);
      await lab.copyTo('bravo', dump, '/tmp/archived');
      await lab.shOk('bravo', 'chmod -R a+rX /tmp/archived');
      await lab.shOk('bravo', `${psql('postgres')} -c "CREATE DATABASE archive_check" && runuser -u postgres -- pg_restore --no-owner -d archive_check /tmp/archived`);
      const db = (await lab.shOk('bravo', `${psql('archive_check')} -c "SELECT count(*) || ' ' || md5(coalesce(string_agg(id || ':' || payload, ',' ORDER BY id), '')) FROM items"`)).trim();
      expect(db).toBe(before.db);
      const objects = (await run('bash', ['-c', 'cd "$1" && find . -type f | sort | xargs -r sha256sum | sha256sum; find . -type f | wc -l', '-', path.join(work, 'out', 'minio', 'tenant-bravo-bucket')])).stdout.trim().replace(/\s+/g, ' ');
      expect(objects).toBe(before.bucket);
    });

    test('purge-expired deletes exactly the archives past their date, and nothing else', async () => {
      const archive = (name: string, marker?: string) => {
        const local = path.join(lab.workDir, `ARCHIVE-${name}`);
        fs.writeFileSync(local, marker ?? '');
        return [`mkdir archive/${name}`, `mkdir archive/${name}/restic`, `put ${local} archive/${name}/restic/data`, ...(marker === undefined ? [] : [`put ${local} archive/${name}/ARCHIVE`])];
      };
      const made = await mainSftp([
        ...archive('old-2025-01-01', 'tenant=old\narchived=2025-01-01\ndelete_after=2025-04-01\n'),
        ...archive('future-2026-11-30', 'tenant=future\narchived=2026-11-30\ndelete_after=2027-02-28\n'),
        ...archive('bad-2025-01-01', 'tenant=bad\n'),
        ...archive('mystery'),
      ]);
      expect(made.code).toBe(0);
      const list = async () => (await mainSftp(['ls -1 archive'])).stdout.split('\n').filter((l) => l.startsWith('archive/')).map((l) => l.trim().slice('archive/'.length)).sort();
      const first = await lab.playbook('playbooks/purge-expired.yml', {}, boxEnv());
      expectOk(first);
      expect(await list()).toEqual(['bad-2025-01-01', `bravo-${today}`, 'future-2026-11-30', 'mystery']);
      expect(flat(first.output)).toContain('kept (no readable ARCHIVE file or not <tenant>-<date>; check by hand): bad-2025-01-01, mystery');
      const later = await lab.playbook('playbooks/purge-expired.yml', { tenant_backup_today: plusDays(today, 91) }, boxEnv());
      expectOk(later);
      expect(await list()).toEqual(['bad-2025-01-01', 'mystery']);
      expect(flat(later.output)).toContain(`deleted (expired before ${plusDays(today, 91)}): bravo-${today}, future-2026-11-30`);
    });

    test('fails if the main account password is missing: nothing is deleted', async () => {
      const r = await lab.playbook('playbooks/purge-expired.yml', {}, { ...boxEnv(), PLATFORM_STORAGE_BOX_PASSWORD: '' });
      expect(r.code).not.toBe(0);
      expect(flat(r.output)).toContain('purge-expired: set PLATFORM_STORAGE_BOX_HOST, PLATFORM_STORAGE_BOX_USER and PLATFORM_STORAGE_BOX_PASSWORD');
    });
  });
});
