package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.IntFunction;

/**
 * A list to answer, its items produced one at a time while the response is written (kube's
 * {@code runtime.ObjectIterator} over a list): the {@code envelope} holds the list's other fields in their
 * order, {@code items} among them (its value there is not read), and {@code item} answers the
 * {@code size} items, the same each time it is asked.
 */
record ListSource(ObjectNode envelope, int size, IntFunction<ObjectNode> item) {
    /** A list already held whole: its items are its {@code items} array's. */
    static ListSource of(ObjectNode list) {
        JsonNode items = list.path("items");
        return new ListSource(list, items.size(), i -> (ObjectNode) items.get(i));
    }

    /** The list's {@code metadata} (null when it has none). */
    JsonNode metadata() {
        return envelope.get("metadata");
    }
}
