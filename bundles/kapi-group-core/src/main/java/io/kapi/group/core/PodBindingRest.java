package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.NamedCreater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pods/binding}, as kube's {@code BindingREST}: a scheduler assigns a pod to a node. The pod gets
 * {@code spec.nodeName}, the binding's annotations and a {@code PodScheduled=True} condition in one
 * write; a pod already assigned, being deleted or held by scheduling gates is a conflict.
 */
final class PodBindingRest implements NamedCreater {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Storage storage;
    private final String keyPrefix;

    PodBindingRest(Storage storage, String keyPrefix) {
        this.storage = storage;
        this.keyPrefix = keyPrefix;
    }

    /** kube's {@code ValidatePodBinding}. */
    static List<FieldCause> validate(ObjectNode binding) {
        List<FieldCause> causes = new ArrayList<>();
        String kind = binding.path("target").path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("Node")) {
            causes.add(FieldCause.notSupported("target.kind", kind, List.of("Node", "<empty>")));
        }
        if (binding.path("target").path("name").asText("").isEmpty()) {
            causes.add(FieldCause.required("target.name", ""));
        }
        return causes;
    }

    @Override
    public ObjectNode create(RequestContext ctx, String name, ObjectNode binding) {
        if (!name.equals(Json.text(binding.get("metadata"), "name"))) {
            throw StatusException.badRequest("name in URL does not match name in Binding object");
        }
        List<FieldCause> causes = validate(binding);
        if (!causes.isEmpty()) {
            throw StatusException.invalid("", "Binding", name, causes);
        }
        String node = binding.path("target").path("name").asText();
        JsonNode meta = binding.path("metadata");
        String uid = meta.path("uid").asText("");
        String resourceVersion = meta.path("resourceVersion").asText("");
        String key = keyPrefix + ctx.namespace() + "/" + name;
        while (true) {
            KeyValue kv = storage.get(key);
            if (kv == null) {
                throw StatusException.notFound("", "pods", name);
            }
            ObjectNode pod = parse(kv.value());
            ObjectNode m = Json.metadata(pod);
            if (!uid.isEmpty() && !uid.equals(Json.text(m, "uid"))) {
                throw conflict(name, "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + Json.text(m, "uid"));
            }
            if (!resourceVersion.isEmpty() && !resourceVersion.equals(Long.toString(kv.modRevision()))) {
                throw conflict(name, "Precondition failed: ResourceVersion in precondition: " + resourceVersion
                        + ", ResourceVersion in object meta: " + kv.modRevision());
            }
            if (!Json.text(m, "deletionTimestamp").isEmpty()) {
                throw conflict(name, "pod " + name + " is being deleted, cannot be assigned to a host");
            }
            ObjectNode spec = pod.with("spec");
            String assigned = spec.path("nodeName").asText("");
            if (!assigned.isEmpty()) {
                throw conflict(name, "pod " + name + " is already assigned to node \"" + assigned + "\"");
            }
            if (spec.path("schedulingGates").size() > 0) {
                throw conflict(name, "pod " + name + " has non-empty .spec.schedulingGates");
            }
            spec.put("nodeName", node);
            for (Map.Entry<String, String> a : Json.stringMap(meta.path("annotations")).entrySet()) {
                m.with("annotations").put(a.getKey(), a.getValue());
            }
            scheduled(pod.with("status"));
            if (ctx.dryRun()) {
                return success();
            }
            try {
                storage.update(key, kv.modRevision(), MAPPER.writeValueAsBytes(pod));
                return success();
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT) {
                    throw StatusException.internal(e.getMessage());
                }
            } catch (IOException e) {
                throw StatusException.internal(e.getMessage());
            }
        }
    }

    /** kube's {@code UpdatePodCondition} with {@code PodScheduled=True}: the transition time moves only with the status. */
    private static void scheduled(ObjectNode status) {
        ArrayNode conditions = status.withArray("conditions");
        String now = Json.now();
        for (JsonNode c : conditions) {
            if ("PodScheduled".equals(c.path("type").asText())) {
                ObjectNode o = (ObjectNode) c;
                if (!"True".equals(o.path("status").asText())) {
                    o.put("lastTransitionTime", now);
                }
                o.put("status", "True");
                o.remove("reason");
                o.remove("message");
                return;
            }
        }
        ObjectNode c = conditions.addObject();
        c.put("type", "PodScheduled");
        c.put("status", "True");
        c.putNull("lastProbeTime");
        c.put("lastTransitionTime", now);
    }

    private static StatusException conflict(String name, String why) {
        return StatusException.conflict("", "pods/binding", name, why);
    }

    static ObjectNode success() {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success");
        s.put("code", 201);
        return s;
    }

    private static ObjectNode parse(byte[] value) {
        try {
            return (ObjectNode) MAPPER.readTree(value);
        } catch (IOException | ClassCastException e) {
            throw StatusException.internal("stored pod is corrupt: " + e.getMessage());
        }
    }
}
