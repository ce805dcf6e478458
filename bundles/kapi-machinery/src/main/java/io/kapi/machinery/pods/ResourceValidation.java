package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's validation of compute resources (pkg/apis/core/validation: {@code validateResourceRequirements}
 * with {@code validateContainerResourceName}, {@code ValidateResourceQuantityValue}, the hugepages rules,
 * {@code validateResizePolicy}, {@code validateOverhead}) and the resource-name helpers of
 * pkg/apis/core/helper it relies on: standard, native, extended and hugepages names, which resources may be
 * overcommitted and which must be integers.
 */
final class ResourceValidation {
    private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
            "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services",
            "replicationcontrollers", "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps",
            "services.nodeports", "services.loadbalancers", "storage", "requests.storage");
    private static final Set<String> STANDARD_CONTAINER = Set.of("cpu", "memory", "ephemeral-storage");
    private static final Set<String> INTEGER = Set.of("pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
            "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
    private static final List<String> RESIZE_RESOURCES = List.of("cpu", "memory");
    private static final List<String> RESIZE_POLICIES = List.of("NotRequired", "RestartContainer");
    private static final String HUGEPAGES = "hugepages-";

    private ResourceValidation() {
    }

    /** A container's {@code resources} at {@code path}. */
    static void requirements(JsonNode resources, String path, List<FieldCause> causes) {
        JsonNode limits = resources == null ? null : resources.get("limits");
        JsonNode requests = resources == null ? null : resources.get("requests");
        boolean cpuOrMemory = false;
        boolean hugePages = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = GoValues.fields(limits); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + ".limits[" + e.getKey() + "]";
            containerResourceName(e.getKey(), at, causes);
            Quantity q = quantity(e.getValue(), at, causes);
            if (q == null) {
                continue;
            }
            quantityValue(e.getKey(), q, e.getValue().asText(), at, causes);
            if (isHugePages(e.getKey())) {
                hugePages = true;
                hugePageValue(e.getKey(), q, at, causes);
            }
            cpuOrMemory |= RESIZE_RESOURCES.contains(e.getKey());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = GoValues.fields(requests); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String at = path + ".requests[" + name + "]";
            containerResourceName(name, at, causes);
            Quantity q = quantity(e.getValue(), at, causes);
            if (q == null) {
                continue;
            }
            quantityValue(name, q, e.getValue().asText(), at, causes);
            JsonNode limit = limits == null ? null : limits.get(name);
            Quantity l = limit == null ? null : Quantity.parseOrNull(limit.asText());
            if (limit != null && l != null) {
                if (q.compareTo(l) != 0 && !overcommitAllowed(name)) {
                    causes.add(FieldCause.invalid(path + ".requests", q.toString(), "must be equal to " + name + " limit of " + l));
                } else if (q.compareTo(l) > 0) {
                    causes.add(FieldCause.invalid(path + ".requests", q.toString(), "must be less than or equal to " + name + " limit of " + l));
                }
            } else if (limit == null && !overcommitAllowed(name)) {
                causes.add(FieldCause.required(path + ".limits", "Limit must be set for non overcommitable resources"));
            }
            if (isHugePages(name)) {
                hugePages = true;
                hugePageValue(name, q, at, causes);
            }
            cpuOrMemory |= RESIZE_RESOURCES.contains(name);
        }
        if (!cpuOrMemory && hugePages) {
            causes.add(FieldCause.forbidden(path, "HugePages require cpu or memory"));
        }
    }

    /** A pod's {@code overhead}: validated as the limits of a container's resources, as kube does. */
    static void overhead(JsonNode overhead, String path, List<FieldCause> causes) {
        com.fasterxml.jackson.databind.node.ObjectNode asLimits = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        asLimits.set("limits", overhead);
        requirements(asLimits, path, causes);
    }

    /** kube's {@code validateResizePolicy}: cpu or memory, once each, with a known restart policy. */
    static void resizePolicy(JsonNode list, String path, String podRestartPolicy, List<FieldCause> causes) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        int i = 0;
        for (JsonNode p : list) {
            String name = p.path("resourceName").asText("");
            String policy = p.path("restartPolicy").asText("");
            if (!seen.add(name)) {
                causes.add(FieldCause.duplicate(path + "[" + i + "]", name));
            }
            if (name.isEmpty()) {
                causes.add(FieldCause.required(path, ""));
            } else if (!RESIZE_RESOURCES.contains(name)) {
                causes.add(FieldCause.notSupported(path, name, RESIZE_RESOURCES));
            }
            if (policy.isEmpty()) {
                causes.add(FieldCause.required(path, ""));
            } else if (!RESIZE_POLICIES.contains(policy)) {
                causes.add(FieldCause.notSupported(path, policy, RESIZE_POLICIES));
            }
            if ("Never".equals(podRestartPolicy) && !policy.equals("NotRequired")) {
                causes.add(FieldCause.invalid(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
            }
            i++;
        }
    }

    /** A resize policy list as Go's {@code %#v} prints kube's internal type. */
    static String goResizePolicies(JsonNode list) {
        List<String> items = new java.util.ArrayList<>();
        for (JsonNode p : list) {
            items.add("core.ContainerResizePolicy{ResourceName:" + FieldCause.goQuote(p.path("resourceName").asText(""))
                    + ", RestartPolicy:" + FieldCause.goQuote(p.path("restartPolicy").asText("")) + "}");
        }
        return "[]core.ContainerResizePolicy{" + String.join(", ", items) + "}";
    }

    private static Quantity quantity(JsonNode value, String path, List<FieldCause> causes) {
        Quantity q = Quantity.parseOrNull(value.asText());
        if (q == null) {
            causes.add(FieldCause.invalid(path, value.asText(), Quantity.ERR_FORMAT_WRONG));
        }
        return q;
    }

    /** kube's {@code validateContainerResourceName} after {@code validateResourceName}. */
    static void containerResourceName(String name, String path, List<FieldCause> causes) {
        List<String> errs = NameValidation.isQualifiedName(name);
        if (!errs.isEmpty()) {
            errs.forEach(msg -> causes.add(FieldCause.invalid(path, name, msg)));
        } else if (!name.contains("/") && !isStandard(name)) {
            causes.add(FieldCause.invalid(path, name, "must be a standard resource type or fully qualified"));
        }
        if (!name.contains("/")) {
            if (!STANDARD_CONTAINER.contains(name) && !isHugePages(name)) {
                causes.add(FieldCause.invalid(path, name, "must be a standard resource for containers"));
            }
        } else if (!isNative(name) && !isExtended(name)) {
            causes.add(FieldCause.invalid(path, name, "doesn't follow extended resource name standard"));
        }
    }

    /**
     * kube's {@code ValidateResourceQuantityValue}. For "must be an integer" kube hands the Quantity struct
     * itself to {@code field.Invalid}, which Go prints with {@code %#v}; Kapi prints the quantity as sent.
     */
    private static void quantityValue(String name, Quantity q, String text, String path, List<FieldCause> causes) {
        if (q.sign() < 0) {
            causes.add(FieldCause.invalid(path, q.toString(), "must be greater than or equal to 0"));
        }
        if (isInteger(name) && q.decimal().remainder(BigDecimal.ONE).signum() != 0) {
            causes.add(FieldCause.invalidRendered(path, text, "must be an integer"));
        }
    }

    private static void hugePageValue(String name, Quantity q, String path, List<FieldCause> causes) {
        Quantity size = Quantity.parseOrNull(name.substring(HUGEPAGES.length()));
        boolean divisible = size != null && size.sign() > 0 && size.decimal().remainder(BigDecimal.ONE).signum() == 0
                && q.value() % size.value() == 0;
        if (!divisible) {
            causes.add(FieldCause.invalid(path, q.toString(), q + " is not positive integer multiple of " + name));
        }
    }

    static boolean isHugePages(String name) {
        return name.startsWith(HUGEPAGES);
    }

    private static boolean isStandard(String name) {
        return STANDARD.contains(name) || isHugePages(name) || name.startsWith("requests." + HUGEPAGES);
    }

    /** kube's {@code IsNativeResource}: unprefixed, or prefixed with a kubernetes.io domain. */
    static boolean isNative(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    /** kube's {@code IsExtendedResourceName}: not native, not a quota name, and a qualified name behind "requests.". */
    static boolean isExtended(String name) {
        return !isNative(name) && !name.startsWith("requests.") && NameValidation.isQualifiedName("requests." + name).isEmpty();
    }

    private static boolean isInteger(String name) {
        return INTEGER.contains(name) || isExtended(name);
    }

    /** kube's {@code IsOvercommitAllowed}: native resources but hugepages. */
    static boolean overcommitAllowed(String name) {
        return isNative(name) && !isHugePages(name);
    }
}
