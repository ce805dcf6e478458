package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's core/v1 event strategy: involvedObject required, kube's selectable fields and columns, and a time to live
 * after each write (kube-apiserver's {@code --event-ttl}, {@code eventTTL} here).
 */
final class EventStrategy implements Strategy {
    /** kube-apiserver's default {@code --event-ttl}: an hour. */
    static final long DEFAULT_TTL_SECONDS = 3600;

    private final long ttlSeconds;

    EventStrategy() {
        this(DEFAULT_TTL_SECONDS);
    }

    EventStrategy(long ttlSeconds) {
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public long timeToLiveSeconds() {
        return ttlSeconds;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        String ns = Json.namespace(object);
        String involvedNs = Json.text(object.get("involvedObject"), "namespace");
        if (!involvedNs.isEmpty() && !involvedNs.equals(ns)) {
            causes.add(FieldCause.invalid("involvedObject.namespace", involvedNs, "does not match event.namespace"));
        }
        return causes;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode o) {
        Map<String, String> f = new HashMap<>();
        var io = o.get("involvedObject");
        for (String k : List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
            f.put("involvedObject." + k, Json.text(io, k));
        }
        f.put("reason", Json.text(o, "reason"));
        f.put("reportingComponent", Json.text(o, "reportingComponent"));
        f.put("source", Json.text(o.get("source"), "component"));
        f.put("type", Json.text(o, "type"));
        return f;
    }

    /** kube's printer: lastTimestamp, else eventTime (events.k8s.io writers), else firstTimestamp, else creation. */
    static String lastSeen(ObjectNode o) {
        for (String f : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
            String t = Json.text(o, f);
            if (!t.isEmpty()) {
                return Printer.since(t);
            }
        }
        return Printer.age(o);
    }

    @Override
    public TableConvertor table() {
        return Printer.builder()
                .column(TableColumn.of("Last Seen", "string", "Time when this event was last seen"), EventStrategy::lastSeen)
                .column(TableColumn.of("Type", "string", "Type of this event (Normal, Warning)"), o -> Json.text(o, "type"))
                .column(TableColumn.of("Reason", "string", "Reason is why the action was taken."), o -> Json.text(o, "reason"))
                .column(TableColumn.of("Object", "string", "The object this Event is about."),
                        o -> Json.text(o.get("involvedObject"), "kind").toLowerCase() + "/" + Json.text(o.get("involvedObject"), "name"))
                .column(TableColumn.of("Message", "string", "A human-readable description of the status of this operation."), o -> Json.text(o, "message"))
                .build();
    }
}
