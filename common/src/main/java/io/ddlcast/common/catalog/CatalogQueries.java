package io.ddlcast.common.catalog;

import java.util.List;

/**
 * The catalog queries of a listing: one set-based query per kind of object, never one per object, so that a
 * database of 10,000 objects lists in about a second. Every per-database query returns the same columns: kind,
 * the object's address (catalog, oid, sub-id) from which the outer query takes {@code pg_identify_object}'s
 * identity and {@code pg_description}'s comment, the owner's oid, the definition, the privileges and whether the
 * definition holds option values that must pass {@code Secrets.mask}.
 *
 * <p>The queries run with {@code search_path = pg_catalog, pg_temp} (so that every deparsed name outside
 * {@code pg_catalog} comes out schema-qualified, the same on every server, and no temporary table shadows a
 * catalog), {@code TimeZone = UTC} and ISO dates (so that a {@code timestamptz} default reads the same).
 *
 * <p>Left out: the system schemas ({@code pg_*}, {@code information_schema}), ddlcast's schema {@code ddlcast}
 * (the helper's functions, the applier's marker table {@code ddlcast.applied} and role functions) and what is in
 * it, event triggers whose function is there (the helper's {@code ddlcast_*}), members of an extension
 * ({@code pg_depend.deptype = 'e'}) and what hangs on them, array types made with their element type, row types
 * of tables, indexes that implement a constraint (the constraint stands for them), internal triggers, view rules.
 */
final class CatalogQueries {
  /** The schemas whose objects are listed. */
  private static final String USER_NS = "(SELECT oid FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
      + "AND nspname NOT IN ('information_schema', 'ddlcast'))";

  private static final String OUTER = "SELECT q.kind, i.identity, pg_get_userbyid(q.owner), q.def, q.acl, "
      + "d.description, q.masked FROM (%s) q(kind, classid, objid, objsubid, owner, def, acl, masked) "
      + "CROSS JOIN LATERAL pg_identify_object(q.classid, q.objid, q.objsubid) i "
      + "LEFT JOIN pg_description d ON d.classoid = q.classid AND d.objoid = q.objid AND d.objsubid = q.objsubid";

  private static final String SCHEMAS = "SELECT 'schema', 'pg_namespace'::regclass, n.oid, 0, n.nspowner, "
      + "NULL::text, " + acl("n.nspacl", 'n', "n.nspowner") + ", false FROM pg_namespace n "
      + "WHERE n.oid IN " + USER_NS + " AND " + notMember("pg_namespace", "n.oid");

  private static final String RELATIONS = "SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' WHEN 'v' THEN 'view' "
      + "WHEN 'm' THEN 'materialized view' ELSE 'table' END, 'pg_class'::regclass, c.oid, 0, c.relowner, "
      + "concat_ws(' ', "
      + "CASE WHEN c.relkind = 'p' THEN 'partitioned by ' || pg_get_partkeydef(c.oid) END, "
      + "CASE WHEN c.relispartition THEN 'partition of ' || (SELECT string_agg(h.inhparent::regclass::text, ', ') "
      + "FROM pg_inherits h WHERE h.inhrelid = c.oid) || ' ' || pg_get_expr(c.relpartbound, c.oid) "
      + "ELSE 'inherits ' || (SELECT string_agg(h.inhparent::regclass::text, ', ' ORDER BY h.inhseqno) "
      + "FROM pg_inherits h WHERE h.inhrelid = c.oid) END, "
      + "CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END, "
      + "CASE WHEN c.relkind IN ('v', 'm') THEN 'as ' || pg_get_viewdef(c.oid) END, "
      + "'using ' || (SELECT a.amname FROM pg_am a WHERE a.oid = c.relam AND c.relkind IN ('r', 'm')), "
      + "'with (' || array_to_string(c.reloptions, ', ') || ')', "
      + "'tablespace ' || (SELECT quote_ident(t.spcname) FROM pg_tablespace t WHERE t.oid = c.reltablespace), "
      + "CASE WHEN c.relrowsecurity THEN 'row level security' END, "
      + "CASE WHEN c.relforcerowsecurity THEN 'force row level security' END, "
      + "CASE c.relreplident WHEN 'f' THEN 'replica identity full' WHEN 'n' THEN 'replica identity nothing' END, "
      + "(SELECT 'server ' || quote_ident(s.srvname) || coalesce(' options (' || " + options("f.ftoptions")
      + " || ')', '') FROM pg_foreign_table f JOIN pg_foreign_server s ON s.oid = f.ftserver "
      + "WHERE f.ftrelid = c.oid)), "
      + acl("c.relacl", 'r', "c.relowner") + ", c.relkind = 'f' FROM pg_class c "
      + "WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND " + userRelation("c");

