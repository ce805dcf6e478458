package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube 1.32's ResourceQuota as a stored object (no quota controller fills its status, no admission enforces
 * it): quantities rounded as every resource list, an empty status on create and the stored one on updates
 * (the status subresource's), ValidateResourceQuota and ValidateResourceQuotaUpdate (scopes immutable),
 * kube's printer.
 */
final class ResourceQuotaStrategy implements Strategy {
    static final List<String> SCOPES = List.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
            "PriorityClass", "CrossNamespacePodAffinity");
    /** The scopes that select by their presence only. */
    private static final Set<String> EXISTS_ONLY = Set.of("BestEffort", "NotBestEffort", "Terminating", "NotTerminating",
            "CrossNamespacePodAffinity");
    private static final Set<String> POD_COUNT = Set.of("pods");
    private static final Set<String> POD_COMPUTE = Set.of("cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu",
            "requests.memory");
    static final String SCOPE_TYPE = "core.ResourceQuotaScope";

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        Volumes.canonicalize(spec.get("hard"), "ResourceQuota");
        if (object.get("status") instanceof ObjectNode status) {
            Volumes.canonicalize(status.get("hard"), "ResourceQuota");
            Volumes.canonicalize(status.get("used"), "ResourceQuota");
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status");
    }

    /** kube's ValidateResourceQuota (its metadata is the store's). */
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = spec(object.path("spec"));
        status(object.path("status"), causes);
        return causes;
    }

    /** kube's ValidateResourceQuotaUpdate: the spec, and the same set of scopes. */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = spec(object.path("spec"));
        JsonNode scopes = object.path("spec").get("scopes");
        if (!scopeSet(scopes).equals(scopeSet(old.path("spec").get("scopes")))) {
            causes.add(FieldCause.invalidRendered("spec.scopes", ResourceLists.goSlice(SCOPE_TYPE, scopes),
                    ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    private static Set<String> scopeSet(JsonNode scopes) {
        Set<String> out = new HashSet<>();
        if (scopes != null) {
            scopes.forEach(s -> out.add(s.asText("")));
        }
        return out;
    }

    /** kube's ValidateResourceQuotaSpec. */
    static List<FieldCause> spec(JsonNode spec) {
        List<FieldCause> causes = new ArrayList<>();
        ResourceLists.list(spec.get("hard"), "spec.hard", ResourceLists::quotaResourceName, causes);
        List<String> hard = ResourceLists.keys(spec.get("hard"));
        JsonNode scopes = spec.get("scopes");
        if (scopes != null && scopes.size() > 0) {
            String rendered = ResourceLists.goSlice(SCOPE_TYPE, scopes);
            Set<String> seen = new HashSet<>();
            for (JsonNode s : scopes) {
                String scope = s.asText("");
                if (!SCOPES.contains(scope)) {
                    causes.add(FieldCause.invalidRendered("spec.scopes", rendered, "unsupported scope"));
                }
                for (String k : hard) {
                    if (ResourceLists.isStandardQuota(k) && !validFor(scope, k)) {
                        causes.add(FieldCause.invalidRendered("spec.scopes", rendered, "unsupported scope applied to resource"));
                    }
                }
                seen.add(scope);
            }
            conflicting(seen, "spec.scopes", rendered, causes);
        }
        if (spec.get("scopeSelector") instanceof ObjectNode selector) {
            scopeSelector(selector, hard, scopes, causes);
        }
        return causes;
    }

    /** kube's validateScopedResourceSelectorRequirement; its paths name no index. */
    private static void scopeSelector(ObjectNode selector, List<String> hard, JsonNode scopes, List<FieldCause> causes) {
        String path = "spec.scopeSelector.matchExpressions";
        Set<String> seen = new HashSet<>();
        for (JsonNode req : selector.path("matchExpressions")) {
            String scope = req.path("scopeName").asText("");
            String operator = req.path("operator").asText("");
            if (!SCOPES.contains(scope)) {
                causes.add(FieldCause.invalid(path + ".scopeName", scope, "unsupported scope"));
            }
            for (String k : hard) {
                if (ResourceLists.isStandardQuota(k) && !validFor(scope, k)) {
                    causes.add(FieldCause.invalidRendered(path, goScopeSelector(selector), "unsupported scope applied to resource"));
                }
            }
            if (EXISTS_ONLY.contains(scope) && !operator.equals("Exists")) {
                causes.add(FieldCause.invalid(path + ".operator", operator, "must be 'Exists' when scope is any of "
                        + "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                        + "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
            }
            int values = req.path("values").size();
            switch (operator) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        causes.add(FieldCause.required(path + ".values",
                                "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values != 0) {
                        causes.add(FieldCause.invalidRendered(path + ".values", ResourceLists.goStrings(req.get("values")),
                                "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
                    }
                }
                default -> causes.add(FieldCause.invalid(path + ".operator", operator, "not a valid selector operator"));
            }
            seen.add(scope);
        }
        // kube reports the spec's scopes here, whatever the selector holds
        conflicting(seen, path, ResourceLists.goSlice(SCOPE_TYPE, scopes), causes);
    }

    private static void conflicting(Set<String> scopes, String path, String rendered, List<FieldCause> causes) {
        if (scopes.contains("BestEffort") && scopes.contains("NotBestEffort")) {
            causes.add(FieldCause.invalidRendered(path, rendered, "conflicting scopes"));
        }
        if (scopes.contains("Terminating") && scopes.contains("NotTerminating")) {
            causes.add(FieldCause.invalidRendered(path, rendered, "conflicting scopes"));
        }
    }

    /** kube's IsResourceQuotaScopeValidForResource. */
    static boolean validFor(String scope, String resource) {
        return switch (scope) {
            case "Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity" ->
                    POD_COUNT.contains(resource) || POD_COMPUTE.contains(resource);
            case "BestEffort" -> POD_COUNT.contains(resource);
            default -> true;
        };
    }

    /** Go's {@code %#v} of a {@code core.ScopeSelector}. */
    static String goScopeSelector(JsonNode selector) {
        JsonNode expressions = selector.get("matchExpressions");
        String type = "core.ScopedResourceSelectorRequirement";
        if (expressions == null || !expressions.isArray()) {
            return "core.ScopeSelector{MatchExpressions:[]" + type + "(nil)}";
        }
        List<String> items = new ArrayList<>();
        for (JsonNode e : expressions) {
            items.add(type + "{ScopeName:" + FieldCause.goQuote(e.path("scopeName").asText("")) + ", Operator:"
                    + FieldCause.goQuote(e.path("operator").asText("")) + ", Values:" + ResourceLists.goStrings(e.get("values")) + "}");
        }
        return "core.ScopeSelector{MatchExpressions:[]" + type + "{" + String.join(", ", items) + "}}";
    }

    /** kube's ValidateResourceQuotaStatus: the names and values of {@code status.hard} and {@code status.used}. */
    static void status(JsonNode status, List<FieldCause> causes) {
        ResourceLists.list(status.get("hard"), "status.hard", ResourceLists::quotaResourceName, causes);
        ResourceLists.list(status.get("used"), "status.used", ResourceLists::quotaResourceName, causes);
    }

    /** kube 1.32's printResourceQuota: NAME AGE REQUEST LIMIT, each resource as {@code name: used/hard}. */
    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .age()
                .column(TableColumn.of("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
                        o -> usage(o, false))
                .column(TableColumn.of("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
                        o -> usage(o, true))
                .build();
    }

    /** The {@code status.hard} resources in name order, those named limits.* in the limit column, the rest in the request column. */
    static String usage(ObjectNode quota, boolean limits) {
        JsonNode hard = quota.path("status").path("hard");
        JsonNode used = quota.path("status").path("used");
        List<String> out = new ArrayList<>();
        for (String resource : ResourceLists.keys(hard)) {
            String[] pieces = resource.split("\\.", -1);
            boolean limit = pieces.length > 1 && pieces[0].equals("limits");
            if (limit == limits) {
                Quantity u = ResourceLists.held(used.get(resource));
                out.add(resource + ": " + u + "/" + ResourceLists.held(hard.get(resource)));
            }
        }
        return String.join(", ", out);
    }
}
