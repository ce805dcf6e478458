package io.kapi.group.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * kube 1.32's {@code ValidateEventCreate} and {@code ValidateEventUpdate}
 * ({@code pkg/apis/core/validation/events.go}) for a request through events.k8s.io/v1, read off the
 * events.k8s.io shape. kube validates its internal Event, so the paths and values are the internal
 * (core) fields': {@code involvedObject.namespace}, {@code message}, {@code source},
 * {@code firstTimestamp}, {@code lastTimestamp}, {@code count}; only the reporting controller is named
 * {@code reportingController}, as events.k8s.io calls it (kube names it {@code reportingComponent} for
 * core/v1 requests alone). Object metadata is the store's to validate (kube's strategy calls
 * {@code ValidateObjectMeta} with DNS-subdomain names, which is the store's default). core/v1 writes keep
 * kube's legacy rules, which are core's. Lengths are Go's {@code len}: bytes of UTF-8.
 */
final class EventValidation {
    static final int REPORTING_INSTANCE_LENGTH_LIMIT = 128;
    static final int ACTION_LENGTH_LIMIT = 128;
    static final int REASON_LENGTH_LIMIT = 128;
    static final int NOTE_LENGTH_LIMIT = 1024;
    static final String NAMESPACE_DEFAULT = "default";
    static final String NAMESPACE_SYSTEM = "kube-system";
    private static final String MISMATCH = "does not match event.namespace";

    private EventValidation() {
    }

    /** kube's {@code ValidateEventCreate} with the events.k8s.io/v1 request version. */
    static List<FieldCause> validateCreate(ObjectNode event) {
        List<FieldCause> causes = legacy(event);
        series(event, causes);
        if (GoTimes.isZero(event.get("eventTime"))) {
            causes.add(FieldCause.required("eventTime", ""));
        }
        String type = text(event, "type");
        if (!"Normal".equals(type) && !"Warning".equals(type)) {
            causes.add(FieldCause.invalid("type", "", "has invalid value: " + type));
        }
        if (!GoTimes.isZero(event.get("deprecatedFirstTimestamp"))) {
            causes.add(FieldCause.invalid("firstTimestamp", "", "needs to be unset"));
        }
        if (!GoTimes.isZero(event.get("deprecatedLastTimestamp"))) {
            causes.add(FieldCause.invalid("lastTimestamp", "", "needs to be unset"));
        }
        if (EventConverter.count(event.get("deprecatedCount")) != 0) {
            causes.add(FieldCause.invalid("count", "", "needs to be unset"));
        }
        JsonNode source = event.get("deprecatedSource");
        if (!Json.text(source, "component").isEmpty() || !Json.text(source, "host").isEmpty()) {
            causes.add(FieldCause.invalid("source", "", "needs to be unset"));
        }
        return causes;
    }

    /** kube's {@code ValidateEventUpdate} with the events.k8s.io/v1 request version. */
    static List<FieldCause> validateUpdate(ObjectNode event, ObjectNode old) {
        List<FieldCause> causes = legacy(event);
        // the series is validated again only when it changed
        if (!sameSeries(event.get("series"), old.get("series"))) {
            series(event, causes);
        }
        ObjectNode ref = EventConverter.reference(event.get("regarding"));
        if (!ref.equals(EventConverter.reference(old.get("regarding")))) {
            causes.add(immutable("involvedObject", goReference(ref)));
        }
        immutableString(causes, "reason", event, old, "reason");
        immutableString(causes, "message", event, old, "note");
        ObjectNode source = EventConverter.source(event.get("deprecatedSource"));
        if (!source.equals(EventConverter.source(old.get("deprecatedSource")))) {
            causes.add(immutable("source", "core.EventSource{Component:" + quote(source, "component")
                    + ", Host:" + quote(source, "host") + "}"));
        }
        immutableTime(causes, "firstTimestamp", event.get("deprecatedFirstTimestamp"), old.get("deprecatedFirstTimestamp"));
        immutableTime(causes, "lastTimestamp", event.get("deprecatedLastTimestamp"), old.get("deprecatedLastTimestamp"));
        long count = EventConverter.count(event.get("deprecatedCount"));
        if (count != EventConverter.count(old.get("deprecatedCount"))) {
            causes.add(immutable("count", Long.toString(count)));
        }
        // kube checks reason twice, so a changed reason is reported twice
        immutableString(causes, "reason", event, old, "reason");
        immutableString(causes, "type", event, old, "type");
        // changes below the microsecond are tolerated (kubernetes/kubernetes#111928)
        if (!GoTimes.same(event.get("eventTime"), old.get("eventTime"), true)) {
            causes.add(immutable("eventTime", GoTimes.goString(event.get("eventTime"))));
        }
        immutableString(causes, "action", event, old, "action");
        JsonNode related = event.get("related");
        boolean hasRelated = present(related);
        boolean hadRelated = present(old.get("related"));
        if (hasRelated != hadRelated || hasRelated && !EventConverter.reference(related).equals(EventConverter.reference(old.get("related")))) {
            // a nil pointer is printed as the string "null"
            causes.add(immutable("related", hasRelated ? goReference(EventConverter.reference(related)) : "\"null\""));
        }
        immutableString(causes, "reportingController", event, old, "reportingController");
        immutableString(causes, "reportingInstance", event, old, "reportingInstance");
        return causes;
    }