  private static final String SEQUENCES = "SELECT 'sequence', 'pg_class'::regclass, c.oid, 0, c.relowner, "
      + "concat_ws(' ', 'as ' || format_type(s.seqtypid, NULL), 'start ' || s.seqstart, "
      + "'increment ' || s.seqincrement, 'minvalue ' || s.seqmin, 'maxvalue ' || s.seqmax, 'cache ' || s.seqcache, "
      + "CASE WHEN s.seqcycle THEN 'cycle' END, CASE WHEN c.relpersistence = 'u' THEN 'unlogged' END, "
      + "(SELECT 'owned by ' || d.refobjid::regclass::text || '.' || quote_ident(a.attname) "
      + "|| CASE WHEN d.deptype = 'i' THEN ' (identity)' ELSE '' END FROM pg_depend d JOIN pg_attribute a "
      + "ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass "
      + "AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
      + "AND d.refobjsubid > 0 LIMIT 1)), "
      + acl("c.relacl", 's', "c.relowner") + ", false FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid "
      + "WHERE c.relkind = 'S' AND " + userRelation("c");

  private static final String COLUMNS = "SELECT 'column', 'pg_class'::regclass, c.oid, a.attnum, NULL::oid, "
      + "concat_ws(' ', format_type(a.atttypid, a.atttypmod), "
      + "CASE WHEN a.attcollation <> t.typcollation THEN 'collate ' || a.attcollation::regcollation::text END, "
      + "CASE WHEN a.attnotnull THEN 'not null' END, "
      + "CASE WHEN a.attgenerated = 's' THEN 'generated always as (' || pg_get_expr(ad.adbin, ad.adrelid) "
      + "|| ') stored' ELSE 'default ' || pg_get_expr(ad.adbin, ad.adrelid) END, "
      + "CASE a.attidentity WHEN 'a' THEN 'generated always as identity' "
      + "WHEN 'd' THEN 'generated by default as identity' END, "
      + "CASE WHEN a.attstorage <> t.typstorage THEN 'storage ' || a.attstorage::text END, "
      + "CASE WHEN a.attcompression::text <> '' THEN 'compression ' || a.attcompression::text END, "
      + "CASE WHEN a.attstattarget >= 0 THEN 'statistics ' || a.attstattarget END, "
      + "'with (' || array_to_string(a.attoptions, ', ') || ')', "
      + "'options (' || " + options("a.attfdwoptions") + " || ')', "
      + "CASE WHEN NOT a.attislocal THEN 'inherited' END), "
      + acl("a.attacl", 'c', "c.relowner") + ", c.relkind = 'f' "
      + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
      + "LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
      + "WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped AND " + userRelation("c");

  private static final String CONSTRAINTS = "SELECT 'constraint', 'pg_constraint'::regclass, k.oid, 0, "
      + "NULL::oid, pg_get_constraintdef(k.oid) || CASE WHEN k.conislocal THEN '' ELSE ' inherited' END, "
      + "NULL, false FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE " + userRelation("c");

  private static final String INDEXES = "SELECT 'index', 'pg_class'::regclass, x.indexrelid, 0, NULL::oid, "
      + "concat_ws(' ', pg_get_indexdef(x.indexrelid), CASE WHEN NOT x.indisvalid THEN 'invalid' END, "
      + "CASE WHEN x.indisclustered THEN 'clustered' END, CASE WHEN x.indisreplident THEN 'replica identity' END, "
      + "'tablespace ' || (SELECT quote_ident(t.spcname) FROM pg_tablespace t WHERE t.oid = ic.reltablespace)), "
      + "NULL, false FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
      + "WHERE c.relkind IN ('r', 'p', 'm') AND " + userRelation("c") + " AND NOT EXISTS (SELECT FROM pg_constraint k "
      + "WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))";

