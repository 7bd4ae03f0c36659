package io.ddlcast.common.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A listing as JSON and back: {@code {"listing":1,"objects":[{"kind":..,"identity":..,"owner":..,
 * "definition":..,"privileges":..,"comment":..},...]}}, every field written (null where absent) in that order, so
 * that equal listings encode to equal bytes ({@link SchemaCatalog#digest} hashes them). Reading is strict, since a
 * listing may come from a topic anyone with write access filled: another version, a missing or unknown field, a
 * field of the wrong type, a duplicate JSON key, an empty kind or identity, two objects of one key, or trailing
 * bytes are each an {@link IllegalArgumentException} that says which.
 */
final class ListingCodec {
  static final int VERSION = 1;
  private static final List<String> FIELDS =
      List.of("kind", "identity", "owner", "definition", "privileges", "comment");
  private static final StreamReadConstraints READ_LIMITS =
      StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).maxNestingDepth(8).build();
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(JsonFactory.builder().streamReadConstraints(READ_LIMITS).build())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private ListingCodec() {}

  static byte[] encode(List<CatalogObject> objects) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("listing", VERSION);
    ArrayNode array = root.putArray("objects");
    for (CatalogObject o : objects) {
      ObjectNode node = array.addObject();
      node.put("kind", o.kind());
      node.put("identity", o.identity());
      node.put("owner", o.owner());
      node.put("definition", o.definition());
      node.put("privileges", o.privileges());
      node.put("comment", o.comment());
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a listing", e);
    }
  }

  static List<CatalogObject> decode(byte[] json) {
    if (json == null) {
      throw new IllegalArgumentException("listing: no bytes");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("listing: not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("listing: unreadable: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("listing: not a JSON object");
    }
    requireFields(root, List.of("listing", "objects"), "listing");
    JsonNode version = root.get("listing");
    if (!version.isInt() || version.intValue() != VERSION) {
      throw new IllegalArgumentException("listing: version " + version + " is not " + VERSION);
    }
    JsonNode array = root.get("objects");
    if (!array.isArray()) {
      throw new IllegalArgumentException("listing: objects is not an array");
    }
    List<CatalogObject> objects = new ArrayList<>(array.size());
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      CatalogObject o = object(array.get(i), "listing: objects[" + i + "]");
      if (!keys.add(o.key())) {
        throw new IllegalArgumentException("listing: objects[" + i + "]: a second object " + o.key());
      }
      objects.add(o);
    }
    return objects;
  }

  private static CatalogObject object(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": not a JSON object");
    }
    requireFields(node, FIELDS, where);
    String[] values = new String[FIELDS.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = node.get(FIELDS.get(i));
      if (value.isNull() && i >= 2) {
        continue;
      }
      if (!value.isTextual()) {
        throw new IllegalArgumentException(where + ": " + FIELDS.get(i) + " is not a string");
      }
      values[i] = value.textValue();
    }
    if (values[0].isBlank() || values[1].isBlank()) {
      throw new IllegalArgumentException(where + ": empty " + (values[0].isBlank() ? "kind" : "identity"));
    }
    return new CatalogObject(values[0], values[1], values[2], values[3], values[4], values[5]);
  }

  private static void requireFields(JsonNode node, List<String> expected, String where) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!expected.contains(name)) {
        throw new IllegalArgumentException(where + ": unknown field " + name);
      }
    }
    for (String name : expected) {
      if (!node.has(name)) {
        throw new IllegalArgumentException(where + ": field " + name + " is missing");
      }
    }
  }
}
