/**
 * Backups on the local cloud's real servers (test-support/backup-lab.ts: one
 * tenant, its data plane on its data server made by the real site.yml, the
 * Storage Box a real SFTP server): a tenant with about 100 MB of database and 100 MB of objects,
 * the first backup's time and what it added, the repository's size on the
 * box, incremental backups after 1 MB changes to the database (appended
 * rows, a rewritten range, rows rewritten all over the table) and after a
 * 1 MB new object (restic's "added to the repository" figure), a backup with
 * nothing changed, and a full restore (database swap and bucket mirror,
 * including the pre-restore backup). Needs root and `npm run tools`.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ADMIN_MC, BOX_ID, startBackupLab } from '../test-support/backup-lab';
import { machinesProblem } from '../test-support/local-cloud-machines';

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../scripts/tools-env.js');

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchBackup(): Promise<string[]> {
  const problem = machinesProblem();
  if (problem) return [`skipped: ${problem}`];
  const lines: string[] = [];
  const lab = await startBackupLab([{ id: 'alpha', seq: 201 }]);
  try {
    const password = await lab.subaccountPassword('alpha');
    const setup = await lab.playbook('playbooks/backup.yml', { tenant: 'alpha' }, { TENANT_BACKUP_PASSWORD: password });
    if (setup.code !== 0) throw new Error(`backup.yml failed:\n${setup.output.slice(-3000)}`);
    const psql = 'runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -At -d tenant_alpha';
    // ~100 MB of table data (random hex, so it does not compress to nothing) and 100 objects of 1 MB (random bytes).
    await lab.shOk('alpha', psql, "SET ROLE tenant_alpha_user;\nCREATE TABLE items (id int PRIMARY KEY, payload text);\nINSERT INTO items SELECT g, repeat(md5(random()::text), 8) FROM generate_series(1, 400000) g;\n");
    await lab.shOk('alpha', `d=$(mktemp -d); for i in $(seq 100); do head -c 1M /dev/urandom > $d/obj-$i.bin; done; ${ADMIN_MC} cp --recursive $d/ root/tenant-alpha-bucket/ >/dev/null; rm -rf $d`);
    const dbSize = Number((await lab.shOk('alpha', `${psql} -c "SELECT pg_database_size('tenant_alpha')"`)).trim());
    lines.push(`data: database ${mb(dbSize)} (pg_database_size), bucket 100 objects x 1 MB`);

    const backup = async (what: string) => {
      const started = Date.now();
      const out = await lab.shOk('alpha', 'tenant-backup alpha backup');
      const ms = Date.now() - started;
      const added = Number(/added to the repository: (\d+) bytes/.exec(out)?.[1] ?? NaN);
      const processed = Number(/(\d+) bytes processed/.exec(out)?.[1] ?? NaN);
      lines.push(`${what}: ${seconds(ms)}, ${mb(processed)} processed, added to the repository: ${mb(added)} (${added} bytes)`);
      return added;
    };
    await backup('first backup');
    const repo = path.join(lab.cloud.dataDir, 'storage-boxes', String(BOX_ID), 'upper', 'srv', 'storagebox', 'data', 'tenants', 'alpha', 'restic');
    lines.push(`repository on the box: ${mb(Number(execFileSync('du', ['-sb', repo], { encoding: 'utf8' }).split('\t')[0]))}`);
    await backup('backup with nothing changed');
    // 1 MB of the database changed, three ways: 4000 rows of 256 bytes appended, rewritten in one
    // range, rewritten all over the table (every 100th row).
    await lab.shOk('alpha', psql, "INSERT INTO items SELECT g, repeat(md5(random()::text), 8) FROM generate_series(400001, 404000) g;\n");
    await backup('backup after 1 MB of new rows');
    await lab.shOk('alpha', psql, "UPDATE items SET payload = repeat(md5(random()::text), 8) WHERE id BETWEEN 200001 AND 204000;\n");
    await backup('backup after 1 MB of rows updated in one range');
    await lab.shOk('alpha', psql, "UPDATE items SET payload = repeat(md5(random()::text), 8) WHERE id % 100 = 0;\n");
    await backup('backup after 1 MB of rows updated all over the table (every 100th row)');
    await lab.shOk('alpha', `head -c 1M /dev/urandom > /tmp/new.bin; ${ADMIN_MC} cp /tmp/new.bin root/tenant-alpha-bucket/new.bin >/dev/null; rm /tmp/new.bin`);
    await backup('backup after one new 1 MB object');
    lines.push(`repository on the box after them: ${mb(Number(execFileSync('du', ['-sb', repo], { encoding: 'utf8' }).split('\t')[0]))}`);

    const started = Date.now();
    await lab.shOk('alpha', 'tenant-backup alpha restore latest');
    lines.push(`restore of latest (read snapshot, pre-restore backup, pg_restore into a new database and swap, bucket mirror): ${seconds(Date.now() - started)}`);
    const readStarted = Date.now();
    await lab.shOk('alpha', '. /etc/tenant-backup/alpha/config; export RESTIC_PASSWORD_FILE=/etc/tenant-backup/alpha/restic-password; restic -o "sftp.command=sshpass -f /etc/tenant-backup/alpha/sftp-password ssh -F /etc/tenant-backup/alpha/ssh_config storagebox -s sftp" -r "$REPOSITORY" --cache-dir "$STATE_DIR/cache" restore latest --tag tenant=alpha,kind=backup --target /tmp/read-only --quiet; rm -rf /tmp/read-only');
    lines.push(`of which reading the snapshot alone (restic restore to disk): ${seconds(Date.now() - readStarted)}`);
  } finally {
    await lab.stop();
  }
  return lines;
}