  private static final String AGGREGATE = "(SELECT concat_ws(' ', 'args ' || pg_get_function_arguments(p.oid), "
      + "'kind ' || g.aggkind::text, 'sfunc ' || g.aggtransfn::oid::regprocedure, "
      + "'stype ' || format_type(g.aggtranstype, NULL), 'sspace ' || nullif(g.aggtransspace, 0), "
      + "'finalfunc ' || nullif(g.aggfinalfn::oid, 0)::regprocedure, "
      + "CASE WHEN g.aggfinalextra THEN 'finalfunc_extra' END, 'finalfunc_modify ' || g.aggfinalmodify::text, "
      + "'combinefunc ' || nullif(g.aggcombinefn::oid, 0)::regprocedure, "
      + "'serialfunc ' || nullif(g.aggserialfn::oid, 0)::regprocedure, "
      + "'deserialfunc ' || nullif(g.aggdeserialfn::oid, 0)::regprocedure, "
      + "'msfunc ' || nullif(g.aggmtransfn::oid, 0)::regprocedure, "
      + "'minvfunc ' || nullif(g.aggminvtransfn::oid, 0)::regprocedure, "
      + "'mstype ' || format_type(nullif(g.aggmtranstype, 0), NULL), "
      + "'mfinalfunc ' || nullif(g.aggmfinalfn::oid, 0)::regprocedure, "
      + "'initcond ' || quote_literal(g.agginitval), 'minitcond ' || quote_literal(g.aggminitval), "
      + "'sortop ' || nullif(g.aggsortop, 0)::regoperator, 'parallel ' || p.proparallel::text) "
      + "FROM pg_aggregate g WHERE g.aggfnoid = p.oid)";

  private static final String FUNCTIONS = "SELECT CASE p.prokind WHEN 'p' THEN 'procedure' "
      + "WHEN 'a' THEN 'aggregate' ELSE 'function' END, 'pg_proc'::regclass, p.oid, 0, p.proowner, "
      + "CASE WHEN p.prokind = 'a' THEN " + AGGREGATE + " ELSE pg_get_functiondef(p.oid) END, "
      + acl("p.proacl", 'f', "p.proowner") + ", false FROM pg_proc p "
      + "WHERE p.pronamespace IN " + USER_NS + " AND " + notMember("pg_proc", "p.oid");

  private static final String COMPOSITE = "'composite (' || coalesce((SELECT string_agg(quote_ident(a.attname) "
      + "|| ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> at.typcollation "
      + "THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END, ', ' ORDER BY a.attnum) "
      + "FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid WHERE a.attrelid = t.typrelid "
      + "AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'";

  private static final String DOMAIN = "concat_ws(' ', 'over ' || format_type(t.typbasetype, t.typtypmod), "
      + "CASE WHEN t.typcollation <> b.typcollation THEN 'collate ' || t.typcollation::regcollation::text END, "
      + "CASE WHEN t.typnotnull THEN 'not null' END, 'default ' || t.typdefault, "
      + "(SELECT string_agg('constraint ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), ' ' "
      + "ORDER BY k.conname COLLATE \"C\") FROM pg_constraint k WHERE k.contypid = t.oid))";

  private static final String RANGE = "(SELECT concat_ws(' ', 'range of ' || format_type(r.rngsubtype, NULL), "
      + "'opclass ' || (SELECT quote_ident(n.nspname) || '.' || quote_ident(o.opcname) FROM pg_opclass o "
      + "JOIN pg_namespace n ON n.oid = o.opcnamespace WHERE o.oid = r.rngsubopc), "
      + "'collate ' || nullif(r.rngcollation, 0)::regcollation::text, "
      + "'canonical ' || nullif(r.rngcanonical::oid, 0)::regprocedure, "
      + "'subdiff ' || nullif(r.rngsubdiff::oid, 0)::regprocedure, 'multirange ' || r.rngmultitypid::regtype) "
      + "FROM pg_range r WHERE r.rngtypid = t.oid)";

  private static final String BASE = "concat_ws(' ', 'input ' || t.typinput::oid::regprocedure, "
      + "'output ' || t.typoutput::oid::regprocedure, 'receive ' || nullif(t.typreceive::oid, 0)::regprocedure, "
      + "'send ' || nullif(t.typsend::oid, 0)::regprocedure, 'length ' || t.typlen, 'align ' || t.typalign::text, "
      + "'storage ' || t.typstorage::text, 'category ' || t.typcategory::text, "
      + "CASE WHEN t.typbyval THEN 'passedbyvalue' END)";

