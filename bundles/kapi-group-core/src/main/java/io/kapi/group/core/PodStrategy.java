package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.pods.PodDefaults;
import io.kapi.machinery.pods.PodValidation;
import io.kapi.machinery.quantity.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's Pod as a stored object (no kubelet, no scheduler): the pod spec's defaults and the Pod's own
 * (requests from limits, service links, priority 0, the default service account's name, the
 * not-ready/unreachable tolerations kube's admission adds), phase Pending and the QoS class on create,
 * kube's create and update validation, field selectors and printer.
 */
final class PodStrategy implements Strategy {
    static final String UPDATABLE = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
            + "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        PodDefaults.spec(spec);
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                // SetDefaults_Pod: a limit without a request requests as much
                if (c.path("resources").get("limits") instanceof ObjectNode limits && c instanceof ObjectNode container) {
                    ObjectNode requests = container.with("resources").with("requests");
                    limits.fields().forEachRemaining(e -> {
                        if (!requests.has(e.getKey())) {
                            requests.set(e.getKey(), e.getValue());
                        }
                    });
                }
                if (spec.path("hostNetwork").asBoolean(false)) {
                    for (JsonNode p : c.path("ports")) {
                        if (p instanceof ObjectNode port && port.path("hostPort").asLong(0) == 0) {
                            port.set("hostPort", port.path("containerPort"));
                        }
                    }
                }
            }
        }
        if (!spec.hasNonNull("enableServiceLinks")) {
            spec.put("enableServiceLinks", true);
        }
        // what kube's ServiceAccount, Priority and DefaultTolerationSeconds admission plugins add to every pod
        if (spec.path("serviceAccountName").asText("").isEmpty()) {
            spec.put("serviceAccountName", spec.path("serviceAccount").asText("").isEmpty() ? "default" : spec.path("serviceAccount").asText());
        }
        spec.put("serviceAccount", spec.path("serviceAccountName").asText());
        if (!spec.hasNonNull("priority") && !spec.hasNonNull("priorityClassName")) {
            spec.put("priority", 0);
        }
        if (!spec.hasNonNull("preemptionPolicy")) {
            spec.put("preemptionPolicy", "PreemptLowerPriority");
        }
        ArrayNode tolerations = spec.get("tolerations") instanceof ArrayNode t ? t : spec.putArray("tolerations");
        for (String key : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
            boolean covered = false;
            for (JsonNode t : tolerations) {
                String k = t.path("key").asText("");
                String effect = t.path("effect").asText("");
                covered |= (k.equals(key) || k.isEmpty()) && (effect.equals("NoExecute") || effect.isEmpty());
            }
            if (!covered) {
                tolerations.addObject().put("effect", "NoExecute").put("key", key).put("operator", "Exists").put("tolerationSeconds", 300);
            }
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode status = object.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", qos(object.path("spec")));
    }

    /**
     * kube's ComputePodQOS over cpu and memory of the containers and init containers: positive requests
     * and limits summed per resource; Guaranteed when every container limits both and the sums of requests
     * and limits agree, BestEffort with neither, Burstable otherwise.
     */
    static String qos(JsonNode spec) {
        Map<String, Quantity> requests = new java.util.HashMap<>();
        Map<String, Quantity> limits = new java.util.HashMap<>();
        boolean guaranteed = true;
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : spec.path(list)) {
                add(c.path("resources").path("requests"), requests);
                if (add(c.path("resources").path("limits"), limits) < 2) {
                    guaranteed = false;
                }
            }
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return "BestEffort";
        }
        for (Map.Entry<String, Quantity> r : requests.entrySet()) {
            guaranteed &= limits.containsKey(r.getKey()) && limits.get(r.getKey()).compareTo(r.getValue()) == 0;
        }
        return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
    }

    /** Adds the positive cpu and memory quantities of {@code list} to {@code sums}; how many there were. */
    private static int add(JsonNode list, Map<String, Quantity> sums) {
        int found = 0;
        for (String r : new String[] {"cpu", "memory"}) {
            Quantity q = list.hasNonNull(r) ? Quantity.parseOrNull(list.get(r).asText()) : null;
            if (q != null && q.sign() > 0) {
                found++;
                sums.merge(r, q, (a, b) -> Quantity.parse(a.decimal().add(b.decimal()).toPlainString()));
            }
        }
        return found;
    }

    /**
     * kube's ValidatePodCreate: the pod's metadata-dependent rules and spec ({@link PodValidation#pod}),
     * no ephemeral containers (they come through their subresource), no node name while scheduling gates
     * remain.
     */
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>(PodValidation.pod(object));
        JsonNode spec = object.path("spec");
        if (spec.path("ephemeralContainers").size() > 0) {
            causes.add(FieldCause.forbidden("spec.ephemeralContainers", "cannot be set on create"));
        }
        if (!spec.path("nodeName").asText("").isEmpty() && spec.path("schedulingGates").size() > 0) {
            causes.add(FieldCause.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
        }
        return causes;
    }

    /** kube's ValidatePodUpdate, see {@link PodUpdateValidation}. */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return PodUpdateValidation.validate(object, old);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        JsonNode spec = object.path("spec");
        JsonNode status = object.path("status");
        String podIP = status.path("podIPs").size() > 0 ? status.path("podIPs").get(0).path("ip").asText("") : status.path("podIP").asText("");
        return Map.ofEntries(Map.entry("spec.nodeName", spec.path("nodeName").asText("")),
                Map.entry("spec.restartPolicy", spec.path("restartPolicy").asText("")),
                Map.entry("spec.schedulerName", spec.path("schedulerName").asText("")),
                Map.entry("spec.serviceAccountName", spec.path("serviceAccountName").asText("")),
                Map.entry("spec.hostNetwork", Boolean.toString(spec.path("hostNetwork").asBoolean(false))),
                Map.entry("status.phase", status.path("phase").asText("")),
                Map.entry("status.podIP", podIP),
                Map.entry("status.podIPs", podIP),
                Map.entry("status.nominatedNodeName", status.path("nominatedNodeName").asText("")));
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."), PodStrategy::ready)
                .column(TableColumn.of("Status", "string", "The aggregate status of the containers in this pod."), PodStrategy::status)
                .column(TableColumn.of("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
                        PodStrategy::restarts)
                .age()
                .column(new TableColumn("IP", "string", "", "podIP address allocated to the pod.", 1),
                        o -> o.path("status").path("podIPs").size() > 0 ? o.path("status").path("podIPs").get(0).path("ip").asText() : "<none>")
                .column(new TableColumn("Node", "string", "", "NodeName indicates in which node this pod is scheduled.", 1),
                        o -> o.path("spec").path("nodeName").asText("").isEmpty() ? "<none>" : o.path("spec").path("nodeName").asText())
                .column(new TableColumn("Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1),
                        o -> o.path("status").path("nominatedNodeName").asText("").isEmpty() ? "<none>" : o.path("status").path("nominatedNodeName").asText())
                .column(new TableColumn("Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
                        PodStrategy::readinessGates)
                .build();
    }

    private static String ready(ObjectNode pod) {
        long total = pod.path("spec").path("containers").size();
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            if (c.path("restartPolicy").asText("").equals("Always")) {
                total++;
            }
        }
        long ready = 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            if (s.path("ready").asBoolean(false) && s.path("state").has("running")) {
                ready++;
            }
        }
        return ready + "/" + total;
    }

    private static String status(ObjectNode pod) {
        JsonNode status = pod.path("status");
        String reason = status.path("phase").asText("");
        if (!status.path("reason").asText("").isEmpty()) {
            reason = status.path("reason").asText();
        }
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText("").equals("PodScheduled") && c.path("reason").asText("").equals("SchedulingGated")) {
                reason = "SchedulingGated";
            }
        }
        for (JsonNode s : status.path("containerStatuses")) {
            String waiting = s.path("state").path("waiting").path("reason").asText("");
            String terminated = s.path("state").path("terminated").path("reason").asText("");
            if (!waiting.isEmpty()) {
                reason = waiting;
            } else if (!terminated.isEmpty()) {
                reason = terminated;
            } else if (s.path("state").has("running") && s.path("ready").asBoolean(false)) {
                reason = "Running";
            }
        }
        boolean deleting = !Json.text(pod.get("metadata"), "deletionTimestamp").isEmpty();
        if (deleting && status.path("reason").asText("").equals("NodeLost")) {
            return "Unknown";
        }
        if (deleting && !reason.equals("Succeeded") && !reason.equals("Failed") && !reason.equals("Completed")) {
            return "Terminating";
        }
        return reason;
    }

    private static String restarts(ObjectNode pod) {
        long count = 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            count += s.path("restartCount").asLong(0);
        }
        return Long.toString(count);
    }

    private static String readinessGates(ObjectNode pod) {
        JsonNode gates = pod.path("spec").path("readinessGates");
        if (gates.size() == 0) {
            return "<none>";
        }
        long ok = 0;
        for (JsonNode g : gates) {
            for (JsonNode c : pod.path("status").path("conditions")) {
                if (c.path("type").asText("").equals(g.path("conditionType").asText()) && c.path("status").asText("").equals("True")) {
                    ok++;
                }
            }
        }
        return ok + "/" + gates.size();
    }
}
