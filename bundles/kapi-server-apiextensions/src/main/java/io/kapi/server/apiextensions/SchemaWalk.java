package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/** kube's {@code SchemaHas}: whether a predicate holds for a schema or any schema nested in it. Stateless. */
final class SchemaWalk {
    private SchemaWalk() {
    }

    static boolean any(JsonNode s, Predicate<JsonNode> pred) {
        if (s == null || !s.isObject()) {
            return false;
        }
        if (pred.test(s)) {
            return true;
        }
        for (String one : new String[] {"items", "not", "additionalProperties", "additionalItems"}) {
            if (any(s.get(one), pred)) {
                return true;
            }
        }
        for (String list : new String[] {"items", "allOf", "anyOf", "oneOf"}) {
            for (JsonNode x : SchemaProps.list(s, list)) {
                if (any(x, pred)) {
                    return true;
                }
            }
        }
        for (String map : new String[] {"properties", "patternProperties", "definitions", "dependencies"}) {
            for (JsonNode x : SchemaProps.map(s, map).values()) {
                if (any(x, pred)) {
                    return true;
                }
            }
        }
        return false;
    }
}
