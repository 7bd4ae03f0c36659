#!/usr/bin/env bash
# Entrypoint wrapper for the `primary` service (postgres:15).
#
# The csvlog directory /var/log/postgresql/ddlcast is the mount point of the named volume
# `primary-log`. The image has no such directory, so Docker creates the fresh volume owned by
# root with mode 0755, and the server -- which the stock entrypoint runs as `postgres` (uid 999)
# after dropping root -- could not write its log there. Worse, the stock entrypoint's temporary
# init server is started with the same `-c` options, so initdb would fail on the first start.
#
# The container starts as root, so this wrapper creates the directory, hands it to `postgres`
# (0755: the producer, another uid, mounts the volume read-only and needs to read only; the log
# files themselves are 0644 through log_file_mode) and then hands over to the stock entrypoint
# with the unchanged arguments.
set -euo pipefail

log_dir=/var/log/postgresql/ddlcast

if [ "$(id -u)" = 0 ]; then
	mkdir -p "$log_dir"
	chown postgres:postgres "$log_dir"
	chmod 0755 "$log_dir"
fi

exec docker-entrypoint.sh "$@"
