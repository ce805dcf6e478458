package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube 1.32's Node as a stored object (no kubelet, no node controller): pkg/registry/core/node/strategy.go
 * and ValidateNode / ValidateNodeUpdate. Every field, status too, may be set on create ({@link NodeRest}
 * carries the status past the store); an update keeps the stored status; {@code spec.configSource} and
 * {@code status.config} (dynamic kubelet configuration, removed) are dropped unless the stored node has them.
 */
class NodeStrategy implements Strategy {
    static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    static final String NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
    static final String CIDR_CHANGED = "node updates may not change podCIDR except from \"\" to valid";
    static final String PROVIDER_CHANGED = "node updates may not change providerID except from \"\" to valid";
    /** The fields of NodeSystemInfo, strings Go always writes. */
    private static final String[] NODE_INFO = {"machineID", "systemUUID", "bootID", "kernelVersion", "osImage",
            "containerRuntimeVersion", "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture"};

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        // Convert_v1_NodeSpec_To_core_NodeSpec and back: podCIDRs leads unless podCIDR disagrees with its first entry
        String podCIDR = spec.path("podCIDR").asText("");
        JsonNode cidrs = spec.get("podCIDRs");
        if (!podCIDR.isEmpty() && (cidrs == null || cidrs.isEmpty() || !cidrs.get(0).asText("").equals(podCIDR))) {
            spec.putArray("podCIDRs").add(podCIDR);
        } else if (podCIDR.isEmpty() && cidrs != null && !cidrs.isEmpty()) {
            spec.put("podCIDR", cidrs.get(0).asText(""));
        }
        ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
        // SetDefaults_NodeStatus: allocatable is the capacity when unset; then SetDefaults_ResourceList on both
        if (!status.hasNonNull("allocatable") && status.get("capacity") instanceof ObjectNode capacity) {
            status.set("allocatable", capacity.deepCopy());
        }
        Volumes.canonicalize(status.get("capacity"), "Node");
        Volumes.canonicalize(status.get("allocatable"), "Node");
        // the structs Go always writes: daemonEndpoints.kubeletEndpoint.Port and every string of nodeInfo
        ObjectNode endpoints = status.get("daemonEndpoints") instanceof ObjectNode d ? d : status.putObject("daemonEndpoints");
        ObjectNode kubelet = endpoints.get("kubeletEndpoint") instanceof ObjectNode k ? k : endpoints.putObject("kubeletEndpoint");
        if (!kubelet.hasNonNull("Port")) {
            kubelet.put("Port", 0);
        }
        ObjectNode info = status.get("nodeInfo") instanceof ObjectNode i ? i : status.putObject("nodeInfo");
        for (String f : NODE_INFO) {
            if (!info.hasNonNull(f)) {
                info.put(f, "");
            }
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        // dropDisabledFields on create
        if (object.get("spec") instanceof ObjectNode spec) {
            spec.remove("configSource");
        }
        if (object.get("status") instanceof ObjectNode status) {
            status.remove("config");
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        // the store kept the stored status; a config source only stays where the stored node has one
        if (!old.path("spec").hasNonNull("configSource") && object.get("spec") instanceof ObjectNode spec) {
            spec.remove("configSource");
        }
    }

    /** kube's ValidateNode (its metadata is the store's). */
    @Override
    public List<FieldCause> validate(ObjectNode node) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = node.path("spec");
        if (spec.path("taints").size() > 0) {
            // kube reports the taints under metadata: fldPath is the metadata path there
            taints(spec.path("taints"), "metadata.taints", causes);
        }
        resources(node, causes);
        JsonNode cidrs = spec.path("podCIDRs");
        if (cidrs.size() > 0) {
            int i = 0;
            for (JsonNode c : cidrs) {
                if (cidrFamily(c.asText("")) == 0) {
                    causes.add(FieldCause.invalid("spec.podCIDRs[" + i + "]", c.asText(""),
                            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                }
                i++;
            }
            if (cidrs.size() > 1) {
                // netutils.IsDualStackCIDRStrings: one of each family, none invalid (kube adds an internal error for those)
                Set<Integer> families = new HashSet<>();
                cidrs.forEach(c -> families.add(cidrFamily(c.asText(""))));
                boolean dual = !families.contains(0) && families.contains(4) && families.contains(6);
                if (!dual || cidrs.size() > 2) {
                    causes.add(FieldCause.invalidRendered("spec.podCIDRs", ResourceLists.goStrings(cidrs),
                            "may specify no more than one CIDR for each IP family"));
                }
                Set<String> seen = new HashSet<>();
                i = 0;
                for (JsonNode c : cidrs) {
                    if (!seen.add(c.asText(""))) {
                        causes.add(FieldCause.duplicate("spec.podCIDRs[" + i + "]", c.asText("")));
                    }
                    i++;
                }
            }
        }
        return causes;
    }

    /** kube's strategy runs ValidateNode and ValidateNodeUpdate, so what both check is reported twice. */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode node, ObjectNode old) {
        List<FieldCause> causes = validate(node);
        causes.addAll(validateNodeUpdate(node, old));
        return causes;
    }

    /** kube's ValidateNodeUpdate, which the status subresource runs alone. */
    static List<FieldCause> validateNodeUpdate(ObjectNode node, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        resources(node, causes);
        Set<String> addresses = new HashSet<>();
        int i = 0;
        for (JsonNode a : node.path("status").path("addresses")) {
            String type = a.path("type").asText("");
            String address = a.path("address").asText("");
            if (!addresses.add(type + "\n" + address)) {
                causes.add(new FieldCause("FieldValueDuplicate", "Duplicate value: core.NodeAddress{Type:" + FieldCause.goQuote(type)
                        + ", Address:" + FieldCause.goQuote(address) + "}", "status.addresses[" + i + "]"));
            }
            i++;
        }
        JsonNode spec = node.path("spec");
        JsonNode oldSpec = old.path("spec");
        // the node IPAM controller may set the pod CIDRs once
        JsonNode oldCidrs = oldSpec.path("podCIDRs");
        if (oldCidrs.size() > 0) {
            JsonNode cidrs = spec.path("podCIDRs");
            if (oldCidrs.size() != cidrs.size()) {
                causes.add(FieldCause.forbidden("spec.podCIDRs", CIDR_CHANGED));
            } else {
                for (int c = 0; c < oldCidrs.size(); c++) {
                    if (!oldCidrs.get(c).asText("").equals(cidrs.get(c).asText(""))) {
                        causes.add(FieldCause.forbidden("spec.podCIDRs", CIDR_CHANGED));
                    }
                }
            }
        }
        String oldProvider = oldSpec.path("providerID").asText("");
        if (!oldProvider.isEmpty() && !oldProvider.equals(spec.path("providerID").asText(""))) {
            causes.add(FieldCause.forbidden("spec.providerID", PROVIDER_CHANGED));
        }
        // configSource and status.config never get stored here (they are dropped), so their validation has nothing to see
        if (spec.path("taints").size() > 0) {
            taints(spec.path("taints"), "metadata.taints", causes);
        }
        if (!Objects.equals(spec.path("externalID").asText(""), oldSpec.path("externalID").asText(""))) {
            causes.add(FieldCause.forbidden("spec.externalID", "may not be updated"));
        }
        return causes;
    }

    /** kube's ValidateNodeResources: the capacity and allocatable quantities. */
    private static void resources(ObjectNode node, List<FieldCause> causes) {
        ResourceLists.list(node.path("status").get("capacity"), "status.capacity", null, causes);
        ResourceLists.list(node.path("status").get("allocatable"), "status.allocatable", null, causes);
    }

    /** kube's validateNodeTaints: key, value and effect of each, unique by key and effect. */
    static void taints(JsonNode taints, String path, List<FieldCause> causes) {
        Map<String, Set<String>> unique = new HashMap<>();
        int i = 0;
        for (JsonNode t : taints) {
            String at = path + "[" + i++ + "]";
            String key = t.path("key").asText("");
            String value = t.path("value").asText("");
            String effect = t.path("effect").asText("");
            for (String msg : NameValidation.isQualifiedName(key)) {
                causes.add(FieldCause.invalid(at + ".key", key, msg));
            }
            List<String> valueErrors = NameValidation.isValidLabelValue(value);
            if (!valueErrors.isEmpty()) {
                causes.add(FieldCause.invalid(at + ".value", value, String.join(";", valueErrors)));
            }
            if (effect.isEmpty()) {
                causes.add(FieldCause.required(at + ".effect", ""));
            } else if (!TAINT_EFFECTS.contains(effect)) {
                causes.add(FieldCause.notSupported(at + ".effect", effect, TAINT_EFFECTS));
            }
            if (!unique.computeIfAbsent(effect, e -> new HashSet<>()).add(key)) {
                JsonNode added = t.get("timeAdded");
                String goTaint = "core.Taint{Key:" + FieldCause.goQuote(key) + ", Value:" + FieldCause.goQuote(value)
                        + ", Effect:" + FieldCause.goQuote(effect) + ", TimeAdded:(*v1.Time)("
                        + (added == null || added.isNull() ? "nil" : Volumes.GO_POINTER) + ")}";
                causes.add(new FieldCause("FieldValueDuplicate", "Duplicate value: " + goTaint
                        + ": taints must be unique by key and effect pair", at));
            }
        }
    }

    // ---- CIDRs as Go's (sloppy) ParseCIDR reads them

    /** The IP family of a CIDR: 4, 6, or 0 when Go's ParseCIDRSloppy refuses it. A v4-mapped IPv6 address is family 4, as Go's To4 sees it. */
    static int cidrFamily(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return 0;
        }
        String mask = cidr.substring(slash + 1);
        if (mask.isEmpty() || mask.length() > 7 || !mask.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        int bits = Integer.parseInt(mask);
        String ip = cidr.substring(0, slash);
        if (ipv4(ip) != null) {
            return bits <= 32 ? 4 : 0;
        }
        int[] v6 = ipv6(ip);
        if (v6 == null || bits > 128) {
            return 0;
        }
        boolean mapped = v6[0] == 0 && v6[1] == 0 && v6[2] == 0 && v6[3] == 0 && v6[4] == 0 && v6[5] == 0xffff;
        return mapped ? 4 : 6;
    }

    /** The four bytes of a dotted IPv4 address (leading zeros allowed, as the sloppy parser does), or null. */
    static int[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 9 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            out[i] = Integer.parseInt(p);
            if (out[i] > 255) {
                return null;
            }
        }
        return out;
    }

