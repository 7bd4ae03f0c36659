-- ddlcast helper, installed in every database of the primary (and template1) by `ddlcast producer install`.
-- An event trigger that writes one LOG record per DDL command into the primary's csvlog, in the session and
-- transaction that ran it, with what the csvlog does not show: the role and search_path the command ran under,
-- its (sub)transaction ids, the objects it created, changed or dropped (temporary or not), the session settings that
-- change what DDL creates (those of io.ddlcast.common.event.SessionSetting whose value is not the built-in one), and
-- - in the record's
-- CONTEXT column - the inner statement when the DDL ran inside a DO block, a function or a procedure.
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
  subxid pg_catalog.text;
  settings pg_catalog.jsonb;
  r record;
BEGIN
  BEGIN
    IF TG_EVENT OPERATOR(pg_catalog.=) 'sql_drop' THEN
      FOR r IN SELECT * FROM pg_catalog.pg_event_trigger_dropped_objects() LOOP
        objects := objects OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('type', r.object_type,
          'schema', r.schema_name, 'identity', r.object_identity, 'temporary', r.is_temporary,
          'original', r.original);
      END LOOP;
    ELSE
      FOR r IN SELECT * FROM pg_catalog.pg_event_trigger_ddl_commands() LOOP
        objects := objects OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('type', r.object_type,
          'schema', r.schema_name, 'identity', r.object_identity, 'extension', r.in_extension);
      END LOOP;
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
      OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('v', 3, 'tag', TG_TAG, 'user', current_user,
        'session_user', session_user, 'search_path', pg_catalog.current_setting('search_path'),
        'standard_conforming_strings', pg_catalog.current_setting('standard_conforming_strings'),
        'settings', COALESCE(settings, '{}'::pg_catalog.jsonb),
        'xid', pg_catalog.pg_current_xact_id_if_assigned()::pg_catalog.text, 'subxid', subxid,
        'objects', objects)::pg_catalog.text;
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
