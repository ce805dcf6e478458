package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.NamedCreater;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.StorageException;
import io.kapi.machinery.selection.LabelSelector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pods/eviction}, as kube's {@code EvictionREST}: a pod is deleted unless that would break the one
 * PodDisruptionBudget (policy/v1, read from its storage) that selects it. A budget that allows a
 * disruption has it taken ({@code disruptionsAllowed} decremented, the pod listed in
 * {@code disruptedPods}) before the pod is deleted; one that allows none, or that its controller has not
 * processed yet ({@code observedGeneration} behind), answers 429. A pod that is pending, finished or
 * already being deleted is deleted without looking at budgets. Kapi runs no disruption controller, so
 * a budget allows disruptions only as far as its status says so.
 */
final class PodEvictionRest implements NamedCreater {
    static final String BUDGETS = "/registry/policy/poddisruptionbudgets/";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** kube's {@code MaxDisruptedPodSize}. */
    private static final int MAX_DISRUPTED_PODS = 2000;
    private final Storage storage;
    private final RestStore pods;

    PodEvictionRest(Storage storage, RestStore pods) {
        this.storage = storage;
        this.pods = pods;
    }

    @Override
    public ObjectNode create(RequestContext ctx, String name, ObjectNode eviction) {
        if (!name.equals(Json.text(eviction.get("metadata"), "name"))) {
            throw StatusException.badRequest("name in URL does not match name in Eviction object");
        }
        ObjectNode deleteOptions = eviction.get("deleteOptions") instanceof ObjectNode o ? o.deepCopy() : Json.object();
        ObjectNode pod = pods.get(ctx, name, null);
        String phase = pod.path("status").path("phase").asText("");
        boolean ignoreBudgets = phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Pending")
                || !Json.text(pod.get("metadata"), "deletionTimestamp").isEmpty();
        if (!ignoreBudgets) {
            List<KeyValue> budgets = budgetsOf(ctx.namespace(), pod);
            if (budgets.size() > 1) {
                return failure("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }
            if (budgets.size() == 1 && !(unready(pod) && enoughHealthy(budgets.get(0)))) {
                checkAndDecrement(budgets.get(0), name, ctx.dryRun());
            }
        }
        pods.delete(ctx, name, deleteOptions);
        return PodBindingRest.success();
    }

    /** The budgets of the pod's namespace whose selector (not empty) selects it. */
    private List<KeyValue> budgetsOf(String namespace, ObjectNode pod) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : storage.list(BUDGETS + namespace + "/", 0, null, 0).items()) {
            JsonNode selector = parse(kv.value()).path("spec").path("selector");
            if (selector.isMissingNode() || selector.isNull()) {
                continue;
            }
            LabelSelector s;
            try {
                s = LabelSelector.fromObject(selector);
            } catch (RuntimeException e) {
                continue; // kube skips a budget whose selector does not convert
            }
            // a budget with an empty selector matches nothing here, as kube's eviction decides
            if (!s.isEmpty() && s.matches(Json.labels(pod))) {
                out.add(kv);
            }
        }
        return out;
    }

    private static boolean unready(ObjectNode pod) {
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return !"True".equals(c.path("status").asText());
            }
        }
        return true;
    }

    /** An unready pod does not count as healthy: evicting it takes nothing while the budget has its healthy pods. */
    private static boolean enoughHealthy(KeyValue budget) {
        JsonNode status = parse(budget.value()).path("status");
        long desired = status.path("desiredHealthy").asLong(0);
        return status.path("currentHealthy").asLong(0) >= desired && desired > 0;
    }

    /** kube's {@code checkAndDecrement}, retried on a write in between. */
    private void checkAndDecrement(KeyValue budget, String podName, boolean dryRun) {
        for (KeyValue kv = budget; kv != null; kv = storage.get(kv.key())) {
            ObjectNode pdb = parse(kv.value());
            String pdbName = Json.name(pdb);
            ObjectNode status = pdb.with("status");
            if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0)) {
                throw tooMany(10, "The disruption budget " + pdbName + " is still being processed by the server.");
            }
            long allowed = status.path("disruptionsAllowed").asLong(0);
            if (allowed < 0) {
                throw forbidden(pdbName, "pdb disruptions allowed is negative");
            }
            if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS) {
                throw forbidden(pdbName, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
            }
            if (allowed == 0) {
                throw tooMany(0, "The disruption budget " + pdbName + " needs " + status.path("desiredHealthy").asLong(0)
                        + " healthy pods and has " + status.path("currentHealthy").asLong(0) + " currently");
            }
            status.put("disruptionsAllowed", allowed - 1);
            if (dryRun) {
                return;
            }
            status.with("disruptedPods").put(podName, Json.now());
            try {
                storage.update(kv.key(), kv.modRevision(), MAPPER.writeValueAsBytes(pdb));
                return;
            } catch (StorageException e) {
                if (e.code() != StorageException.Code.CONFLICT) {
                    throw StatusException.internal(e.getMessage());
                }
            } catch (IOException e) {
                throw StatusException.internal(e.getMessage());
            }
        }
        throw StatusException.notFound("policy", "poddisruptionbudgets", budget.key().substring(budget.key().lastIndexOf('/') + 1));
    }

    private static StatusException tooMany(int retryAfter, String cause) {
        return new StatusException(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                null, null, null, List.of(new FieldCause("DisruptionBudget", cause, null)), retryAfter);
    }

    private static StatusException forbidden(String pdbName, String why) {
        return new StatusException(403, "Forbidden", "poddisruptionbudget.policy \"" + pdbName + "\" is forbidden: " + why,
                "policy", "poddisruptionbudget", pdbName, null, 0);
    }

    /** kube answers these as a Status of failure in a 201's place, with the code in the body. */
    private static ObjectNode failure(String message) {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", message);
        s.put("code", 500);
        return s;
    }

    private static ObjectNode parse(byte[] value) {
        try {
            return (ObjectNode) MAPPER.readTree(value);
        } catch (IOException | ClassCastException e) {
            throw StatusException.internal("stored object is corrupt: " + e.getMessage());
        }
    }
}