    /** The eight 16-bit groups of an IPv6 address (with "::" and a trailing dotted IPv4 part), or null. */
    static int[] ipv6(String s) {
        int ellipsis = s.indexOf("::");
        if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
            return null;
        }
        List<Integer> head = ellipsis < 0 ? groups(s, true) : groups(s.substring(0, ellipsis), false);
        List<Integer> tail = ellipsis < 0 ? List.of() : groups(s.substring(ellipsis + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int count = head.size() + tail.size();
        if (ellipsis < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] out = new int[8];
        for (int i = 0; i < head.size(); i++) {
            out[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            out[8 - tail.size() + i] = tail.get(i);
        }
        return out;
    }

    /** The groups of one side of "::"; the last group of the address may be a dotted IPv4 address (two groups). */
    private static List<Integer> groups(String s, boolean last) {
        List<Integer> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (last && i == parts.length - 1 && p.contains(".")) {
                int[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                out.add(v4[0] << 8 | v4[1]);
                out.add(v4[2] << 8 | v4[3]);
            } else if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return null;
            } else {
                out.add(Integer.parseInt(p, 16));
            }
        }
        return out;
    }

    // ---- listing

    /** kube's NodeToSelectableFields: {@code spec.unschedulable} beside the name. */
    @Override
    public Map<String, String> selectableFields(ObjectNode node) {
        return Map.of("spec.unschedulable", Boolean.toString(node.path("spec").path("unschedulable").asBoolean(false)));
    }

    /** kube's printNode: NAME STATUS ROLES AGE VERSION, wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME. */
    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(TableColumn.of("Status", "string", "The status of the node"), NodeStrategy::status)
                .column(TableColumn.of("Roles", "string", "The roles of the node"), NodeStrategy::roles)
                .age()
                .column(TableColumn.of("Version", "string", "Kubelet Version reported by the node."),
                        o -> o.path("status").path("nodeInfo").path("kubeletVersion").asText(""))
                .column(wide("Internal-IP", ADDRESSES), o -> address(o, "InternalIP"))
                .column(wide("External-IP", ADDRESSES), o -> address(o, "ExternalIP"))
                .column(wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
                        o -> info(o, "osImage"))
                .column(wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
                        o -> info(o, "kernelVersion"))
                .column(wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
                        o -> info(o, "containerRuntimeVersion"))
                .build();
    }