  private static final String TYPES = "SELECT CASE WHEN t.typtype = 'd' THEN 'domain' ELSE 'type' END, "
      + "'pg_type'::regclass, t.oid, 0, t.typowner, CASE t.typtype "
      + "WHEN 'e' THEN 'enum (' || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' "
      + "ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')' "
      + "WHEN 'c' THEN " + COMPOSITE + " WHEN 'd' THEN " + DOMAIN + " WHEN 'r' THEN " + RANGE
      + " ELSE " + BASE + " END, " + acl("t.typacl", 'T', "t.typowner") + ", false "
      + "FROM pg_type t LEFT JOIN pg_type b ON b.oid = t.typbasetype "
      + "WHERE t.typnamespace IN " + USER_NS + " AND " + notMember("pg_type", "t.oid")
      + " AND t.typtype IN ('b', 'c', 'd', 'e', 'r') AND (t.typrelid = 0 OR EXISTS (SELECT FROM pg_class c "
      + "WHERE c.oid = t.typrelid AND c.relkind = 'c')) AND NOT EXISTS (SELECT FROM pg_type e "
      + "WHERE e.typarray = t.oid)";

  private static final String TRIGGERS = "SELECT 'trigger', 'pg_trigger'::regclass, g.oid, 0, NULL::oid, "
      + "pg_get_triggerdef(g.oid) || CASE g.tgenabled WHEN 'D' THEN ' disabled' WHEN 'R' THEN ' enabled replica' "
      + "WHEN 'A' THEN ' enabled always' ELSE '' END, NULL, false FROM pg_trigger g JOIN pg_class c "
      + "ON c.oid = g.tgrelid WHERE NOT g.tgisinternal AND " + userRelation("c");

  private static final String RULES = "SELECT 'rule', 'pg_rewrite'::regclass, r.oid, 0, NULL::oid, "
      + "pg_get_ruledef(r.oid) || CASE r.ev_enabled WHEN 'D' THEN ' disabled' WHEN 'R' THEN ' enabled replica' "
      + "WHEN 'A' THEN ' enabled always' ELSE '' END, NULL, false FROM pg_rewrite r JOIN pg_class c "
      + "ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN' AND " + userRelation("c");

  private static final String POLICIES = "SELECT 'policy', 'pg_policy'::regclass, y.oid, 0, NULL::oid, "
      + "concat_ws(' ', CASE WHEN y.polpermissive THEN 'permissive' ELSE 'restrictive' END, "
      + "'for ' || CASE y.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update' "
      + "WHEN 'd' THEN 'delete' ELSE 'all' END, "
      + "'to ' || (SELECT string_agg(n, ', ' ORDER BY n COLLATE \"C\") FROM (SELECT CASE WHEN r = 0 "
      + "THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END n FROM unnest(y.polroles) r) s), "
      + "'using (' || pg_get_expr(y.polqual, y.polrelid) || ')', "
      + "'with check (' || pg_get_expr(y.polwithcheck, y.polrelid) || ')'), NULL, false "
      + "FROM pg_policy y JOIN pg_class c ON c.oid = y.polrelid WHERE " + userRelation("c");

  private static final String EVENT_TRIGGERS = "SELECT 'event trigger', 'pg_event_trigger'::regclass, v.oid, 0, "
      + "v.evtowner, concat_ws(' ', 'on ' || v.evtevent, 'when tag in (' || array_to_string(v.evttags, ', ') "
      + "|| ')', 'execute ' || v.evtfoid::regprocedure, CASE v.evtenabled WHEN 'D' THEN 'disabled' "
      + "WHEN 'R' THEN 'enabled replica' WHEN 'A' THEN 'enabled always' END), NULL, false "
      + "FROM pg_event_trigger v JOIN pg_proc p ON p.oid = v.evtfoid WHERE p.pronamespace IN " + USER_NS
      + " AND " + notMember("pg_event_trigger", "v.oid");

  private static final String EXTENSIONS = "SELECT 'extension', 'pg_extension'::regclass, x.oid, 0, x.extowner, "
      + "concat_ws(' ', 'version ' || quote_literal(x.extversion), 'schema ' || quote_ident(n.nspname)), NULL, "
      + "false FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace";

