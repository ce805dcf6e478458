package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Loads the OpenAPI v3 schemas of the group's kinds from the bundle's resources. */
final class Schemas {
    private Schemas() {
    }

    static ObjectNode load(Class<?> owner, String kind) {
        try (InputStream in = owner.getResourceAsStream(kind + ".json")) {
            if (in == null) {
                throw new IllegalStateException("no schema for " + kind);
            }
            return (ObjectNode) Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
