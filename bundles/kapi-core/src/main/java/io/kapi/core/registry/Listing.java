package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.storage.KeyValue;
import io.kapi.core.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One LIST's result before it is encoded (made by a {@link GenericStore}): the items as stored, each decoded only when a selector
 * had to look at it.
 */
public final class Listing {
    final List<KeyValue> stored = new ArrayList<>();
    final List<ObjectNode> decoded = new ArrayList<>(); // parallel to stored; null where not decoded
    final ObjectNode metadata = Json.object();

    void add(KeyValue kv, ObjectNode obj) {
        stored.add(kv);
        decoded.add(obj);
    }

    public int size() {
        return stored.size();
    }
}
