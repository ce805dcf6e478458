package io.kapi.group.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import java.util.ArrayList;
import java.util.List;

/** The set-up the PersistentVolume and PersistentVolumeClaim tests share. */
final class VolumeTests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VolumeTests() {
    }

    /** The object of {@code json}, written with {@code '} for {@code "}. */
    static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    /** Each cause as {@code field: message}. */
    static List<String> messages(List<FieldCause> causes) {
        List<String> out = new ArrayList<>();
        causes.forEach(c -> out.add(c.field() + ": " + c.message()));
        return out;
    }

    /** The object of {@code json} as a create leaves it: defaulted and prepared by {@code strategy}. */
    static ObjectNode created(Strategy strategy, String json) throws Exception {
        ObjectNode object = obj(json);
        strategy.applyDefaults(object);
        strategy.prepareForCreate(object);
        return object;
    }

    /** The causes of an update from {@code old} to {@code changed}, defaulted and prepared by {@code strategy}. */
    static List<String> updateErrors(Strategy strategy, ObjectNode old, ObjectNode changed) {
        strategy.applyDefaults(changed);
        strategy.prepareForUpdate(changed, old);
        return messages(strategy.validateUpdate(changed, old));
    }
}
