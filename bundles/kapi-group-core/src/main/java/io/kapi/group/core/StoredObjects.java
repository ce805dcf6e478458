package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import java.io.IOException;

/** Objects of other resources read straight from the storage, as the subresources that consult them do. */
final class StoredObjects {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StoredObjects() {
    }

    /** The object stored at {@code key}, null when there is none; bytes that are not JSON are thrown, never "none". */
    static JsonNode read(Storage storage, String key) {
        KeyValue kv = storage.get(key);
        if (kv == null) {
            return null;
        }
        try {
            return MAPPER.readTree(kv.value());
        } catch (IOException e) {
            throw new IllegalStateException(key + " is not JSON: " + e.getMessage(), e);
        }
    }
}
