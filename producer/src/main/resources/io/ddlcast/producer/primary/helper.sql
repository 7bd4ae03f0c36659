-- ddlcast helper, installed in every database of the primary (and template1) by `ddlcast producer install`.
-- An event trigger that writes one LOG record per DDL command into the primary's csvlog, in the session and
-- transaction that ran it, with what the csvlog does not show: the role and search_path the command ran under,
-- its (sub)transaction ids, the objects it created, changed or dropped (temporary or not, or over a temporary object),
-- the session settings that change what DDL creates (those of io.ddlcast.common.event.SessionSetting whose value is
-- not the built-in one), and - in the record's CONTEXT column - the inner statement when the DDL ran inside a DO
-- block, a function or a procedure. Before a DROP it reports what exists here but never reached a standby (INVALID
-- indexes, objects over temporary ones); with GRANT and REVOKE, which report no object, the session's temporary
-- relations.
-- It never fails the DDL it reports on: any error inside is reported as a LOG record instead.
-- ddlcast's own objects (schema ddlcast, event triggers ddlcast_*) are never replicated.
-- Trust: the schema and the function belong to the superuser who installs them (install refuses a schema ddlcast that
-- another role owns, and checks again before it commits); the producer believes a helper record only when it was
-- raised by this function in a database where that holds. The function runs as the user whose DDL it reports, and it
-- must read that user's search_path, so it cannot pin its own: instead every name it uses is schema-qualified
-- (operators too), so that no search_path makes it run anything but the catalog's own functions.
CREATE SCHEMA IF NOT EXISTS ddlcast;
REVOKE ALL ON SCHEMA ddlcast FROM PUBLIC;
COMMENT ON SCHEMA ddlcast IS 'ddlcast helper (event trigger that logs DDL context); not replicated';

CREATE OR REPLACE FUNCTION ddlcast.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $ddlcast$
DECLARE
  objects pg_catalog.jsonb := '[]';
  extra pg_catalog.jsonb := '{}';
  names pg_catalog.jsonb;
  subxid pg_catalog.text;
  settings pg_catalog.jsonb;
  temp_schema pg_catalog.oid := pg_catalog.pg_my_temp_schema();
  dep_identity pg_catalog.text;
  dep_column pg_catalog.bool;
  r record;