  private static final String WRAPPERS = "SELECT 'foreign-data wrapper', 'pg_foreign_data_wrapper'::regclass, "
      + "w.oid, 0, w.fdwowner, concat_ws(' ', 'handler ' || nullif(w.fdwhandler, 0)::regprocedure, "
      + "'validator ' || nullif(w.fdwvalidator, 0)::regprocedure, 'options (' || " + options("w.fdwoptions")
      + " || ')'), " + acl("w.fdwacl", 'F', "w.fdwowner") + ", true FROM pg_foreign_data_wrapper w WHERE "
      + notMember("pg_foreign_data_wrapper", "w.oid");

  private static final String SERVERS = "SELECT 'server', 'pg_foreign_server'::regclass, s.oid, 0, s.srvowner, "
      + "concat_ws(' ', 'type ' || quote_literal(s.srvtype), 'version ' || quote_literal(s.srvversion), "
      + "'foreign data wrapper ' || quote_ident(w.fdwname), 'options (' || " + options("s.srvoptions") + " || ')'), "
      + acl("s.srvacl", 'S', "s.srvowner") + ", true FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w "
      + "ON w.oid = s.srvfdw WHERE " + notMember("pg_foreign_server", "s.oid");

  private static final String USER_MAPPINGS = "SELECT 'user mapping', 'pg_user_mapping'::regclass, m.umid, 0, "
      + "NULL::oid, 'options (' || " + options("m.umoptions") + " || ')', NULL, true FROM pg_user_mappings m";

  private static final String PUBLICATION_TABLES = "(SELECT string_agg(e, ', ' ORDER BY e COLLATE \"C\") FROM "
      + "(SELECT r.prrelid::regclass::text || coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' "
      + "ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = r.prrelid AND a.attnum = ANY (r.prattrs)) "
      + "|| ')', '') || coalesce(' where (' || pg_get_expr(r.prqual, r.prrelid) || ')', '') e "
      + "FROM pg_publication_rel r WHERE r.prpubid = b.oid) s)";

  private static final String PUBLICATIONS = "SELECT 'publication', 'pg_publication'::regclass, b.oid, 0, "
      + "b.pubowner, concat_ws(' ', CASE WHEN b.puballtables THEN 'for all tables' END, "
      + "'tables (' || " + PUBLICATION_TABLES + " || ')', "
      + "'schemas (' || (SELECT string_agg(quote_ident(n.nspname), ', ' ORDER BY n.nspname COLLATE \"C\") "
      + "FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE pn.pnpubid = b.oid) "
      + "|| ')', 'publish (' || concat_ws(', ', CASE WHEN b.pubinsert THEN 'insert' END, "
      + "CASE WHEN b.pubupdate THEN 'update' END, CASE WHEN b.pubdelete THEN 'delete' END, "
      + "CASE WHEN b.pubtruncate THEN 'truncate' END) || ')', CASE WHEN b.pubviaroot THEN 'via root' END), "
      + "NULL, false FROM pg_publication b";

  private static final String COLLATIONS = "SELECT 'collation', 'pg_collation'::regclass, o.oid, 0, o.collowner, "
      + "concat_ws(' ', 'provider ' || o.collprovider::text, 'locale ' || quote_literal(o.colliculocale), "
      + "'lc_collate ' || quote_literal(o.collcollate), 'lc_ctype ' || quote_literal(o.collctype), "
      + "CASE WHEN NOT o.collisdeterministic THEN 'nondeterministic' END), NULL, false FROM pg_collation o "
      + "WHERE o.collnamespace IN " + USER_NS + " AND " + notMember("pg_collation", "o.oid");

  private static final String CASTS = "SELECT 'cast', 'pg_cast'::regclass, k.oid, 0, NULL::oid, "
      + "concat_ws(' ', CASE k.castmethod WHEN 'f' THEN 'with function ' || k.castfunc::regprocedure "
      + "WHEN 'i' THEN 'with inout' ELSE 'without function' END, CASE k.castcontext WHEN 'a' THEN 'as assignment' "
      + "WHEN 'i' THEN 'as implicit' END), NULL, false FROM pg_cast k WHERE k.oid >= 16384 AND "
      + notMember("pg_cast", "k.oid");

