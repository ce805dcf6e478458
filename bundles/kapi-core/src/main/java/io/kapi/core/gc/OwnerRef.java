package io.kapi.core.gc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** One entry of an object's {@code metadata.ownerReferences}, as the collector needs it. */
record OwnerRef(String apiVersion, String kind, String name, String uid, boolean blockOwnerDeletion) {

    /** The owner's API group ("" for the core group). */
    String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The owner references of an object's metadata (none when it has none). */
    static List<OwnerRef> of(JsonNode metadata) {
        JsonNode refs = metadata == null ? null : metadata.get("ownerReferences");
        if (refs == null || !refs.isArray() || refs.isEmpty()) {
            return List.of();
        }
        List<OwnerRef> out = new ArrayList<>(refs.size());
        for (JsonNode r : refs) {
            out.add(new OwnerRef(r.path("apiVersion").asText(""), r.path("kind").asText(""), r.path("name").asText(""),
                    r.path("uid").asText(""), r.path("blockOwnerDeletion").asBoolean(false)));
        }
        return List.copyOf(out);
    }
}
