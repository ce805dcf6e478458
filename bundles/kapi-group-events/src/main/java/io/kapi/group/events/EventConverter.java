package io.kapi.group.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.SharedStorage;
import java.util.List;

/**
 * events.k8s.io/v1 Event ↔ core/v1 Event, as kube converts them through its internal Event
 * ({@code pkg/apis/events/v1/conversion.go} and the generated conversions beside it):
 * {@code regarding}↔{@code involvedObject}, {@code note}↔{@code message},
 * {@code deprecatedSource}↔{@code source}, {@code deprecatedFirstTimestamp}↔{@code firstTimestamp},
 * {@code deprecatedLastTimestamp}↔{@code lastTimestamp}, {@code deprecatedCount}↔{@code count},
 * {@code reportingController}↔{@code reportingComponent}; {@code eventTime}, {@code series}
 * ({@code count}, {@code lastObservedTime}), {@code reportingInstance}, {@code action},
 * {@code reason}, {@code related} and {@code type} keep their names. Every field of either kind has
 * its counterpart, so nothing is lost either way.
 *
 * <p>The result is what kube writes after decoding into the Go types (the types of k8s.io/api 1.32):
 * fields in the types' order; empty strings and zero counts left out where the field is
 * {@code omitempty}, kept where it is not (core/v1's {@code reportingComponent} and
 * {@code reportingInstance}, events.k8s.io's {@code series.count}); the struct fields
 * ({@code regarding}/{@code involvedObject}, {@code deprecatedSource}/{@code source}) always written,
 * {@code {}} when empty; times as {@link GoTimes} writes them, zero ones as {@code null}; a field
 * neither kind knows is dropped. The core sets {@code apiVersion} and {@code kind} and keeps the
 * object's identity metadata itself. Stateless and thread-safe.
 */
final class EventConverter implements SharedStorage.Converter {
    private static final List<String> REFERENCE_FIELDS = List.of("kind", "namespace", "name", "uid", "apiVersion",
            "resourceVersion", "fieldPath");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public ObjectNode toStored(ObjectNode served, String servedVersion) {
        // core/v1 Event's field order (k8s.io/api core/v1 types.go)
        ObjectNode out = typeAndMetadata(served);
        out.set("involvedObject", reference(served.get("regarding")));
        putString(out, "reason", served.get("reason"));
        putString(out, "message", served.get("note"));
        out.set("source", source(served.get("deprecatedSource")));
        out.set("firstTimestamp", GoTimes.time(served.get("deprecatedFirstTimestamp")));
        out.set("lastTimestamp", GoTimes.time(served.get("deprecatedLastTimestamp")));
        putCount(out, "count", served.get("deprecatedCount"));
        putString(out, "type", served.get("type"));
        out.set("eventTime", GoTimes.microTime(served.get("eventTime")));
        if (present(served.get("series"))) {
            ObjectNode series = out.putObject("series");
            // core/v1's EventSeries: count omitempty; lastObservedTime, a struct, is written even when zero
            putCount(series, "count", served.get("series").get("count"));
            series.set("lastObservedTime", GoTimes.microTime(served.get("series").get("lastObservedTime")));
        }
        putString(out, "action", served.get("action"));
        if (present(served.get("related"))) {
            out.set("related", reference(served.get("related")));
        }
        // not omitempty in core/v1: written even when empty
        out.put("reportingComponent", text(served.get("reportingController")));
        out.put("reportingInstance", text(served.get("reportingInstance")));
        return out;
    }

    @Override
    public ObjectNode toServed(ObjectNode stored, String servedVersion) {
        // events.k8s.io/v1 Event's field order (k8s.io/api events/v1 types.go)
        ObjectNode out = typeAndMetadata(stored);
        out.set("eventTime", GoTimes.microTime(stored.get("eventTime")));
        if (present(stored.get("series"))) {
            ObjectNode series = out.putObject("series");
            // events.k8s.io's EventSeries: neither field is omitempty
            series.set("count", number(count(stored.get("series").get("count"))));
            series.set("lastObservedTime", GoTimes.microTime(stored.get("series").get("lastObservedTime")));
        }
        putString(out, "reportingController", stored.get("reportingComponent"));
        putString(out, "reportingInstance", stored.get("reportingInstance"));
        putString(out, "action", stored.get("action"));
        putString(out, "reason", stored.get("reason"));
        out.set("regarding", reference(stored.get("involvedObject")));
        if (present(stored.get("related"))) {
            out.set("related", reference(stored.get("related")));
        }
        putString(out, "note", stored.get("message"));
        putString(out, "type", stored.get("type"));
        out.set("deprecatedSource", source(stored.get("source")));
        out.set("deprecatedFirstTimestamp", GoTimes.time(stored.get("firstTimestamp")));
        out.set("deprecatedLastTimestamp", GoTimes.time(stored.get("lastTimestamp")));
        putCount(out, "deprecatedCount", stored.get("count"));
        return out;
    }

    private static ObjectNode typeAndMetadata(ObjectNode in) {
        ObjectNode out = NODES.objectNode();
        // TypeMeta first, as Go writes it; the core overwrites both with the target's
        for (String f : List.of("kind", "apiVersion")) {
            if (in.get(f) != null) {
                out.set(f, in.get(f));
            }
        }
        out.set("metadata", in.get("metadata") instanceof ObjectNode m ? m.deepCopy() : NODES.objectNode());
        return out;
    }

    /** A {@code core/v1 ObjectReference}: seven omitempty strings, in their order; anything else dropped. */
    static ObjectNode reference(JsonNode ref) {
        ObjectNode out = NODES.objectNode();
        for (String f : REFERENCE_FIELDS) {
            putString(out, f, ref == null ? null : ref.get(f));
        }
        return out;
    }

    /** A {@code core/v1 EventSource}: component and host, both omitempty. */
    static ObjectNode source(JsonNode source) {
        ObjectNode out = NODES.objectNode();
        putString(out, "component", source == null ? null : source.get("component"));
        putString(out, "host", source == null ? null : source.get("host"));
        return out;
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    static String text(JsonNode v) {
        return present(v) ? v.asText() : "";
    }

    private static void putString(ObjectNode out, String field, JsonNode v) {
        String s = text(v);
        if (!s.isEmpty()) {
            out.put(field, s);
        }
    }

    /** An int32 count; 0 when absent. */
    static long count(JsonNode v) {
        return present(v) ? v.asLong(0) : 0;
    }

    private static void putCount(ObjectNode out, String field, JsonNode v) {
        long c = count(v);
        if (c != 0) {
            out.set(field, number(c));
        }
    }

    /** An int node where the value fits, as a parsed JSON number would be. */
    private static JsonNode number(long c) {
        return c == (int) c ? NODES.numberNode((int) c) : NODES.numberNode(c);
    }
}
