package io.kapi.core.authorization;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values kube's review validation puts in its messages, as Go's {@code %#v} prints them
 * ({@code field.Error.ErrorBody} falls back to {@code %#v} for structs without a {@code String} method):
 * the {@code v1.ObjectMeta} of "must be empty" and the internal {@code authorization.NonResourceAttributes}.
 *
 * <p>One liberty: Go prints a non-nil pointer without a {@code GoString} method as its address, which
 * differs on every request ({@code (*v1.FieldsV1)(0xc000a1b2c8)}); it is written here as
 * {@value #ADDRESS}.
 */
final class GoValues {
    static final String ADDRESS = "0xc000000000";
    private static final String ZERO_TIME = "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)";

    private GoValues() {
    }

    /** {@code authorization.NonResourceAttributes{Path:"/x", Verb:"get"}}. */
    static String nonResourceAttributes(JsonNode attributes) {
        return "authorization.NonResourceAttributes{Path:" + q(attributes, "path") + ", Verb:" + q(attributes, "verb") + "}";
    }

    /**
     * A {@code v1.ObjectMeta} decoded from {@code metadata}, after the create handler wiped the system
     * fields (uid, selfLink, creation and deletion timestamps, grace period), which are printed zero.
     */
    static String objectMeta(JsonNode m) {
        return "v1.ObjectMeta{Name:" + q(m, "name") + ", GenerateName:" + q(m, "generateName") + ", Namespace:" + q(m, "namespace")
                + ", SelfLink:\"\", UID:\"\", ResourceVersion:" + q(m, "resourceVersion") + ", Generation:" + number(m, "generation")
                + ", CreationTimestamp:" + ZERO_TIME + ", DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil)"
                + ", Labels:" + stringMap(field(m, "labels")) + ", Annotations:" + stringMap(field(m, "annotations"))
                + ", OwnerReferences:" + ownerReferences(field(m, "ownerReferences"))
                + ", Finalizers:" + strings(field(m, "finalizers"))
                + ", ManagedFields:" + managedFields(field(m, "managedFields")) + "}";
    }

    private static String ownerReferences(JsonNode refs) {
        if (refs == null || !refs.isArray()) {
            return "[]v1.OwnerReference(nil)";
        }
        List<String> items = new ArrayList<>();
        for (JsonNode r : refs) {
            items.add("v1.OwnerReference{APIVersion:" + q(r, "apiVersion") + ", Kind:" + q(r, "kind") + ", Name:" + q(r, "name")
                    + ", UID:" + q(r, "uid") + ", Controller:" + pointer(r, "controller", "bool")
                    + ", BlockOwnerDeletion:" + pointer(r, "blockOwnerDeletion", "bool") + "}");
        }
        return "[]v1.OwnerReference{" + String.join(", ", items) + "}";
    }

    private static String managedFields(JsonNode entries) {
        if (entries == null || !entries.isArray()) {
            return "[]v1.ManagedFieldsEntry(nil)";
        }
        List<String> items = new ArrayList<>();
        for (JsonNode e : entries) {
            JsonNode time = field(e, "time");
            // *v1.Time has time.Time's GoString: Go prints the time, not the pointer
            items.add("v1.ManagedFieldsEntry{Manager:" + q(e, "manager") + ", Operation:" + q(e, "operation")
                    + ", APIVersion:" + q(e, "apiVersion") + ", Time:" + (time == null ? "<nil>" : goTime(time.asText()))
                    + ", FieldsType:" + q(e, "fieldsType") + ", FieldsV1:" + pointer(e, "fieldsV1", "v1.FieldsV1")
                    + ", Subresource:" + q(e, "subresource") + "}");
        }
        return "[]v1.ManagedFieldsEntry{" + String.join(", ", items) + "}";
    }

    /** Go's {@code time.Time.GoString} of an RFC 3339 time as metav1.Time decodes it (UTC for "Z"). */
    static String goTime(String rfc3339) {
        try {
            OffsetDateTime t = OffsetDateTime.parse(rfc3339);
            String zone = t.getOffset().equals(ZoneOffset.UTC) ? "time.UTC" : "time.Local";
            String month = t.getMonth().name().charAt(0) + t.getMonth().name().substring(1).toLowerCase(Locale.ROOT);
            return "time.Date(" + t.getYear() + ", time." + month + ", " + t.getDayOfMonth() + ", " + t.getHour() + ", "
                    + t.getMinute() + ", " + t.getSecond() + ", " + t.getNano() + ", " + zone + ")";
        } catch (DateTimeParseException e) {
            return ZERO_TIME;
        }
    }

    /** {@code map[string]string{"a":"1", "b":"2"}}, keys sorted as Go's fmt sorts them; nil when absent. */
    private static String stringMap(JsonNode map) {
        if (map == null || !map.isObject()) {
            return "map[string]string(nil)";
        }
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            sorted.put(e.getKey(), e.getValue().asText());
        }
        List<String> items = new ArrayList<>();
        sorted.forEach((k, v) -> items.add(FieldCause.goQuote(k) + ":" + FieldCause.goQuote(v)));
        return "map[string]string{" + String.join(", ", items) + "}";
    }

    private static String strings(JsonNode list) {
        if (list == null || !list.isArray()) {
            return "[]string(nil)";
        }
        List<String> items = new ArrayList<>();
        list.forEach(v -> items.add(FieldCause.goQuote(v.asText())));
        return "[]string{" + String.join(", ", items) + "}";
    }

    private static String pointer(JsonNode parent, String name, String type) {
        return "(*" + type + ")(" + (field(parent, name) == null ? "nil" : ADDRESS) + ")";
    }

    private static String number(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        return v == null ? "0" : v.asText();
    }

    private static String q(JsonNode parent, String name) {
        JsonNode v = field(parent, name);
        return FieldCause.goQuote(v == null ? "" : v.asText());
    }

    /** The field's value; null when absent or JSON null (Go's zero value). */
    static JsonNode field(JsonNode parent, String name) {
        JsonNode v = parent == null ? null : parent.get(name);
        return v == null || v.isNull() ? null : v;
    }
}
