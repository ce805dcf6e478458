package io.kapi.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Test data: 50 CustomResourceDefinitions in the shape of real operators' (10 operators, 5 kinds each), written
 * as controller-gen writes them: kube's own types (pod templates, resource requirements, affinity, tolerations,
 * volume claim templates, label selectors, conditions) inlined from kube 1.32's published OpenAPI into structural
 * schemas (no {@code $ref}; int-or-string and quantities as {@code x-kubernetes-int-or-string}; list types and map
 * keys kept; patch strategies dropped), with descriptions, status and scale subresources, printer columns, short
 * names, categories, a served older version and enums, patterns and bounds. Each comes with one valid object.
 */
final class OperatorCrds {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CORE_OPENAPI = Path.of("../bundles/kapi-group-core/src/main/resources/io/kapi/group/core/core-v1-openapi.json");
    private static final String[][] OPERATORS = {
        {"databases.acme.io", "Postgres"}, {"messaging.acme.io", "Kafka"}, {"monitoring.acme.io", "Prometheus"},
        {"cache.acme.io", "Redis"}, {"search.acme.io", "Elastic"}, {"ml.acme.io", "Notebook"},
        {"gateway.acme.io", "Gateway"}, {"backup.acme.io", "Velero"}, {"security.acme.io", "Vault"}, {"ci.acme.io", "Runner"}};

    /** One definition and an object it accepts. */
    record Crd(String name, String group, String plural, String kind, ObjectNode definition, ObjectNode object) {
    }

    private final ObjectNode components;

    OperatorCrds() throws IOException {
        components = (ObjectNode) JSON.readTree(CORE_OPENAPI.toFile());
    }

    List<Crd> all() {
        List<Crd> out = new ArrayList<>();
        for (String[] op : OPERATORS) {
            String group = op[0];
            String p = op[1];
            out.add(crd(group, p + "Cluster", workload()));
            out.add(crd(group, p + "Config", config()));
            out.add(crd(group, p + "Policy", policy()));
            out.add(crd(group, p + "Schedule", schedule()));
            out.add(crd(group, p + "Template", template()));
        }
        return out;
    }

    // ---- the five shapes: spec and status schemas, and a valid object's spec

    private record Shape(ObjectNode spec, ObjectNode status, ObjectNode example, boolean scale, List<String[]> columns) {
    }

    private Shape workload() {
        ObjectNode spec = object();
        props(spec).set("replicas", integer(0, 100));
        props(spec).set("version", string().put("pattern", "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$"));
        props(spec).set("image", string());
        props(spec).set("podTemplate", kube("io.k8s.api.core.v1.PodTemplateSpec"));
        props(spec).set("resources", kube("io.k8s.api.core.v1.ResourceRequirements"));
        props(spec).set("affinity", kube("io.k8s.api.core.v1.Affinity"));
        ObjectNode tolerations = array(kube("io.k8s.api.core.v1.Toleration"));
        props(spec).set("tolerations", tolerations);
        ObjectNode storage = object();
        props(storage).set("volumeClaimTemplate", kube("io.k8s.api.core.v1.PersistentVolumeClaimSpec"));
        props(storage).set("size", kube("io.k8s.apimachinery.pkg.api.resource.Quantity"));
        props(spec).set("storage", storage);
        spec.putArray("required").add("version");
        ObjectNode status = conditionsStatus();
        props(status).set("replicas", integer(0, null));
        props(status).set("readyReplicas", integer(0, null));
        props(status).set("selector", string());
        ObjectNode example = JSON.createObjectNode().put("replicas", 3).put("version", "15.4").put("image", "registry.example.com/db:15.4");
        example.putObject("resources").putObject("requests").put("cpu", "500m").put("memory", "1Gi");
        example.putObject("podTemplate").putObject("spec").putArray("containers").addObject().put("name", "db").put("image", "db:15.4")
                .putArray("ports").addObject().put("containerPort", 5432).put("protocol", "TCP");
        example.putArray("tolerations").addObject().put("key", "dedicated").put("operator", "Equal").put("value", "db").put("effect", "NoSchedule");
        example.putObject("storage").put("size", "10Gi");
        return new Shape(spec, status, example, true, List.of(new String[] {"Version", "string", ".spec.version"},
                new String[] {"Ready", "integer", ".status.readyReplicas"}, new String[] {"Age", "date", ".metadata.creationTimestamp"}));
    }

