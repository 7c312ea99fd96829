# Reads, changing nothing, where the tenant's volume is and what is on it.
# Arguments: volume id (may be empty), mount path, device override, directory
# pattern with {id}. Prints key=value lines:
#   id, candidates (when no id was given), mode (device | directory | missing),
#   device, type and pttype (blkid's low-level probe), dir,
#   want_dev and want_ino (what the mount path should show: device numbers,
#   and for a directory its inode), have_dev and have_ino (what the mount
#   path shows when it is a mount point), fstab (the line for the mount path, one space apart),
#   owner (user:group:mode of the mount path).
id=$1 mnt=$2 device=$3 pattern=$4
if [ -z "$id" ]; then
  n=0
  for d in /dev/disk/by-id/scsi-0HC_Volume_* $(printf '%s' "$pattern" | sed 's/{id}/*/'); do
    [ -e "$d" ] || continue
    this=${d##*_}
    case " $seen " in *" $this "*) ;; *) seen="$seen $this"; n=$((n + 1)); id=$this ;; esac
  done
  echo "candidates=$n"
  [ "$n" -eq 1 ] || id=
fi
echo "id=$id"
[ -n "$device" ] || device=/dev/disk/by-id/scsi-0HC_Volume_$id
dir=$(printf '%s' "$pattern" | sed "s/{id}/$id/")
if [ -n "$id" ] && [ -b "$device" ]; then
  echo "mode=device"
  echo "device=$device"
  blkid -p -o export "$device" | sed -n 's/^\(TYPE\|PTTYPE\)=/\L\1=/p'
  echo "want_dev=$(stat -L -c '%Hr:%Lr' "$device")"
elif [ -n "$id" ] && [ -d "$dir" ]; then
  echo "mode=directory"
  echo "dir=$dir"
  echo "want_dev=$(stat -c '%Hd:%Ld' "$dir")"
  echo "want_ino=$(stat -c '%i' "$dir")"
else
  echo "mode=missing"
  echo "device=$device"
  echo "dir=$dir"
fi
if mountpoint -q "$mnt" 2>/dev/null; then
  echo "have_dev=$(stat -c '%Hd:%Ld' "$mnt")"
  echo "have_ino=$(stat -c '%i' "$mnt")"
  echo "have_source=$(findmnt -n -o SOURCE --mountpoint "$mnt" | head -n 1)"
fi
echo "fstab=$(awk -v m="$mnt" '$1 !~ /^#/ && $2 == m { $1 = $1; print; exit }' /etc/fstab)"
[ -e "$mnt" ] && echo "owner=$(stat -c '%U:%G:%a' "$mnt")"
exit 0
