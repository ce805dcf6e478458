package io.kapi.group.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * kube's printer of Events ({@code printEvent} in {@code pkg/printers/internalversion/printers.go}),
 * which prints both kinds through the internal Event, here read off the events.k8s.io shape: LAST
 * SEEN, TYPE, REASON, OBJECT, MESSAGE, and, for {@code -o wide} (priority 1), SUBOBJECT, SOURCE,
 * FIRST SEEN, COUNT, NAME, in kube's column order. The column descriptions are core/v1 Event's
 * field docs, as kube's column definitions take them. Stateless and thread-safe.
 */
final class EventPrinter implements TableConvertor {
    private static final List<TableColumn> COLUMNS = List.of(
            TableColumn.of("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
            TableColumn.of("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
            TableColumn.of("Reason", "string", "This should be a short, machine understandable string that gives the reason for "
                    + "the transition into the object's current status."),
            TableColumn.of("Object", "string", "The object that this event is about."),
            wide("Subobject", "", "If referring to a piece of an object instead of an entire object, this string should contain a "
                    + "valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object "
                    + "reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where "
                    + "\"name\" refers to the name of the container that triggered the event) or if no container name is specified "
                    + "\"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some "
                    + "well-defined way of referencing a part of an object."),
            wide("Source", "", "The component reporting this event. Should be a short machine understandable string."),
            TableColumn.of("Message", "string", "A human-readable description of the status of this operation."),
            wide("First Seen", "", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            // kube declares COUNT a string column and fills it with an int64
            wide("Count", "", "The number of times this event has occurred."),
            wide("Name", "name", TableColumn.nameColumn().description()));

    private static TableColumn wide(String name, String format, String description) {
        return new TableColumn(name, "string", format, description, 1);
    }

    @Override
    public List<TableColumn> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode event) {
        // kube's server-side tables are generated wide: every column has its cell
        String firstSeen = GoTimes.isZero(event.get("deprecatedFirstTimestamp"))
                ? since(event.get("eventTime")) : since(event.get("deprecatedFirstTimestamp"));
        String lastSeen = GoTimes.isZero(event.get("deprecatedLastTimestamp")) ? firstSeen : since(event.get("deprecatedLastTimestamp"));
        long count = EventConverter.count(event.get("deprecatedCount"));
        JsonNode series = event.get("series");
        if (series != null && !series.isNull()) {
            lastSeen = since(series.get("lastObservedTime"));
            count = EventConverter.count(series.get("count"));
        } else if (count == 0) {
            // singleton events have no count in the new API
            count = 1;
        }
        JsonNode regarding = event.get("regarding");
        String kind = Json.text(regarding, "kind").toLowerCase(Locale.ROOT);
        String name = Json.text(regarding, "name");
        String target = name.isEmpty() ? kind : kind + "/" + name;
        JsonNode source = event.get("deprecatedSource");
        String component = firstNonEmpty(Json.text(source, "component"), Json.text(event, "reportingController"));
        String instance = firstNonEmpty(Json.text(source, "host"), Json.text(event, "reportingInstance"));
        return Arrays.asList(lastSeen, Json.text(event, "type"), Json.text(event, "reason"), target,
                Json.text(regarding, "fieldPath"), instance.isEmpty() ? component : component + ", " + instance,
                Json.text(event, "note").strip(), firstSeen, count, Json.name(event));
    }

    /** kube's {@code translateTimestampSince} / {@code translateMicroTimestampSince}: {@code <unknown>} for a zero time. */
    static String since(JsonNode time) {
        if (GoTimes.isZero(time)) {
            return "<unknown>";
        }
        Instant t = GoTimes.parse(time);
        return t == null ? "<unknown>" : Printer.since(t.toString());
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
