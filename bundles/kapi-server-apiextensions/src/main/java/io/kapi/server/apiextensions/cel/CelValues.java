package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * apiextensions' {@code UnstructuredToVal}: a custom resource's JSON value as the CEL runtime sees it,
 * typed by its schema. Objects with properties become maps keyed by the escaped property names (as
 * kube's struct values resolve fields) that remember their JSON, lists of {@code x-kubernetes-list-type}
 * {@code set} and {@code map} kube's order-insensitive lists ({@link ListValues}; compared by
 * {@link CelEquality}), other maps and lists their Java forms, {@code null} CEL's null,
 * integers {@code Long}, numbers {@code Double}; a property set to null is absent (as in kube); strings of format {@code byte}, {@code duration},
 * {@code date} and {@code date-time} become bytes, durations and timestamps (left as strings when
 * they do not parse, which a rule then sees as a type error).
 */
final class CelValues {
    private CelValues() {
    }

    static Object toCel(JsonNode value, JsonNode schema) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (schema == null || schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return generic(value);
        }
        if (value.isObject()) {
            JsonNode ap = schema.get("additionalProperties");
            JsonNode props = schema.path("properties");
            Map<String, Object> out = props.size() > 0 ? new ListValues.ObjectValue(value) : new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (ap != null && ap.isObject()) {
                    out.put(e.getKey(), toCel(e.getValue(), ap));
                } else if (props.has(e.getKey())) {
                    if (e.getValue().isNull()) {
                        continue; // kube treats a property set to null as absent
                    }
                    String name = CelNames.escape(e.getKey());
                    if (name != null) {
                        Object v = toCel(e.getValue(), props.get(e.getKey()));
                        out.put(name, v);
                        if (CelNames.reserved(e.getKey())) {
                            out.put(e.getKey(), v); // selectable unescaped too, as in kube 1.32
                        }
                    }
                } else {
                    out.put(e.getKey(), generic(e.getValue()));
                }
            }
            return out;
        }
        if (value.isArray()) {
            JsonNode items = schema.get("items");
            List<Object> out = new ArrayList<>(value.size());
            value.forEach(v -> out.add(items != null && items.isObject() ? toCel(v, items) : generic(v)));
            switch (schema.path("x-kubernetes-list-type").asText("")) {
                case "set": {
                    List<Object> data = new ArrayList<>(value.size());
                    value.forEach(v -> data.add(generic(v)));
                    return new ListValues.SetList(out, data);
                }
                case "map":
                    return new ListValues.MapList(out, ListValues.MapList.escapedKeys(schema.path("x-kubernetes-list-map-keys")));
                default:
                    return out;
            }
        }
        String type = schema.path("type").asText("");
        if (type.equals("number") && value.isNumber()) {
            return value.asDouble();
        }
        if (type.equals("string") && value.isTextual()) {
            return formatted(value.asText(), schema.path("format").asText(""));
        }
        return generic(value);
    }

    /** A value without schema (int-or-string, preserved unknown fields): JSON's own types. */
    static Object generic(JsonNode value) {
        if (value == null || value.isNull()) {
            return NullValue.NULL_VALUE;
        }
        if (value.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            value.fields().forEachRemaining(e -> out.put(e.getKey(), generic(e.getValue())));
            return out;
        }
        if (value.isArray()) {
            List<Object> out = new ArrayList<>(value.size());
            value.forEach(v -> out.add(generic(v)));
            return out;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.asText();
    }

    private static Object formatted(String s, String format) {
        try {
            switch (format) {
                case "byte":
                    return CelByteString.of(Base64.getDecoder().decode(s));
                case "duration":
                    return GoDuration.parse(s);
                case "date":
                    return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
                case "date-time":
                    return Instant.parse(s);
                default:
                    return s;
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return s;
        }
    }

    /** Go's {@code time.ParseDuration}, which kube's duration format accepts. */
    static final class GoDuration {
        private GoDuration() {
        }

        static Duration parse(String s) {
            String in = s;
            boolean neg = false;
            if (in.startsWith("-") || in.startsWith("+")) {
                neg = in.charAt(0) == '-';
                in = in.substring(1);
            }
            if (in.equals("0")) {
                return Duration.ZERO;
            }
            if (in.isEmpty()) {
                throw new IllegalArgumentException("invalid duration " + s);
            }
            java.math.BigDecimal nanos = java.math.BigDecimal.ZERO;
            int i = 0;
            while (i < in.length()) {
                int start = i;
                while (i < in.length() && (Character.isDigit(in.charAt(i)) || in.charAt(i) == '.')) {
                    i++;
                }
                if (start == i) {
                    throw new IllegalArgumentException("invalid duration " + s);
                }
                java.math.BigDecimal n = new java.math.BigDecimal(in.substring(start, i));
                int u = i;
                while (i < in.length() && !Character.isDigit(in.charAt(i)) && in.charAt(i) != '.') {
                    i++;
                }
                long unit = switch (in.substring(u, i)) {
                    case "ns" -> 1L;
                    case "us", "\u00b5s", "\u03bcs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    case "h" -> 3_600_000_000_000L;
                    default -> throw new IllegalArgumentException("unknown unit in duration " + s);
                };
                nanos = nanos.add(n.multiply(java.math.BigDecimal.valueOf(unit)));
            }
            Duration d = Duration.ofNanos(nanos.longValue());
            return neg ? d.negated() : d;
        }
    }
}
