package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What kube's validation of resource lists shares across Nodes, LimitRanges and ResourceQuotas
 * (pkg/apis/core/validation and the name sets of pkg/apis/core/helper): resource names, quantity values,
 * and the Go renderings its field errors print. kube walks Go maps, whose order varies; here keys go in
 * sorted order.
 */
final class ResourceLists {
    static final String NOT_INTEGER = "must be an integer";
    static final String NOT_QUOTA_RESOURCE = "must be a standard resource for quota";

    // helper.standardResources, standardQuotaResources, standardContainerResources, integerResources (kube 1.32)
    private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
            "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas",
            "services", "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
            "services.nodeports", "services.loadbalancers");
    private static final Set<String> QUOTA = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
            "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
            "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps",
            "services.nodeports", "services.loadbalancers");
    private static final Set<String> CONTAINER = Set.of("cpu", "memory", "ephemeral-storage");
    private static final Set<String> INTEGER = Set.of("pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
            "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
    private static final Set<String> LIMIT_TYPES = Set.of("Pod", "Container", "PersistentVolumeClaim");

    private ResourceLists() {
    }

    // ---- quantities

    /**
     * The quantity kube holds for {@code node} once decoded and defaulted (SetDefaults_ResourceList rounds
     * up to milli); Go's zero Quantity when absent or not a quantity (decoding refused those already).
     */
    static Quantity held(JsonNode node) {
        Quantity q = node == null || node.isNull() || node.isMissingNode() ? null : Quantity.parseOrNull(node.asText("").trim());
        return q == null ? Quantity.ZERO : q.roundUpToMilli();
    }

    /** kube's {@code MilliValue()}: the value in thousandths, rounded up. */
    static long milliValue(Quantity q) {
        return q.decimal().movePointRight(3).setScale(0, RoundingMode.CEILING).longValue();
    }

    /** resource.MaxMilliValue: the largest value whose milli value fits an int64. */
    static final long MAX_MILLI_VALUE = Long.MAX_VALUE / 1000;

    /** kube's ValidateResourceQuantityValue: not negative, and whole for the resources counted in integers. */
    static void quantityValue(String resource, Quantity q, String path, List<FieldCause> causes) {
        if (q.sign() < 0) {
            causes.add(FieldCause.invalid(path, q.toString(), ObjectMetaValidation.IS_NEGATIVE));
        }
        if (isInteger(resource) && q.decimal().movePointRight(3).setScale(0, RoundingMode.CEILING)
                .remainder(BigDecimal.valueOf(1000)).signum() != 0) {
            // the bad value is a resource.Quantity, which kube prints with %#v (its String has a pointer receiver)
            causes.add(FieldCause.invalidRendered(path, q.goSyntax(), NOT_INTEGER));
        }
    }

    /** Every entry of a resource list at {@code path} ({@code status.capacity}): its name checked by {@code names}, then its value. */
    static void list(JsonNode list, String path, NameCheck names, List<FieldCause> causes) {
        for (String k : keys(list)) {
            String at = path + "[" + k + "]";
            if (names != null) {
                causes.addAll(names.check(k, at));
            }
            quantityValue(k, held(list.get(k)), at, causes);
        }
    }

    /** A resource-name check of kube's validation: the causes for {@code name} at {@code path}. */
    @FunctionalInterface
    interface NameCheck {
        List<FieldCause> check(String name, String path);
    }

    /** The keys of a JSON object, sorted. */
    static List<String> keys(JsonNode map) {
        List<String> keys = new ArrayList<>();
        if (map != null && map.isObject()) {
            map.fieldNames().forEachRemaining(keys::add);
        }
        keys.sort(null);
        return keys;
    }

    // ---- resource names (pkg/apis/core/helper)

    static boolean isHugePages(String name) {
        return name.startsWith("hugepages-");
    }

    private static boolean isQuotaHugePages(String name) {
        return name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
    }

    static boolean isStandard(String name) {
        return STANDARD.contains(name) || isQuotaHugePages(name);
    }

    static boolean isStandardQuota(String name) {
        return QUOTA.contains(name) || isQuotaHugePages(name);
    }

    /** kube's IsNativeResource: unqualified, or in a kubernetes.io/ domain. */
    static boolean isNative(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    /** kube's IsExtendedResourceName. */
    static boolean isExtended(String name) {
        return !isNative(name) && !name.startsWith("requests.") && NameValidation.isQualifiedName("requests." + name).isEmpty();
    }

    static boolean isInteger(String name) {
        return INTEGER.contains(name) || isExtended(name);
    }

    /** kube's IsOvercommitAllowed: native and not huge pages. */
    static boolean overcommitAllowed(String name) {
        return isNative(name) && !isHugePages(name);
    }

    /** kube's validateResourceName: a qualified name, and a standard one unless it is fully qualified. */
    static List<FieldCause> resourceName(String name, String path) {
        List<FieldCause> causes = new ArrayList<>();
        for (String msg : NameValidation.isQualifiedName(name)) {
            causes.add(FieldCause.invalid(path, name, msg));
        }
        if (causes.isEmpty() && !name.contains("/") && !isStandard(name)) {
            causes.add(FieldCause.invalid(path, name, "must be a standard resource type or fully qualified"));
        }
        return causes;
    }

    /** kube's validateContainerResourceName. */
    static List<FieldCause> containerResourceName(String name, String path) {
        List<FieldCause> causes = resourceName(name, path);
        if (!name.contains("/")) {
            if (!CONTAINER.contains(name) && !isHugePages(name)) {
                causes.add(FieldCause.invalid(path, name, "must be a standard resource for containers"));
            }
        } else if (!isNative(name) && !isExtended(name)) {
            causes.add(FieldCause.invalid(path, name, "doesn't follow extended resource name standard"));
        }
        return causes;
    }

    /** kube's ValidateResourceQuotaResourceName. */
    static List<FieldCause> quotaResourceName(String name, String path) {
        List<FieldCause> causes = resourceName(name, path);
        if (!name.contains("/") && !isStandardQuota(name)) {
            causes.add(FieldCause.invalid(path, name, NOT_QUOTA_RESOURCE));
        }
        return causes;
    }

    /** kube's validateLimitRangeTypeName. */
    static List<FieldCause> limitType(String type, String path) {
        List<FieldCause> causes = new ArrayList<>();
        for (String msg : NameValidation.isQualifiedName(type)) {
            causes.add(FieldCause.invalid(path, type, msg));
        }
        if (causes.isEmpty() && !type.contains("/") && !LIMIT_TYPES.contains(type)) {
            causes.add(FieldCause.invalid(path, type, "must be a standard limit type or fully qualified"));
        }
        return causes;
    }

    // ---- Go renderings

    /** Go's {@code %#v} of a {@code []string}; {@code []string(nil)} for a missing list. */
    static String goStrings(JsonNode list) {
        return goSlice("string", list);
    }

    /** Go's {@code %#v} of a slice of a string type ({@code []core.ResourceQuotaScope{"BestEffort"}}). */
    static String goSlice(String type, JsonNode list) {
        if (list == null || !list.isArray()) {
            return "[]" + type + "(nil)";
        }
        List<String> items = new ArrayList<>();
        list.forEach(n -> items.add(FieldCause.goQuote(n.asText(""))));
        return "[]" + type + "{" + String.join(", ", items) + "}";
    }

    /** kube's {@code labels.FormatLabels}: {@code k=v} pairs by key, or {@code <none>}. */
    static String formatLabels(JsonNode map) {
        Map<String, String> sorted = new TreeMap<>();
        if (map != null && map.isObject()) {
            map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText("")));
        }
        if (sorted.isEmpty()) {
            return "<none>";
        }
        List<String> pairs = new ArrayList<>();
        sorted.forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(",", pairs);
    }
}
