package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;

/** kube's {@code SetCRDCondition}: one condition per type, its transition time kept while its status stays. */
final class CrdConditions {
    private CrdConditions() {
    }

    static void set(ObjectNode crd, String type, String status, String reason, String message) {
        ArrayNode conditions = crd.with("status").withArray("conditions");
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asText()) && c instanceof ObjectNode o) {
                if (!status.equals(o.path("status").asText())) {
                    o.put("lastTransitionTime", Json.now());
                }
                o.put("status", status);
                o.put("reason", reason);
                o.put("message", message);
                return;
            }
        }
        ObjectNode c = conditions.addObject();
        c.put("type", type);
        c.put("status", status);
        c.put("lastTransitionTime", Json.now());
        c.put("reason", reason);
        c.put("message", message);
    }

    static boolean isTrue(JsonNode crd, String type) {
        for (JsonNode c : crd.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }
}