    /** kube's {@code legacyValidateEvent}, which every write of an Event passes, whatever its version. */
    static List<FieldCause> legacy(ObjectNode event) {
        List<FieldCause> causes = new ArrayList<>();
        String namespace = Json.namespace(event);
        String involvedNamespace = Json.text(event.get("regarding"), "namespace");
        if (GoTimes.isZero(event.get("eventTime"))) {
            // an "old" event: its namespace and its object's agree, or it is about a cluster-scoped object in "" or "default"
            if (involvedNamespace.isEmpty()) {
                if (!namespace.isEmpty() && !NAMESPACE_DEFAULT.equals(namespace)) {
                    causes.add(FieldCause.invalid("involvedObject.namespace", involvedNamespace, MISMATCH));
                }
            } else if (!namespace.equals(involvedNamespace)) {
                causes.add(FieldCause.invalid("involvedObject.namespace", involvedNamespace, MISMATCH));
            }
        } else {
            if (involvedNamespace.isEmpty() && !NAMESPACE_DEFAULT.equals(namespace) && !NAMESPACE_SYSTEM.equals(namespace)) {
                causes.add(FieldCause.invalid("involvedObject.namespace", involvedNamespace, MISMATCH));
            }
            String controller = text(event, "reportingController");
            if (controller.isEmpty()) {
                causes.add(FieldCause.required("reportingController", ""));
            }
            for (String msg : qualifiedName(controller)) {
                causes.add(FieldCause.invalid("reportingController", controller, msg));
            }
            requiredWithin(causes, event, "reportingInstance", REPORTING_INSTANCE_LENGTH_LIMIT);
            requiredWithin(causes, event, "action", ACTION_LENGTH_LIMIT);
            requiredWithin(causes, event, "reason", REASON_LENGTH_LIMIT);
            if (bytes(text(event, "note")) > NOTE_LENGTH_LIMIT) {
                causes.add(FieldCause.invalid("message", "", "can have at most " + NOTE_LENGTH_LIMIT + " characters"));
            }
        }
        for (String msg : NameValidation.isDNS1123Subdomain(namespace)) {
            causes.add(FieldCause.invalid("namespace", namespace, msg));
        }
        return causes;
    }

    /** kube 1.32's {@code IsQualifiedName}. */
    static List<String> qualifiedName(String value) {
        return NameValidation.isQualifiedName(value);
    }

    /** kube's {@code validateV1EventSeries}. */
    private static void series(ObjectNode event, List<FieldCause> causes) {
        JsonNode series = event.get("series");
        if (!present(series)) {
            return;
        }
        if (EventConverter.count(series.get("count")) < 2) {
            causes.add(FieldCause.invalid("series.count", "", "should be at least 2"));
        }
        if (GoTimes.isZero(series.get("lastObservedTime"))) {
            causes.add(FieldCause.required("series.lastObservedTime", ""));
        }
    }

    private static boolean sameSeries(JsonNode a, JsonNode b) {
        if (!present(a) || !present(b)) {
            return present(a) == present(b);
        }
        return EventConverter.count(a.get("count")) == EventConverter.count(b.get("count"))
                && GoTimes.same(a.get("lastObservedTime"), b.get("lastObservedTime"));
    }

    /** A field required and at most {@code limit} bytes long; kube reports the length without the value. */
    private static void requiredWithin(List<FieldCause> causes, ObjectNode event, String field, int limit) {
        String value = text(event, field);
        if (value.isEmpty()) {
            causes.add(FieldCause.required(field, ""));
        }
        if (bytes(value) > limit) {
            causes.add(FieldCause.invalid(field, "", "can have at most " + limit + " characters"));
        }
    }

    private static void immutableString(List<FieldCause> causes, String path, ObjectNode event, ObjectNode old, String field) {
        String value = text(event, field);
        if (!Objects.equals(value, text(old, field))) {
            causes.add(FieldCause.invalid(path, value, ObjectMetaValidation.FIELD_IMMUTABLE));
        }
    }

    private static void immutableTime(List<FieldCause> causes, String path, JsonNode value, JsonNode old) {
        if (!GoTimes.same(value, old)) {
            causes.add(immutable(path, GoTimes.goString(value)));
        }
    }

    private static FieldCause immutable(String path, String rendered) {
        return FieldCause.invalidRendered(path, rendered, ObjectMetaValidation.FIELD_IMMUTABLE);
    }

    /** Go's {@code %#v} of kube's internal {@code core.ObjectReference}. */
    private static String goReference(ObjectNode ref) {
        return "core.ObjectReference{Kind:" + quote(ref, "kind") + ", Namespace:" + quote(ref, "namespace")
                + ", Name:" + quote(ref, "name") + ", UID:" + quote(ref, "uid") + ", APIVersion:" + quote(ref, "apiVersion")
                + ", ResourceVersion:" + quote(ref, "resourceVersion") + ", FieldPath:" + quote(ref, "fieldPath") + "}";
    }

    private static String quote(JsonNode node, String field) {
        return FieldCause.goQuote(Json.text(node, field));
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    private static String text(ObjectNode event, String field) {
        return EventConverter.text(event.get(field));
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
