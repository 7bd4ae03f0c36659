package io.ddlcast.common.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ddlcast.common.status.StatusJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The drift alarm's record: one database's schema as {@link SchemaCatalog} lists it, reduced to a hash per object,
 * published by the producer at a quiet point of the stream (nothing of that database undecided or unpublished, and
 * nothing logged for it while the listing was taken) into the database's own place on the events topic (record key =
 * the database, header {@value #HEADER}). An applier that reaches it lists the same database on its standby and
 * compares: a difference there is drift (a change made by hand, a statement ddlcast cannot see, a skipped event),
 * never lag, because both sides are at the same point of the stream.
 *
 * <pre>{@code
 * {"database":"app","source":"7312...","generation":1,"at":"2026-12-02T02:30:00Z","digest":"9f2c...",
 *  "objects":{"table public.t":"5be1d3a0c4f2e911","column public.t.id":"0c1d..."}}
 * }</pre>
 *
 * <p>The fingerprint of the database the producer connects to ({@code --primary-url}'s, the maintenance database)
 * also holds the cluster's globals (roles, memberships, databases, tablespaces: {@code "globals":true}), so that a
 * role made where ddlcast cannot see it (inside a DO block) is drift there.
 *
 * <p>Per-object hashes (the first 16 hex digits of SHA-256 over the object's fields) let the applier name what
 * differs. A user mapping's options are left out of its hash: PostgreSQL shows them only to some roles, and the
 * producer's role is not a superuser.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaFingerprint(String database, String source, int generation, Instant at, boolean globals,
    String digest, Map<String, String> objects) {
  /** The header that marks a fingerprint record on the events topic. */
  public static final String HEADER = "ddlcast-fingerprint";

  public SchemaFingerprint {
    Objects.requireNonNull(database, "database");
    objects = Collections.unmodifiableSortedMap(objects == null ? new TreeMap<>() : new TreeMap<>(objects));
  }

  /** The fingerprint of a listing. */
  public static SchemaFingerprint of(String database, String source, int generation, Instant at,
      List<CatalogObject> listing) {
    return of(database, source, generation, at, listing, false);
  }

  /** With {@code globals}: the listing also holds the cluster's globals (the maintenance database's fingerprint). */
  public static SchemaFingerprint of(String database, String source, int generation, Instant at,
      List<CatalogObject> listing, boolean globals) {
    Map<String, String> objects = hashes(listing);
    return new SchemaFingerprint(database, source, generation, at, globals, digestOf(objects), objects);
  }

  /** Each object's hash, by key. */
  public static Map<String, String> hashes(List<CatalogObject> listing) {
    Map<String, String> out = new TreeMap<>();
    for (CatalogObject o : listing) {
      boolean hidden = o.kind().equals("user mapping");
      out.put(o.key(), hash(o.kind(), o.identity(), o.owner(), hidden ? null : o.definition(), o.privileges(),
          o.comment()));
    }
    return out;
  }

  private static String digestOf(Map<String, String> objects) {
    StringBuilder all = new StringBuilder();
    new TreeMap<>(objects).forEach((k, v) -> all.append(k).append('\u0000').append(v).append('\n'));
    return sha256(all.toString());
  }

  private static String hash(String... fields) {
    StringBuilder all = new StringBuilder();
    for (String f : fields) {
      all.append(f == null ? "\u0001" : f).append('\u0000');
    }
    return sha256(all.toString()).substring(0, 16);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** What differs on the standby, one line per object: "missing table public.t", "extra ...", "changed ...". */
  public List<String> differences(Map<String, String> standby) {
    List<String> out = new ArrayList<>();
    objects.forEach((key, h) -> {
      String there = standby.get(key);
      if (there == null) {
        out.add("missing " + key);
      } else if (!there.equals(h)) {
        out.add("changed " + key);
      }
    });
    standby.keySet().stream().filter(k -> !objects.containsKey(k)).forEach(k -> out.add("extra " + k));
    return out;
  }

  public byte[] encode() {
    return StatusJson.encode(this);
  }

  public static SchemaFingerprint decode(byte[] bytes) {
    SchemaFingerprint f = StatusJson.decode(bytes, SchemaFingerprint.class);
    if (f.digest() == null || !f.digest().equals(digestOf(f.objects()))) {
      throw new IllegalArgumentException("its digest does not match its objects");
    }
    return f;
  }

  /** The record that carries it, in its database's place of {@code topic}. */
  public ProducerRecord<String, byte[]> record(String topic) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, database, encode());
    r.headers().add(HEADER, new byte[] {1});
    return r;
  }

  /** True if the record is a fingerprint (not an event). */
  public static boolean is(ConsumerRecord<String, byte[]> record) {
    Header h = record.headers().lastHeader(HEADER);
    return h != null;
  }
}
