# Reads, changing nothing, the installed PostgreSQL versions, the clusters
# (pg_lsclusters) and the digest of each cluster's tenant-dataplane.conf.
# Prints "version=<v>", "cluster=<v> <name> <port> <status> <data dir>" and
# "conf=<v> <sha1>" lines.
for v in $(ls /usr/lib/postgresql 2>/dev/null); do echo "version=$v"; done
command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | awk '{ print "cluster=" $1 " " $2 " " $3 " " $4 " " $6 }'
for f in /etc/postgresql/*/main/conf.d/tenant-dataplane.conf; do
  [ -f "$f" ] && echo "conf=$(echo "$f" | cut -d/ -f4) $(sha1sum "$f" | cut -d' ' -f1)"
done
exit 0
