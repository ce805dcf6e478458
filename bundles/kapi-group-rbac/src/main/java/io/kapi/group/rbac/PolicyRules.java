package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * kube's policy rule comparison ({@code k8s.io/component-helpers/auth/rbac/validation}: {@code Covers},
 * {@code BreakdownRule}) on rules as JSON objects. An absent or null list is an empty one, as Go's nil
 * slice is. Stateless.
 */
final class PolicyRules {
    private static final String[] FIELDS = {"apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs"};

    private PolicyRules() {
    }

    static List<String> strings(JsonNode rule, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : rule.path(field)) {
            out.add(n.asText());
        }
        return out;
    }

    static List<ObjectNode> rules(JsonNode role) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : role.path("rules")) {
            if (r instanceof ObjectNode o) {
                out.add(o);
            }
        }
        return out;
    }

    /** kube's semantic equality of two rules: every list equal in order, absent equal to empty. */
    static boolean equal(JsonNode a, JsonNode b) {
        for (String f : FIELDS) {
            if (!strings(a, f).equals(strings(b, f))) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode rule(String group, String resource, String verb, String resourceName, String url) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        if (url != null) {
            r.putArray("nonResourceURLs").add(url);
        } else {
            r.putArray("apiGroups").add(group);
            if (resourceName != null) {
                r.putArray("resourceNames").add(resourceName);
            }
            r.putArray("resources").add(resource);
        }
        r.putArray("verbs").add(verb);
        return r;
    }

    /** kube's {@code BreakdownRule}: one rule per group, resource, verb (and resource name), then per URL and verb. */
    static List<ObjectNode> breakdown(JsonNode rule) {
        List<ObjectNode> out = new ArrayList<>();
        List<String> names = strings(rule, "resourceNames");
        for (String group : strings(rule, "apiGroups")) {
            for (String resource : strings(rule, "resources")) {
                for (String verb : strings(rule, "verbs")) {
                    if (names.isEmpty()) {
                        out.add(rule(group, resource, verb, null, null));
                    } else {
                        for (String name : names) {
                            out.add(rule(group, resource, verb, name, null));
                        }
                    }
                }
            }
        }
        for (String url : strings(rule, "nonResourceURLs")) {
            for (String verb : strings(rule, "verbs")) {
                out.add(rule(null, null, verb, null, url));
            }
        }
        return out;
    }

    /**
     * kube's {@code Covers}: the broken-down rules of {@code servant} that no rule of {@code owner}
     * covers, in order; empty when {@code owner} covers them all.
     */
    static List<ObjectNode> uncovered(List<? extends JsonNode> owner, List<? extends JsonNode> servant) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode s : servant) {
            for (ObjectNode sub : breakdown(s)) {
                if (owner.stream().noneMatch(o -> covers(o, sub))) {
                    out.add(sub);
                }
            }
        }
        return out;
    }

    /** kube's {@code ruleCovers}: whether {@code owner} covers {@code sub} (at most one of each). */
    static boolean covers(JsonNode owner, JsonNode sub) {
        List<String> ownerVerbs = strings(owner, "verbs");
        boolean verbs = ownerVerbs.contains("*") || ownerVerbs.containsAll(strings(sub, "verbs"));
        List<String> ownerGroups = strings(owner, "apiGroups");
        boolean groups = ownerGroups.contains("*") || ownerGroups.containsAll(strings(sub, "apiGroups"));
        boolean resources = resourcesCover(strings(owner, "resources"), strings(sub, "resources"));
        boolean urls = urlsCover(strings(owner, "nonResourceURLs"), strings(sub, "nonResourceURLs"));
        List<String> ownerNames = strings(owner, "resourceNames");
        List<String> subNames = strings(sub, "resourceNames");
        boolean names = subNames.isEmpty() ? ownerNames.isEmpty() : ownerNames.isEmpty() || ownerNames.containsAll(subNames);
        return verbs && groups && resources && urls && names;
    }

    private static boolean resourcesCover(List<String> owner, List<String> covered) {
        if (owner.contains("*") || owner.containsAll(covered)) {
            return true;
        }
        for (String path : covered) {
            if (owner.contains(path)) {
                continue;
            }
            int slash = path.indexOf('/');
            if (slash < 0 || !owner.contains("*/" + path.substring(slash + 1))) {
                return false;
            }
        }
        return true;
    }

    private static boolean urlsCover(List<String> owner, List<String> covered) {
        for (String path : covered) {
            if (owner.stream().noneMatch(o -> Objects.equals(o, path)
                    || o.endsWith("*") && path.startsWith(o.replaceAll("\\*+$", "")))) {
                return false;
            }
        }
        return true;
    }
}
