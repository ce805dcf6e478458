package io.kapi.group.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;

/** kube's RBAC validation (pkg/apis/rbac/validation) and defaults (pkg/apis/rbac/v1/defaults.go), shared by the four kinds. */
final class Rbac {
    static final String GROUP = "rbac.authorization.k8s.io";

    private Rbac() {
    }

    /** kube's ValidateRBACName: a path segment name (not "." or "..", no '/' or '%'). */
    static List<String> validateName(String name, boolean prefix) {
        return prefix ? NameValidation.isPathSegmentPrefix(name) : NameValidation.isPathSegmentName(name);
    }

    /** kube's ValidatePolicyRule. */
    static void rules(JsonNode rules, boolean namespaced, List<FieldCause> causes) {
        int i = 0;
        for (JsonNode rule : rules) {
            String at = "rules[" + i++ + "]";
            if (rule.path("verbs").size() == 0) {
                causes.add(FieldCause.required(at + ".verbs", "verbs must contain at least one value"));
            }
            if (rule.path("nonResourceURLs").size() > 0) {
                String urls = slice(rule.path("nonResourceURLs"));
                if (namespaced) {
                    causes.add(FieldCause.invalidRendered(at + ".nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"));
                }
                if (rule.path("apiGroups").size() > 0 || rule.path("resources").size() > 0 || rule.path("resourceNames").size() > 0) {
                    causes.add(FieldCause.invalidRendered(at + ".nonResourceURLs", urls,
                            "rules cannot apply to both regular resources and non-resource URLs"));
                }
                continue;
            }
            if (rule.path("apiGroups").size() == 0) {
                causes.add(FieldCause.required(at + ".apiGroups", "resource rules must supply at least one api group"));
            }
            if (rule.path("resources").size() == 0) {
                causes.add(FieldCause.required(at + ".resources", "resource rules must supply at least one resource"));
            }
        }
    }

    /** kube's v1 defaults of a binding: roleRef.apiGroup and each subject's apiGroup. */
    static void defaultBinding(ObjectNode binding) {
        if (binding.get("roleRef") instanceof ObjectNode ref && ref.path("apiGroup").asText("").isEmpty()) {
            ref.put("apiGroup", GROUP);
        }
        for (JsonNode s : binding.path("subjects")) {
            if (s instanceof ObjectNode subject && subject.path("apiGroup").asText("").isEmpty()) {
                switch (subject.path("kind").asText("")) {
                    case "User", "Group" -> subject.put("apiGroup", GROUP);
                    default -> {
                    }
                }
            }
        }
    }

    /** kube's ValidateRoleBinding / ValidateClusterRoleBinding: the role reference and the subjects. */
    static void binding(JsonNode binding, boolean namespaced, List<FieldCause> causes) {
        JsonNode ref = binding.path("roleRef");
        String group = ref.path("apiGroup").asText("");
        if (!group.equals(GROUP)) {
            causes.add(FieldCause.notSupported("roleRef.apiGroup", group, List.of(GROUP)));
        }
        String kind = ref.path("kind").asText("");
        List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
        if (!kinds.contains(kind)) {
            causes.add(FieldCause.notSupported("roleRef.kind", kind, kinds));
        }
        String name = ref.path("name").asText("");
        if (name.isEmpty()) {
            causes.add(FieldCause.required("roleRef.name", ""));
        } else {
            for (String msg : validateName(name, false)) {
                causes.add(FieldCause.invalid("roleRef.name", name, msg));
            }
        }
        int i = 0;
        for (JsonNode subject : binding.path("subjects")) {
            subject(subject, namespaced, "subjects[" + i++ + "]", causes);
        }
    }

    private static void subject(JsonNode subject, boolean namespaced, String at, List<FieldCause> causes) {
        String name = subject.path("name").asText("");
        if (name.isEmpty()) {
            causes.add(FieldCause.required(at + ".name", ""));
        }
        String group = subject.path("apiGroup").asText("");
        String kind = subject.path("kind").asText("");
        switch (kind) {
            case "ServiceAccount" -> {
                if (!name.isEmpty()) {
                    for (String msg : NameValidation.isDNS1123Subdomain(name)) {
                        causes.add(FieldCause.invalid(at + ".name", name, msg));
                    }
                }
                if (!group.isEmpty()) {
                    causes.add(FieldCause.notSupported(at + ".apiGroup", group, List.of("")));
                }
                if (!namespaced && subject.path("namespace").asText("").isEmpty()) {
                    causes.add(FieldCause.required(at + ".namespace", ""));
                }
            }
            case "User", "Group" -> {
                if (!group.equals(GROUP)) {
                    causes.add(FieldCause.notSupported(at + ".apiGroup", group, List.of(GROUP)));
                }
            }
            default -> causes.add(FieldCause.notSupported(at + ".kind", kind, List.of("ServiceAccount", "User", "Group")));
        }
    }

    /** kube's ValidateRoleBindingUpdate: the role reference cannot change. */
    static void immutableRoleRef(JsonNode now, JsonNode before, List<FieldCause> causes) {
        if (!java.util.Objects.equals(now.get("roleRef"), before.get("roleRef"))) {
            JsonNode ref = now.path("roleRef");
            causes.add(FieldCause.invalidRendered("roleRef", "rbac.RoleRef{APIGroup:" + FieldCause.goQuote(ref.path("apiGroup").asText(""))
                    + ", Kind:" + FieldCause.goQuote(ref.path("kind").asText("")) + ", Name:"
                    + FieldCause.goQuote(ref.path("name").asText("")) + "}", "cannot change roleRef"));
        }
    }

    static String slice(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(n -> items.add(FieldCause.goQuote(n.asText(""))));
        return "[]string{" + String.join(", ", items) + "}";
    }

    /** kube's role printer: NAME, CREATED AT. */
    static TableConvertor rolePrinter() {
        return Printer.builder().name()
                .column(new TableColumn("Created At", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0),
                        o -> o.path("metadata").path("creationTimestamp").asText(""))
                .build();
    }

    /** kube's binding printer: NAME, ROLE, AGE; wide USERS, GROUPS, SERVICEACCOUNTS. */
    static TableConvertor bindingPrinter() {
        return Printer.builder().name()
                .column(TableColumn.of("Role", "string", "Role references the role this binding grants."),
                        o -> o.path("roleRef").path("kind").asText("") + "/" + o.path("roleRef").path("name").asText(""))
                .age()
                .column(new TableColumn("Users", "string", "", "Users in the binding", 1), o -> subjects(o, "User"))
                .column(new TableColumn("Groups", "string", "", "Groups in the binding", 1), o -> subjects(o, "Group"))
                .column(new TableColumn("ServiceAccounts", "string", "", "ServiceAccounts in the binding", 1), o -> subjects(o, "ServiceAccount"))
                .build();
    }

    private static String subjects(ObjectNode binding, String kind) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : binding.path("subjects")) {
            if (s.path("kind").asText("").equals(kind)) {
                out.add(kind.equals("ServiceAccount") ? s.path("namespace").asText("") + "/" + s.path("name").asText("")
                        : s.path("name").asText(""));
            }
        }
        return String.join(", ", out);
    }
}