    private Shape config() {
        ObjectNode spec = object();
        props(spec).set("settings", JSON.createObjectNode().put("type", "object").set("additionalProperties", string()));
        ObjectNode ref = object();
        props(ref).set("name", string().put("maxLength", 253));
        props(ref).set("key", string());
        ref.putArray("required").add("name");
        props(spec).set("secretRef", ref);
        ObjectNode endpoint = object();
        props(endpoint).set("name", string());
        props(endpoint).set("url", string().put("format", "uri"));
        props(endpoint).set("port", kube("io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
        endpoint.putArray("required").add("name");
        ObjectNode endpoints = array(endpoint).put("x-kubernetes-list-type", "map");
        endpoints.putArray("x-kubernetes-list-map-keys").add("name");
        props(spec).set("endpoints", endpoints);
        props(spec).set("env", array(kube("io.k8s.api.core.v1.EnvVar")));
        ObjectNode example = JSON.createObjectNode();
        example.putObject("settings").put("logLevel", "info");
        example.putObject("secretRef").put("name", "credentials");
        example.putArray("endpoints").addObject().put("name", "primary").put("url", "https://primary.example.com").put("port", 443);
        return new Shape(spec, conditionsStatus(), example, false, List.of());
    }

    private Shape policy() {
        ObjectNode spec = object();
        props(spec).set("selector", kube("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"));
        props(spec).set("enforcement", string().set("enum", JSON.createArrayNode().add("Audit").add("Warn").add("Deny")));
        ObjectNode rule = object();
        props(rule).set("ports", array(kube("io.k8s.api.core.v1.ServicePort")));
        props(rule).set("cidrs", array(string()).put("x-kubernetes-list-type", "set"));
        props(spec).set("rules", array(rule).put("maxItems", 64));
        spec.putArray("required").add("enforcement");
        ObjectNode example = JSON.createObjectNode().put("enforcement", "Deny");
        example.putObject("selector").putObject("matchLabels").put("app", "web");
        example.putArray("rules").addObject().putArray("cidrs").add("10.0.0.0/8");
        return new Shape(spec, conditionsStatus(), example, false, List.<String[]>of(new String[] {"Enforcement", "string", ".spec.enforcement"}));
    }

    private Shape schedule() {
        ObjectNode spec = object();
        props(spec).set("schedule", string().put("pattern", "^(\\S+\\s+){4}\\S+$"));
        props(spec).set("retention", kube("io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
        props(spec).set("paused", JSON.createObjectNode().put("type", "boolean").put("default", false));
        ObjectNode target = object();
        props(target).set("kind", string());
        props(target).set("name", string());
        props(spec).set("target", target);
        props(spec).set("jobTemplate", kube("io.k8s.api.core.v1.PodSpec"));
        ObjectNode status = conditionsStatus();
        props(status).set("lastRun", kube("io.k8s.apimachinery.pkg.apis.meta.v1.Time"));
        props(status).set("phase", string().set("enum", JSON.createArrayNode().add("Pending").add("Running").add("Failed")));
        ObjectNode example = JSON.createObjectNode().put("schedule", "0 3 * * *").put("retention", "7d");
        example.putObject("target").put("kind", "Database").put("name", "main");
        example.putObject("jobTemplate").putArray("containers").addObject().put("name", "backup").put("image", "backup:1");
        return new Shape(spec, status, example, false, List.of(new String[] {"Schedule", "string", ".spec.schedule"},
                new String[] {"Phase", "string", ".status.phase"}));
    }

    private Shape template() {
        ObjectNode spec = object();
        props(spec).set("resource", JSON.createObjectNode().put("type", "object").put("x-kubernetes-embedded-resource", true)
                .put("x-kubernetes-preserve-unknown-fields", true));
        props(spec).set("overrides", JSON.createObjectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true));
        props(spec).set("volumes", array(kube("io.k8s.api.core.v1.Volume")));
        ObjectNode example = JSON.createObjectNode();
        example.putObject("resource").put("apiVersion", "v1").put("kind", "ConfigMap").putObject("metadata").put("name", "generated");
        example.putObject("overrides").put("anything", "goes");
        return new Shape(spec, conditionsStatus(), example, false, List.of());
    }

    private ObjectNode conditionsStatus() {
        ObjectNode status = object();
        props(status).set("observedGeneration", integer(0, null).put("format", "int64"));
        ObjectNode conditions = array(kube("io.k8s.apimachinery.pkg.apis.meta.v1.Condition")).put("x-kubernetes-list-type", "map");
        conditions.putArray("x-kubernetes-list-map-keys").add("type");
        props(status).set("conditions", conditions);
        return status;
    }

    // ---- one definition

    private Crd crd(String group, String kind, Shape shape) {
        String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
        String name = plural + "." + group;
        ObjectNode crd = JSON.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1").put("kind", "CustomResourceDefinition");
        crd.putObject("metadata").put("name", name).putObject("annotations").put("controller-gen.kubebuilder.io/version", "v0.16.5");
        ObjectNode spec = crd.putObject("spec").put("group", group).put("scope", "Namespaced");
        ObjectNode names = spec.putObject("names").put("plural", plural).put("singular", kind.toLowerCase(java.util.Locale.ROOT))
                .put("kind", kind).put("listKind", kind + "List");
        names.putArray("shortNames").add(shortName(kind));
        names.putArray("categories").add("acme").add(group.substring(0, group.indexOf('.')));
        ArrayNode versions = spec.putArray("versions");
        for (String v : List.of("v1beta1", "v1")) {
            ObjectNode version = versions.addObject().put("name", v).put("served", true).put("storage", v.equals("v1"));
            ObjectNode root = object();
            root.put("description", kind + " is the Schema for the " + plural + " API.");
            props(root).set("apiVersion", string());
            props(root).set("kind", string());
            props(root).set("metadata", JSON.createObjectNode().put("type", "object"));
            props(root).set("spec", shape.spec().deepCopy());
            props(root).set("status", shape.status().deepCopy());
            version.putObject("schema").set("openAPIV3Schema", root);
            ObjectNode sub = version.putObject("subresources");
            sub.putObject("status");
            if (shape.scale()) {
                sub.putObject("scale").put("specReplicasPath", ".spec.replicas").put("statusReplicasPath", ".status.replicas")
                        .put("labelSelectorPath", ".status.selector");
            }
            ArrayNode columns = version.putArray("additionalPrinterColumns");
            for (String[] c : shape.columns()) {
                columns.addObject().put("name", c[0]).put("type", c[1]).put("jsonPath", c[2]);
            }
            if (v.equals("v1beta1")) {
                version.put("deprecated", true);
            }
        }
        ObjectNode object = JSON.createObjectNode().put("apiVersion", group + "/v1").put("kind", kind);
        object.putObject("metadata").put("name", "example");
        object.set("spec", shape.example().deepCopy());
        return new Crd(name, group, plural, kind, crd, object);
    }

    private static String shortName(String kind) {
        StringBuilder b = new StringBuilder();
        for (char c : kind.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append(Character.toLowerCase(c));
            }
        }
        return b + kind.substring(1, 3).toLowerCase(java.util.Locale.ROOT);
    }

    // ---- schema helpers: kube's types inlined as controller-gen inlines them

    private static ObjectNode object() {
        return JSON.createObjectNode().put("type", "object");
    }

    private static ObjectNode props(ObjectNode schema) {
        return schema.with("properties");
    }

    private static ObjectNode string() {
        return JSON.createObjectNode().put("type", "string");
    }

    private static ObjectNode integer(Integer min, Integer max) {
        ObjectNode n = JSON.createObjectNode().put("type", "integer");
        if (min != null) {
            n.put("minimum", min);
        }
        if (max != null) {
            n.put("maximum", max);
        }
        return n;
    }

    private static ObjectNode array(ObjectNode items) {
        ObjectNode a = JSON.createObjectNode().put("type", "array");
        a.set("items", items);
        return a;
    }

    /** kube's named schema, inlined. */
    ObjectNode kube(String name) {
        return inline(JSON.createObjectNode().put("$ref", "#/components/schemas/" + name), 0);
    }

    private ObjectNode inline(JsonNode in, int depth) {
        if (depth > 20) {
            return JSON.createObjectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        }
        ObjectNode s = ((ObjectNode) in).deepCopy();
        String ref = null;
        if (s.has("$ref")) {
            ref = s.remove("$ref").asText();
        } else if (s.has("allOf") && s.get("allOf").size() == 1 && s.get("allOf").get(0).has("$ref")) {
            ref = s.remove("allOf").get(0).get("$ref").asText();
        }
        if (ref != null) {
            String name = ref.substring(ref.lastIndexOf('/') + 1);
            ObjectNode target;
            if (name.equals("io.k8s.apimachinery.pkg.api.resource.Quantity")) {
                target = JSON.createObjectNode().put("x-kubernetes-int-or-string", true);
                target.putArray("anyOf").add(JSON.createObjectNode().put("type", "integer")).add(JSON.createObjectNode().put("type", "string"));
            } else if (name.equals("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")) {
                target = object();
                ObjectNode map = JSON.createObjectNode().put("type", "object");
                map.set("additionalProperties", string());
                props(target).set("labels", map);
                props(target).set("annotations", map.deepCopy());
                props(target).set("name", string());
                props(target).set("namespace", string());
            } else {
                target = inline(components.get(name), depth + 1);
            }
            String description = s.path("description").asText(target.path("description").asText(""));
            JsonNode dflt = s.get("default");
            s.removeAll();
            s.setAll(target);
            if (!description.isEmpty()) {
                s.put("description", description);
            }
            if (dflt != null && dflt.isValueNode()) {
                s.set("default", dflt);
            }
            return s;
        }
        if ("int-or-string".equals(s.path("format").asText())) {
            String description = s.path("description").asText("");
            s.removeAll();
            s.put("x-kubernetes-int-or-string", true);
            s.putArray("anyOf").add(JSON.createObjectNode().put("type", "integer")).add(JSON.createObjectNode().put("type", "string"));
            if (!description.isEmpty()) {
                s.put("description", description);
            }
            return s;
        }
        for (String drop : List.of("x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key", "x-kubernetes-group-version-kind",
                "x-kubernetes-unions", "oneOf")) {
            s.remove(drop);
        }
        if (s.has("default") && !s.get("default").isValueNode()) {
            s.remove("default");
        }
        if (s.has("properties")) {
            ObjectNode props = (ObjectNode) s.get("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(inline(e.getValue(), depth + 1));
            }
            if (!s.has("type")) {
                s.put("type", "object");
            }
        }
        if (s.has("additionalProperties") && s.get("additionalProperties").isObject()) {
            s.set("additionalProperties", inline(s.get("additionalProperties"), depth + 1));
            if (!s.has("type")) {
                s.put("type", "object");
            }
        }
        if (s.has("items")) {
            s.set("items", inline(s.get("items"), depth + 1));
        }
        return s;
    }
}
