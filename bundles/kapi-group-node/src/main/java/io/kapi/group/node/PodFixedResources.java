package io.kapi.group.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.machinery.quantity.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A RuntimeClass's {@code overhead.podFixed}, a resource list: decoded and defaulted as kube does
 * (quantities in kube's grammar, rounded up to milli scale by {@code SetDefaults_ResourceList}), and
 * validated as node's {@code validateOverhead} does, by kube 1.32's container resource requirements
 * check of a requirements value whose limits are the list: so the paths are
 * {@code overhead.limits[<name>]}, as kube reports them.
 */
final class PodFixedResources {
    /** kube's {@code standardResources} (pkg/apis/core/helper). */
    static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
            "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
            "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
            "services.nodeports", "services.loadbalancers");
    /** kube's {@code standardContainerResources}, hugepages aside. */
    static final Set<String> STANDARD_CONTAINER = Set.of("cpu", "memory", "ephemeral-storage");
    /** kube's {@code integerResources}, extended resources aside. */
    static final Set<String> INTEGER = Set.of("pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
            "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
    static final String HUGEPAGES = "hugepages-";

    private PodFixedResources() {
    }

    /**
     * What kube's decoder and defaulting make of the list: each value a quantity in canonical form,
     * rounded up to milli scale; a null is Go's zero quantity, {@code 0}. A value that is no quantity is
     * kube's 400, as its decoder refuses the body.
     */
    static void canonicalize(JsonNode list, String kind) {
        try {
            Quantity.canonicalizeList(list);
        } catch (Quantity.InvalidQuantityException ex) {
            throw undecodable(kind, ex.getMessage());
        }
    }

    private static StatusException undecodable(String kind, String message) {
        return StatusException.badRequest(kind + " in version \"v1\" cannot be handled as a " + kind + ": " + message);
    }

    /** kube's {@code validateResourceRequirements} of {@code {limits: list}} at {@code path}. */
    static List<FieldCause> validate(JsonNode list, String path) {
        List<FieldCause> causes = new ArrayList<>();
        if (list == null || !list.isObject()) {
            return causes;
        }
        boolean cpuOrMemory = false;
        boolean hugePages = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String at = path + ".limits[" + name + "]";
            containerResourceName(name, at, causes);
            Quantity q = Quantity.parseOrNull(e.getValue().asText("").trim());
            if (q == null) {
                // only a value that skipped defaulting gets here
                causes.add(FieldCause.invalid(at, e.getValue().asText(""), Quantity.ERR_FORMAT_WRONG));
                continue;
            }
            if (q.sign() < 0) {
                causes.add(FieldCause.invalid(at, q.toString(), "must be greater than or equal to 0"));
            }
            if (integer(name) && milliValue(q).remainder(BigDecimal.valueOf(1000)).signum() != 0) {
                causes.add(FieldCause.invalidRendered(at, q.goSyntax(), "must be an integer"));
            }
            if (name.startsWith(HUGEPAGES)) {
                hugePages = true;
                if (!hugePageDivisible(name, q)) {
                    causes.add(FieldCause.invalid(at, q.toString(), q + " is not positive integer multiple of " + name));
                }
            }
            cpuOrMemory |= name.equals("cpu") || name.equals("memory");
        }
        if (hugePages && !cpuOrMemory) {
            causes.add(FieldCause.forbidden(path, "HugePages require cpu or memory"));
        }
        return causes;
    }

    /** kube's {@code validateContainerResourceName}, after {@code validateResourceName}. */
    static void containerResourceName(String name, String path, List<FieldCause> causes) {
        List<String> qualified = NodeGroupProvider.qualifiedNameErrors(name);
        boolean unqualified = !name.contains("/");
        if (!qualified.isEmpty()) {
            qualified.forEach(msg -> causes.add(FieldCause.invalid(path, name, msg)));
        } else if (unqualified && !STANDARD.contains(name) && !quotaHugePages(name)) {
            causes.add(FieldCause.invalid(path, name, "must be a standard resource type or fully qualified"));
        }
        if (unqualified) {
            if (!STANDARD_CONTAINER.contains(name) && !name.startsWith(HUGEPAGES)) {
                causes.add(FieldCause.invalid(path, name, "must be a standard resource for containers"));
            }
        } else if (!nativeResource(name) && !extended(name)) {
            causes.add(FieldCause.invalid(path, name, "doesn't follow extended resource name standard"));
        }
    }

    private static boolean quotaHugePages(String name) {
        return name.startsWith(HUGEPAGES) || name.startsWith("requests." + HUGEPAGES);
    }

    /** kube's {@code IsNativeResource}: unqualified, or in the {@code kubernetes.io/} namespace. */
    private static boolean nativeResource(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    /** kube's {@code IsExtendedResourceName}. */
    static boolean extended(String name) {
        if (nativeResource(name) || name.startsWith("requests.")) {
            return false;
        }
        return NodeGroupProvider.qualifiedNameErrors("requests." + name).isEmpty();
    }

    private static boolean integer(String name) {
        return INTEGER.contains(name) || extended(name);
    }

    /** kube's {@code MilliValue()}: the value in thousandths, rounded up. */
    private static BigDecimal milliValue(Quantity q) {
        return q.decimal().movePointRight(3).setScale(0, RoundingMode.CEILING);
    }

    /** kube's {@code IsHugePageResourceValueDivisible}: a whole, positive number of pages of the name's size. */
    private static boolean hugePageDivisible(String name, Quantity q) {
        Quantity page = Quantity.parseOrNull(name.substring(HUGEPAGES.length()));
        if (page == null || page.sign() <= 0 || milliValue(page).remainder(BigDecimal.valueOf(1000)).signum() != 0) {
            return false;
        }
        return q.value() % page.value() == 0;
    }
}
