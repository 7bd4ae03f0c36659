#!/usr/bin/env bash
# The demo scenario of docker-compose.yml (the `scenario` service, image postgres:15 for psql and
# pg_dump). It runs DDL on the primary -- one statement of which fails -- and then waits until
# both standbys have the primary's schema, which the producer and the appliers must bring about.
#
# Exit 0 and print `converged` when every standby's `pg_dump --schema-only company` equals the
# primary's and the checks below hold; exit 1 with the reason otherwise.
#
# Settings (environment, all optional):
#   DEMO_PRIMARY_HOST              primary host                      (primary)
#   DEMO_STANDBY_HOSTS             standby hosts, space separated    (standby1 standby2)
#   DEMO_PRODUCER_WARMUP_SECONDS   pause before the first DDL        (15)
#   DEMO_CONVERGE_TIMEOUT_SECONDS  how long to wait for the standbys (120)
#   DEMO_SHARED_CSV                the shared CSV, for its row count (/shared/employee.csv)
set -euo pipefail

primary=${DEMO_PRIMARY_HOST:-primary}
read -r -a standbys <<<"${DEMO_STANDBY_HOSTS:-standby1 standby2}"
warmup=${DEMO_PRODUCER_WARMUP_SECONDS:-15}
timeout=${DEMO_CONVERGE_TIMEOUT_SECONDS:-120}
shared_csv=${DEMO_SHARED_CSV:-/shared/employee.csv}

export PGUSER=${PGUSER:-postgres}
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}

work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT

log() { printf '[scenario] %s\n' "$*"; }
die() {
	printf '[scenario] FAILED: %s\n' "$*" >&2
	exit 1
}

# query HOST DB SQL: prints the result unaligned, without headers.
query() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$1" -d "$2" -c "$3"; }

wait_ready() {
	local host=$1 deadline=$((SECONDS + 120))
	until pg_isready -q -h "$host" -d postgres; do
		((SECONDS < deadline)) || die "$host did not accept connections within 120 s"
		sleep 1
	done
	log "$host accepts connections"
}

# dump_file HOST: where the schema dump of HOST is kept.
dump_file() { printf '%s/%s.sql' "$work_dir" "${1//[^A-Za-z0-9_.-]/_}"; }

# schema HOST: the schema of database company, without the lines that differ between any two
# dumps (server/pg_dump versions, the random \restrict key of recent minor releases).
schema() {
	pg_dump --schema-only -h "$1" -d company 2>/dev/null |
		grep -v -e '^-- Dumped' -e '^\\restrict' -e '^\\unrestrict'
}

run_ddl() {
	log "running the DDL on $primary"
	psql -X --echo-queries -v ON_ERROR_STOP=1 -h "$primary" -d postgres \
		-c 'CREATE DATABASE company;'
	# Separate -c options: each statement is sent, and logged, on its own.
	psql -X --echo-queries -v ON_ERROR_STOP=1 -h "$primary" -d company \
		-c 'CREATE EXTENSION file_fdw;' \
		-c 'CREATE SERVER shared_storage FOREIGN DATA WRAPPER file_fdw;' \
		-c "CREATE FOREIGN TABLE employee (empno INT, ename VARCHAR(128), age INT) SERVER shared_storage OPTIONS (filename '/shared/employee.csv', format 'csv', header 'true');"
	log "running a DDL that must fail (and so must never reach a standby)"
	if psql -X --echo-queries -v ON_ERROR_STOP=1 -h "$primary" -d company \
		-c 'CREATE FOREIGN TABLE employee_bad (empno INT) SERVER no_such_server;'; then
		die "CREATE FOREIGN TABLE employee_bad succeeded on $primary; it was meant to fail"
	fi
	log "it failed, as expected"
}

wait_converged() {
	local deadline=$((SECONDS + timeout)) host
	local -a pending
	log "waiting up to ${timeout} s for ${standbys[*]} to have the schema of $primary"
	while :; do
		pending=()
		if schema "$primary" >"$(dump_file "$primary")"; then
			for host in "${standbys[@]}"; do
				if ! schema "$host" >"$(dump_file "$host")" ||
					! cmp -s "$(dump_file "$primary")" "$(dump_file "$host")"; then
					pending+=("$host")
				fi
			done
		else
			pending=("$primary")
		fi
		((${#pending[@]} == 0)) && return 0
		if ((SECONDS >= deadline)); then
			for host in "${pending[@]}"; do
				[ "$host" = "$primary" ] && die "cannot dump database company on $primary"
				log "schema difference $primary -> $host (first 40 lines):"
				diff -u "$(dump_file "$primary")" "$(dump_file "$host")" | head -n 40 || true
			done
			die "not converged after ${timeout} s: ${pending[*]} still differ from $primary"
		fi
		sleep 2
	done
}

report() {
	local host company columns bad count expected_count primary_columns=''
	local -a failures=()
	if [ -r "$shared_csv" ]; then
		expected_count=$(tail -n +2 "$shared_csv" | grep -c .)
	else
		expected_count=$(query "$primary" company 'SELECT count(*) FROM employee')
	fi
	printf '\n%-10s  %-14s  %-14s  %-15s  %s\n' \
		instance 'company exists' 'employee_bad' 'count(employee)' 'employee columns'
	for host in "$primary" "${standbys[@]}"; do
		company=$(query "$host" postgres \
			"SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_database WHERE datname = 'company') THEN 'yes' ELSE 'no' END") ||
			company=error
		columns=$(query "$host" company \
			"SELECT string_agg(column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', ''), ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'employee'") ||
			columns=error
		bad=$(query "$host" company \
			"SELECT CASE WHEN to_regclass('public.employee_bad') IS NULL THEN 'no' ELSE 'yes' END") ||
			bad=error
		count=$(query "$host" company 'SELECT count(*) FROM employee' 2>&1 | head -n 1) ||
			count="error: $count"
		printf '%-10s  %-14s  %-14s  %-15s  %s\n' "$host" "$company" "$bad" "$count" "$columns"

		[ "$company" = yes ] || failures+=("$host: database company missing")
		[ "$bad" = no ] || failures+=("$host: employee_bad exists")
		[ "$count" = "$expected_count" ] || failures+=("$host: count(employee) is '$count', expected $expected_count")
		if [ -z "$primary_columns" ]; then
			primary_columns=$columns
		elif [ "$columns" != "$primary_columns" ]; then
			failures+=("$host: employee columns differ from $primary")
		fi
	done
	echo
	if ((${#failures[@]} > 0)); then
		printf '[scenario] %s\n' "${failures[@]}" >&2
		die "the schemas match but the checks above failed"
	fi
}

wait_ready "$primary"
for host in "${standbys[@]}"; do
	wait_ready "$host"
done

if [ "$(query "$primary" postgres "SELECT count(*) FROM pg_database WHERE datname = 'company'")" != 0 ]; then
	log "database company already exists on $primary: not a fresh stack, so the DDL is not run again"
	log "(for a fresh demo: docker compose down -v)"
else
	log "giving the producer ${warmup} s to start following the log"
	sleep "$warmup"
	run_ddl
fi

wait_converged
report
echo converged
