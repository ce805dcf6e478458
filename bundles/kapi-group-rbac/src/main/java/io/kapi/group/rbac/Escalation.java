package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.UserInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * kube's check that a user grants no RBAC permission it does not hold itself ({@code ConfirmNoEscalation}): the rules
 * being granted, broken down, must each be covered by a rule the user holds where they are granted; what is not is
 * reported as kube reports it, the missing rules compacted ({@code CompactRules}: the rules of one group and one
 * resource merged across verbs) and printed as {@code {APIGroups:["apps"], Resources:["deployments"],
 * Verbs:["create"]}}, sorted, one per line. Stateless.
 */
final class Escalation {
    /** kube's {@code fullAuthority}: what a cluster role's aggregation rule needs its writer to hold. */
    static final List<JsonNode> FULL_AUTHORITY = List.of(everything("resources"), everything("nonResourceURLs"));

    private Escalation() {
    }

    /** Every verb on every resource of every group, or on every non-resource URL. */
    private static JsonNode everything(String on) {
        ObjectNode rule = Json.object();
        rule.putArray("verbs").add("*");
        if (on.equals("resources")) {
            rule.putArray("apiGroups").add("*");
        }
        rule.putArray(on).add("*");
        return rule;
    }

    /**
     * Why {@code user}, holding {@code owner} (the rule resolution's errors in {@code errors}), may not grant
     * {@code granted}; null when it holds all of it.
     */
    static String notHeld(UserInfo user, List<JsonNode> owner, List<? extends JsonNode> granted, List<String> errors) {
        List<ObjectNode> missing = PolicyRules.uncovered(owner, granted);
        if (missing.isEmpty()) {
            return null;
        }
        TreeSet<String> descriptions = new TreeSet<>();
        compact(missing).forEach(r -> descriptions.add(compactString(r)));
        String message = "user " + FieldCause.goQuote(user.name()) + " (groups=" + quoted(user.groups())
                + ") is attempting to grant RBAC permissions not currently held:\n" + String.join("\n", descriptions);
        // kube's %v of a []error holding the rule resolver's aggregate: [x], or [[a, b]] for several distinct errors
        return errors.isEmpty() ? message : message + "; resolution errors: [" + RbacPolicy.aggregate(errors) + "]";
    }

    /** kube's {@code CompactRules}: rules of one API group and one resource (at most one name, nothing else) merged across verbs. */
    static List<ObjectNode> compact(List<ObjectNode> rules) {
        List<ObjectNode> out = new ArrayList<>();
        Map<String, ObjectNode> simple = new LinkedHashMap<>();
        for (ObjectNode rule : rules) {
            boolean isSimple = rule.path("resourceNames").size() <= 1 && rule.path("nonResourceURLs").size() == 0
                    && rule.path("apiGroups").size() == 1 && rule.path("resources").size() == 1;
            if (!isSimple) {
                out.add(rule);
                continue;
            }
            String key = rule.path("apiGroups").get(0).asText() + "\u0000" + rule.path("resources").get(0).asText() + "\u0000"
                    + (rule.path("resourceNames").size() == 0 ? "-" : "+" + rule.path("resourceNames").get(0).asText());
            ObjectNode existing = simple.get(key);
            if (existing == null) {
                simple.put(key, rule.deepCopy());
            } else {
                ArrayNode verbs = existing.withArray("verbs");
                rule.path("verbs").forEach(verbs::add);
            }
        }
        out.addAll(simple.values());
        return out;
    }

    /** kube's {@code CompactString} of a rule: its non-empty lists, Go-quoted, in kube's order. */
    static String compactString(JsonNode rule) {
        List<String> parts = new ArrayList<>();
        for (String[] f : new String[][] {{"apiGroups", "APIGroups"}, {"resources", "Resources"}, {"nonResourceURLs", "NonResourceURLs"},
                {"resourceNames", "ResourceNames"}, {"verbs", "Verbs"}}) {
            List<String> values = PolicyRules.strings(rule, f[0]);
            if (!values.isEmpty()) {
                parts.add(f[1] + ":" + quoted(values));
            }
        }
        return "{" + String.join(", ", parts) + "}";
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
    private static String quoted(List<String> values) {
        List<String> q = new ArrayList<>();
        (values == null ? List.<String>of() : values).forEach(v -> q.add(FieldCause.goQuote(v)));
        return "[" + String.join(" ", q) + "]";
    }
}