BEGIN
  BEGIN
    IF TG_EVENT OPERATOR(pg_catalog.=) 'ddl_command_start' THEN
      -- Before a DROP: what exists here but on no standby, so that its DROP must not reach them. INVALID plain
      -- indexes (left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY; not one a build still runs on,
      -- whose session holds its table's SHARE UPDATE EXCLUSIVE lock), and permanent objects that depend on this
      -- session's temporary ones (a domain over a temporary table's row type).
      SELECT pg_catalog.jsonb_agg(o.identity) INTO names FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid,
        LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, i.indexrelid, 0) o
       WHERE TG_TAG OPERATOR(pg_catalog.=) 'DROP INDEX' AND NOT i.indisvalid AND c.relkind OPERATOR(pg_catalog.=) 'i'
         AND NOT EXISTS (SELECT FROM pg_catalog.pg_locks l WHERE l.locktype OPERATOR(pg_catalog.=) 'relation'
           AND l.relation OPERATOR(pg_catalog.=) i.indrelid AND l.mode OPERATOR(pg_catalog.=) 'ShareUpdateExclusiveLock'
           AND l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid());
      extra := pg_catalog.jsonb_build_object('invalid_indexes', COALESCE(names, '[]'));
      IF temp_schema OPERATOR(pg_catalog.<>) 0 THEN
        SELECT pg_catalog.jsonb_agg(DISTINCT o.identity) INTO names FROM pg_catalog.pg_depend d,
          LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, 0) o
         WHERE d.objsubid OPERATOR(pg_catalog.=) 0
           AND ((d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                 AND d.refobjid IN (SELECT c.oid FROM pg_catalog.pg_class c
                                     WHERE c.relnamespace OPERATOR(pg_catalog.=) temp_schema))
             OR (d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
                 AND d.refobjid IN (SELECT y.oid FROM pg_catalog.pg_type y
                                     WHERE y.typnamespace OPERATOR(pg_catalog.=) temp_schema))
             OR (d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                 AND d.refobjid IN (SELECT f.oid FROM pg_catalog.pg_proc f
                                     WHERE f.pronamespace OPERATOR(pg_catalog.=) temp_schema)))
           AND (o.schema IS NULL OR o.schema OPERATOR(pg_catalog.!~) '^pg_(toast_)?temp_[0-9]+$')
           AND pg_catalog.strpos(o.identity, 'pg_temp.') OPERATOR(pg_catalog.=) 0;
        extra := extra OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('on_temporary', COALESCE(names, '[]'));
      END IF;
    ELSIF TG_EVENT OPERATOR(pg_catalog.=) 'sql_drop' THEN
      FOR r IN SELECT * FROM pg_catalog.pg_event_trigger_dropped_objects() LOOP
        objects := objects OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('type', r.object_type,
          'schema', r.schema_name, 'identity', r.object_identity, 'temporary', r.is_temporary,
          'original', r.original);
      END LOOP;
    ELSE
      FOR r IN SELECT * FROM pg_catalog.pg_event_trigger_ddl_commands() LOOP
        dep_identity := NULL;
        dep_column := NULL;
        IF temp_schema OPERATOR(pg_catalog.<>) 0 THEN
          -- a permanent object over one of this session's temporary objects: PostgreSQL drops it (or, for a
          -- column, the column) with them when the session ends
          SELECT t.identity, d.objsubid OPERATOR(pg_catalog.<>) 0 INTO dep_identity, dep_column FROM pg_catalog.pg_depend d,
            LATERAL pg_catalog.pg_identify_object(d.refclassid, d.refobjid, 0) t
           WHERE d.classid OPERATOR(pg_catalog.=) r.classid AND d.objid OPERATOR(pg_catalog.=) r.objid
             AND t.schema OPERATOR(pg_catalog.~) '^pg_temp_[0-9]+$'
           ORDER BY d.objsubid LIMIT 1;
        END IF;
        objects := objects OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('type', r.object_type,
          'schema', r.schema_name, 'identity', r.object_identity, 'extension', r.in_extension,
          'on_temporary', dep_identity, 'column_on_temporary', dep_column);
      END LOOP;
      IF temp_schema OPERATOR(pg_catalog.<>) 0 AND TG_TAG OPERATOR(pg_catalog.=) ANY ('{GRANT,REVOKE}') THEN
        -- GRANT and REVOKE report no object: the names their relations resolve to among this session's
        SELECT pg_catalog.jsonb_agg(c.relname) INTO names FROM pg_catalog.pg_class c
         WHERE c.relnamespace OPERATOR(pg_catalog.=) temp_schema;
        extra := pg_catalog.jsonb_build_object('temporary_relations', COALESCE(names, '[]'));
      END IF;
    END IF;
    -- The newest transaction id this backend holds a lock on is the (sub)transaction running the command.
    SELECT l.transactionid::pg_catalog.text INTO subxid FROM pg_catalog.pg_locks l
     WHERE l.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid() AND l.locktype OPERATOR(pg_catalog.=) 'transactionid'
     ORDER BY pg_catalog.age(l.transactionid) LIMIT 1;
    SELECT pg_catalog.jsonb_object_agg(s.name, s.setting) INTO settings FROM pg_catalog.pg_settings s
     WHERE s.name OPERATOR(pg_catalog.=) ANY (ARRAY['check_function_bodies', 'default_table_access_method',
       'default_tablespace', 'TimeZone', 'DateStyle', 'IntervalStyle', 'xmloption', 'array_nulls',
       'transform_null_equals', 'lc_monetary']::pg_catalog.text[])
       AND s.setting OPERATOR(pg_catalog.<>) s.boot_val;
    RAISE LOG USING MESSAGE = 'ddlcast ' OPERATOR(pg_catalog.||) TG_EVENT OPERATOR(pg_catalog.||) ' '
      OPERATOR(pg_catalog.||) (pg_catalog.jsonb_build_object('v', 3, 'tag', TG_TAG, 'user', current_user,
        'session_user', session_user, 'search_path', pg_catalog.current_setting('search_path'),
        'standard_conforming_strings', pg_catalog.current_setting('standard_conforming_strings'),
        'settings', COALESCE(settings, '{}'::pg_catalog.jsonb),
        'xid', pg_catalog.pg_current_xact_id_if_assigned()::pg_catalog.text, 'subxid', subxid,
        'objects', objects) OPERATOR(pg_catalog.||) extra)::pg_catalog.text;
  EXCEPTION WHEN OTHERS THEN
    RAISE LOG USING MESSAGE = 'ddlcast error ' OPERATOR(pg_catalog.||) SQLSTATE OPERATOR(pg_catalog.||) ' '
      OPERATOR(pg_catalog.||) SQLERRM;
  END;
END
$ddlcast$;
COMMENT ON FUNCTION ddlcast.log_ddl() IS 'ddlcast helper version 3';
REVOKE ALL ON FUNCTION ddlcast.log_ddl() FROM PUBLIC;

DROP EVENT TRIGGER IF EXISTS ddlcast_ddl_command_end;
CREATE EVENT TRIGGER ddlcast_ddl_command_end ON ddl_command_end EXECUTE FUNCTION ddlcast.log_ddl();
DROP EVENT TRIGGER IF EXISTS ddlcast_sql_drop;
CREATE EVENT TRIGGER ddlcast_sql_drop ON sql_drop EXECUTE FUNCTION ddlcast.log_ddl();
DROP EVENT TRIGGER IF EXISTS ddlcast_ddl_command_start;
CREATE EVENT TRIGGER ddlcast_ddl_command_start ON ddl_command_start
  WHEN TAG IN ('DROP INDEX', 'DROP FUNCTION', 'DROP PROCEDURE', 'DROP ROUTINE', 'DROP AGGREGATE', 'DROP DOMAIN',
    'DROP TYPE', 'DROP TABLE', 'DROP VIEW', 'DROP MATERIALIZED VIEW', 'DROP SEQUENCE', 'DROP FOREIGN TABLE',
    'DROP OPERATOR', 'DROP CAST')
  EXECUTE FUNCTION ddlcast.log_ddl();
