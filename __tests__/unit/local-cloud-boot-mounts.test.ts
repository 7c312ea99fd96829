import { bootMounts } from '../../local-cloud/volumes/boot-mounts';

describe('bootMounts: the fstab lines the local cloud mounts for a server at boot', () => {
  const fstab = [
    '# /etc/fstab: static file system information.',
    'proc /proc proc defaults 0 0',
    '/dev/disk/by-id/scsi-0HC_Volume_7 /srv/tenant-data ext4 discard,nofail,defaults 0 2',
    '/dev/disk/by-id/scsi-0HC_Volume_8   /mnt/other/   xfs   defaults',
    '/dev/disk/by-id/scsi-0HC_Volume_9 /srv/other ext4 defaults 0 2',
    '',
  ].join('\n');

  it('takes the lines that mount an attached volume by its stable name, in file order', () => {
    expect(bootMounts(fstab, [7, 8])).toEqual([
      { volumeId: 7, target: '/srv/tenant-data', fstype: 'ext4', options: 'discard,nofail,defaults' },
      { volumeId: 8, target: '/mnt/other', fstype: 'xfs', options: 'defaults' },
    ]);
  });

  it('leaves out volumes not attached to the server, comments and other devices', () => {
    expect(bootMounts(fstab, [])).toEqual([]);
    expect(bootMounts('#/dev/disk/by-id/scsi-0HC_Volume_7 /a ext4 defaults\n/dev/sdb /b ext4 defaults', [7])).toEqual([]);
  });

  it('fails to take a line that would not be mounted at boot or cannot be bound: noauto, swap, /, relative, "..", ":" or ","', () => {
    const lines = ['noauto', 'swap', '/', 'rel/path', '/a/../etc', '/a:b', '/a,b'].map((t, i) =>
      t === 'noauto' ? `/dev/disk/by-id/scsi-0HC_Volume_${i} /n ext4 noauto 0 0` : t === 'swap' ? `/dev/disk/by-id/scsi-0HC_Volume_${i} none swap sw 0 0` : `/dev/disk/by-id/scsi-0HC_Volume_${i} ${t} ext4 defaults 0 0`,
    );
    expect(bootMounts(lines.join('\n'), lines.map((_, i) => i))).toEqual([]);
  });
});
