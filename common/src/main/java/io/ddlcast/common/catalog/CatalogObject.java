package io.ddlcast.common.catalog;

import java.util.Objects;

/**
 * One object of a database or of the cluster, as a comparison sees it: its kind ({@code table}, {@code column},
 * {@code function}, {@code role}, ...), its identity as {@code pg_identify_object} spells it (identifiers quoted
 * where they need it: {@code public."My Table".c}, {@code f on public.t}, {@code public.f(integer)}), its owner's
 * role name, a canonical text of what it is (the catalog's own deparsers where PostgreSQL has one:
 * {@code pg_get_functiondef}, {@code pg_get_indexdef}, ...; option values named like secrets masked), its
 * privileges (the sorted {@code aclitem} texts, {@code null} when they are the default) and its comment.
 * {@code owner}, {@code definition}, {@code privileges} and {@code comment} may be {@code null}.
 */
public record CatalogObject(String kind, String identity, String owner, String definition, String privileges,
    String comment) {

  public CatalogObject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(identity, "identity");
  }

  /** Unique within one listing. */
  public String key() {
    return kind + " " + identity;
  }
}