    private static final String ADDRESSES = "List of addresses reachable to the node. Queried from cloud provider, if available. "
            + "More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, "
            + "but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should "
            + "instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that "
            + "addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be "
            + "possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

    private static TableColumn wide(String name, String description) {
        return new TableColumn(name, "string", "", description, 1);
    }

    /** Ready or NotReady from the (last) Ready condition, Unknown without one; SchedulingDisabled when cordoned. */
    static String status(ObjectNode node) {
        List<String> status = new ArrayList<>();
        JsonNode ready = null;
        for (JsonNode c : node.path("status").path("conditions")) {
            if (c.path("type").asText("").equals("Ready")) {
                ready = c;
            }
        }
        if (ready != null) {
            status.add(ready.path("status").asText("").equals("True") ? "Ready" : "NotReady");
        } else {
            status.add("Unknown");
        }
        if (node.path("spec").path("unschedulable").asBoolean(false)) {
            status.add("SchedulingDisabled");
        }
        return String.join(",", status);
    }

    /** kube's findNodeRoles: node-role.kubernetes.io/&lt;role&gt; labels and a kubernetes.io/role value, sorted; {@code <none>}. */
    static String roles(ObjectNode node) {
        Set<String> roles = new TreeSet<>();
        Json.labels(node).forEach((k, v) -> {
            if (k.startsWith(NODE_ROLE_PREFIX)) {
                String role = k.substring(NODE_ROLE_PREFIX.length());
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            } else if (k.equals("kubernetes.io/role") && !v.isEmpty()) {
                roles.add(v);
            }
        });
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String address(ObjectNode node, String type) {
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText("").equals(type)) {
                return a.path("address").asText("");
            }
        }
        return "<none>";
    }

    private static String info(ObjectNode node, String field) {
        String v = node.path("status").path("nodeInfo").path(field).asText("");
        return v.isEmpty() ? "<unknown>" : v;
    }

    /** The strategy of a create that carries a status, which the store drops before defaulting: it puts it back. */
    static NodeStrategy creatingWith(ObjectNode status) {
        return new NodeStrategy() {
            @Override
            public void applyDefaults(ObjectNode object) {
                object.set("status", status.deepCopy());
                super.applyDefaults(object);
            }
        };
    }
}