  private static final String OPERATORS = "SELECT 'operator', 'pg_operator'::regclass, o.oid, 0, o.oprowner, "
      + "concat_ws(' ', 'function ' || o.oprcode::oid::regprocedure, "
      + "'commutator ' || nullif(o.oprcom, 0)::regoperator, 'negator ' || nullif(o.oprnegate, 0)::regoperator, "
      + "'restrict ' || nullif(o.oprrest::oid, 0)::regprocedure, 'join ' || nullif(o.oprjoin::oid, 0)::regprocedure, "
      + "CASE WHEN o.oprcanhash THEN 'hashes' END, CASE WHEN o.oprcanmerge THEN 'merges' END), NULL, false "
      + "FROM pg_operator o WHERE o.oprnamespace IN " + USER_NS + " AND " + notMember("pg_operator", "o.oid");

  private static final String STATISTICS = "SELECT 'statistics object', 'pg_statistic_ext'::regclass, s.oid, 0, "
      + "s.stxowner, pg_get_statisticsobjdef(s.oid) || CASE WHEN s.stxstattarget >= 0 "
      + "THEN ' statistics ' || s.stxstattarget ELSE '' END, NULL, false FROM pg_statistic_ext s "
      + "WHERE s.stxnamespace IN " + USER_NS + " AND " + notMember("pg_statistic_ext", "s.oid");

  /** One query per kind, each returning kind, identity, owner, definition, privileges, comment, masked. */
  private static final List<String> DATABASE = List.of(SCHEMAS, RELATIONS, SEQUENCES, COLUMNS, CONSTRAINTS,
      INDEXES, FUNCTIONS, TYPES, TRIGGERS, RULES, POLICIES, EVENT_TRIGGERS, EXTENSIONS, WRAPPERS, SERVERS,
      USER_MAPPINGS, PUBLICATIONS, COLLATIONS, CASTS, OPERATORS, STATISTICS).stream()
      .map(q -> String.format(OUTER, q)).toList();

  private static final String SHARED_COMMENT = "(SELECT sd.description FROM pg_shdescription sd "
      + "WHERE sd.classoid = '%s'::regclass AND sd.objoid = %s)";

  /** A setting of pg_db_role_setting ({@code name=value}) as {@code set name 'value'}, for Secrets.mask. */
  private static final String SETTING = "'set ' || split_part(g, '=', 1) || ' ' "
      + "|| quote_literal(substr(g, strpos(g, '=') + 1))";

  private static final String ROLES = "SELECT 'role', quote_ident(r.rolname), NULL, concat_ws(' ', "
      + "CASE WHEN r.rolsuper THEN 'superuser' END, CASE WHEN NOT r.rolinherit THEN 'noinherit' END, "
      + "CASE WHEN r.rolcreaterole THEN 'createrole' END, CASE WHEN r.rolcreatedb THEN 'createdb' END, "
      + "CASE WHEN r.rolcanlogin THEN 'login' END, CASE WHEN r.rolreplication THEN 'replication' END, "
      + "CASE WHEN r.rolbypassrls THEN 'bypassrls' END, "
      + "CASE WHEN r.rolconnlimit >= 0 THEN 'connection limit ' || r.rolconnlimit END, "
      + "'valid until ' || quote_literal(r.rolvaliduntil::text), "
      + "(SELECT string_agg(" + SETTING + ", ' ' ORDER BY g COLLATE \"C\") FROM pg_db_role_setting s, "
      + "unnest(s.setconfig) g WHERE s.setrole = r.oid AND s.setdatabase = 0)), NULL, "
      + String.format(SHARED_COMMENT, "pg_authid", "r.oid") + ", true FROM pg_roles r WHERE r.rolname !~ '^pg_'";

  /** Grouped: from PostgreSQL 16 on, a membership may be granted once per grantor. */
  private static final String MEMBERSHIPS = "SELECT 'role membership', quote_ident(u.rolname) || ' in ' "
      + "|| quote_ident(r.rolname), NULL, CASE WHEN bool_or(m.admin_option) THEN 'with admin option' END, NULL, "
      + "NULL, false FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u "
      + "ON u.oid = m.member WHERE u.rolname !~ '^pg_' GROUP BY u.rolname, r.rolname";

