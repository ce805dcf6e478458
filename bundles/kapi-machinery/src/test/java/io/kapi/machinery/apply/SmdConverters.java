package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The Go-only converters of structured-merge-diff's {@code merge/multiple_appliers_test.go}, translated
 * (see smd-vectors.README): each converts an object between the versions of a case, whose field managers
 * {@code fieldManagers} gives.
 */
final class SmdConverters {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SmdConverters() {
    }

    /** The converter a case names (its {@code converter}), or null when SMD's fixture has none of that name. */
    static Versions of(String name, Function<String, FieldManager> fieldManagers) {
        Conversion conversion = switch (name) {
            case "renamingConverter" -> SmdConverters::renaming;
            case "repeatingConverter" -> SmdConverters::repeating;
            case "reliantFieldsConverter" -> SmdConverters::reliant;
            default -> null;
        };
        if (conversion == null) {
            return null;
        }
        return new Versions() {
            @Override
            public JsonNode convert(JsonNode object, String from, String to) {
                return conversion.convert(object, from, to);
            }

            @Override
            public FieldManager fieldManager(String version) {
                // every version a converter can reach is one of the case's types
                conversion.convert(NullNode.getInstance(), version, version);
                return fieldManagers.apply(version);
            }
        };
    }

    private interface Conversion {
        JsonNode convert(JsonNode object, String from, String to);
    }

    /**
     * renamingConverter: every map key ending in the source version ({@code scalarField_v1}) ends in the
     * target version instead; a list without items becomes null (Go's nil slice).
     */
    static JsonNode renaming(JsonNode v, String from, String to) {
        if (v == null) {
            return null;
        }
        if (v.isObject()) {
            ObjectNode out = F.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey().endsWith(from) ? e.getKey().substring(0, e.getKey().length() - from.length()) + to : e.getKey();
                out.set(key, renaming(e.getValue(), from, to));
            }
            return out;
        }
        if (v.isArray()) {
            if (v.isEmpty()) {
                return NullNode.getInstance();
            }
            var out = F.arrayNode();
            v.forEach(item -> out.add(renaming(item, from, to)));
            return out;
        }
        return v.deepCopy();
    }

    /**
     * repeatingConverter: the object written as YAML (keys sorted), its first line kept, and each
     * following indented line replaced by its indentation and the first letter of its key repeated N
     * times for version vN, with no value; it stops at the first line that is not indented. On a tree:
     * the first top-level field is kept, and under it every map's keys become their first letter
     * repeated, a non-empty map keeping its (converted) entries and anything else becoming null.
     */
    static JsonNode repeating(JsonNode v, String from, String to) {
        int n = versionNumber(to);
        if (v == null || !v.isObject() || v.isEmpty()) {
            return v == null ? null : v.deepCopy();
        }
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        v.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        Map.Entry<String, JsonNode> first = sorted.firstEntry();
        ObjectNode out = F.objectNode();
        JsonNode value = first.getValue();
        if (value.isObject() && !value.isEmpty()) {
            out.set(first.getKey(), repeatKeys(value, n));
        } else if (value.isArray() && !value.isEmpty()) {
            out.putNull(first.getKey());
        } else {
            out.set(first.getKey(), value.deepCopy());
        }
        return out;
    }

    private static JsonNode repeatKeys(JsonNode map, int n) {
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        ObjectNode out = F.objectNode();
        sorted.forEach((k, child) -> out.set(k.substring(0, 1).repeat(n),
                child.isObject() && !child.isEmpty() ? repeatKeys(child, n) : NullNode.getInstance()));
        return out;
    }

    private static int versionNumber(String version) {
        if (version.length() < 2 || version.charAt(0) != 'v') {
            throw new Versions.MissingVersion(version);
        }
        try {
            return Integer.parseInt(version.substring(1));
        } catch (NumberFormatException e) {
            throw new Versions.MissingVersion(version);
        }
    }

    /**
     * reliantFieldsConverter: v2's {@code required_field_bar} is v1's {@code field_foo_rely_on_bar}
     * (a textual replacement of the object's serialization); converting to v1 an object without it
     * fails, and any other version is missing.
     */
    static JsonNode reliant(JsonNode v, String from, String to) {
        if (!to.equals("v1") && !to.equals("v2")) {
            throw new Versions.MissingVersion(to);
        }
        if (from.equals(to) || v == null) {
            return v;
        }
        String text = v.toString();
        if (to.equals("v1")) {
            if (!text.contains("required_field_bar")) {
                throw new IllegalStateException("missing requried field bar");
            }
            text = text.replace("required_field_bar", "field_foo_rely_on_bar");
        } else {
            text = text.replace("field_foo_rely_on_bar", "required_field_bar");
        }
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