  private static final String DATABASES = "SELECT 'database', quote_ident(d.datname), pg_get_userbyid(d.datdba), "
      + "concat_ws(' ', 'encoding ' || pg_encoding_to_char(d.encoding), 'locale provider ' || d.datlocprovider::text, "
      + "'lc_collate ' || quote_literal(d.datcollate), 'lc_ctype ' || quote_literal(d.datctype), "
      + "'icu locale ' || quote_literal(d.daticulocale), CASE WHEN d.datistemplate THEN 'template' END, "
      + "CASE WHEN NOT d.datallowconn THEN 'no connections' END, "
      + "CASE WHEN d.datconnlimit >= 0 THEN 'connection limit ' || d.datconnlimit END, "
      + "'tablespace ' || quote_ident(t.spcname), (SELECT string_agg(e, ' ' ORDER BY e COLLATE \"C\") FROM "
      + "(SELECT CASE WHEN s.setrole = 0 THEN '' ELSE 'for role ' || quote_ident(pg_get_userbyid(s.setrole)) || ' ' "
      + "END || " + SETTING + " e FROM pg_db_role_setting s, unnest(s.setconfig) g WHERE s.setdatabase = d.oid) x)), "
      + acl("d.datacl", 'd', "d.datdba") + ", " + String.format(SHARED_COMMENT, "pg_database", "d.oid")
      + ", true FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace";

  private static final String TABLESPACES = "SELECT 'tablespace', quote_ident(t.spcname), "
      + "pg_get_userbyid(t.spcowner), 'with (' || array_to_string(t.spcoptions, ', ') || ')', "
      + acl("t.spcacl", 't', "t.spcowner") + ", " + String.format(SHARED_COMMENT, "pg_tablespace", "t.oid")
      + ", false FROM pg_tablespace t WHERE t.spcname !~ '^pg_'";

  /** Cluster-wide objects; role password columns are never read (pg_roles shows them as ********). */
  private static final List<String> GLOBALS = List.of(ROLES, MEMBERSHIPS, DATABASES, TABLESPACES);

  /** The oldest server the queries read: the ICU locale columns and publication schemas came with 15. */
  static final int MIN_SERVER_VERSION = 150000;

  /** Settings under which the listing reads the same on every server. */
  static final List<String> SESSION = List.of(
      "SET LOCAL search_path = pg_catalog, pg_temp",
      "SET LOCAL TimeZone = 'UTC'",
      "SET LOCAL DateStyle = 'ISO, YMD'",
      "SET LOCAL IntervalStyle = 'postgres'",
      "SET LOCAL extra_float_digits = 1",
      "SET LOCAL quote_all_identifiers = off",
      "SET LOCAL standard_conforming_strings = on");

  private CatalogQueries() {}

  /** The per-database queries for a server of {@code server_version_num} {@code version} (15 or later). */
  static List<String> database(int version) {
    return forVersion(DATABASE, version);
  }

  /** The cluster-wide queries for a server of {@code server_version_num} {@code version} (15 or later). */
  static List<String> globals(int version) {
    return forVersion(GLOBALS, version);
  }

  /** PostgreSQL 17 renamed the ICU locale columns of pg_database and pg_collation. */
  private static List<String> forVersion(List<String> queries, int version) {
    if (version < 170000) {
      return queries;
    }
    return queries.stream().map(q -> q.replace("d.daticulocale", "d.datlocale")
        .replace("o.colliculocale", "o.colllocale")).toList();
  }

  /** Privileges as the sorted aclitem texts, or NULL when they are the default for that kind and owner. */
  private static String acl(String column, char type, String owner) {
    String sorted = "array(SELECT a::text FROM unnest(" + column + ") a ORDER BY a::text COLLATE \"C\")";
    String defaults = "array(SELECT a::text FROM unnest(acldefault('" + type + "', " + owner
        + ")) a ORDER BY a::text COLLATE \"C\")";
    return "CASE WHEN " + column + " IS NULL OR " + sorted + " = " + defaults + " THEN NULL "
        + "ELSE array_to_string(" + sorted + ", ',') END";
  }

  /** Generic options as {@code name 'value', ...}, sorted by name, for Secrets.mask to read. */
  private static String options(String column) {
    return "(SELECT string_agg(quote_ident(o.option_name) || ' ' || quote_literal(o.option_value), ', ' "
        + "ORDER BY o.option_name COLLATE \"C\") FROM pg_options_to_table(" + column + ") o)";
  }

  private static String notMember(String catalog, String oid) {
    return "NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass AND e.objid = "
        + oid + " AND e.deptype = 'e')";
  }

  /** A relation in a listed schema that is not (part of) an extension's. */
  private static String userRelation(String alias) {
    return alias + ".relnamespace IN " + USER_NS + " AND " + notMember("pg_class", alias + ".oid");
  }
}
