package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.ScaleSubresource;
import io.kapi.machinery.schema.StructuralSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API group of custom resources, as the served form of the CustomResourceDefinitions of that group:
 * a resource definition per served version of each, with its schema (kube's {@code apiVersion},
 * {@code kind} and {@code metadata} added, as kube publishes them), its strategy, its {@code status}
 * and {@code scale} subresources, short names, categories and printer columns; the versions ordered
 * by kube's version priority (GA, then beta, then alpha, higher numbers first, then the rest by name).
 */
final class CrdGroup implements APIGroupProvider {
    private static final Pattern KUBE_VERSION = Pattern.compile("^v(\\d+)(?:(alpha|beta)(\\d+))?$");

    private final String group;
    private final List<String> versions;
    private final List<ResourceDefinition> resources;

    CrdGroup(String group, List<ObjectNode> crds) {
        this(group, crds, (namespace, name, port) -> {
            throw new IllegalStateException("services are not resolved here");
        });
    }

    /** @param services how a conversion webhook's {@code service} reference is reached */
    CrdGroup(String group, List<ObjectNode> crds, ServiceEndpoints.Resolver services) {
        this.group = group;
        Set<String> all = new LinkedHashSet<>();
        List<ResourceDefinition> defs = new ArrayList<>();
        for (ObjectNode crd : crds) {
            JsonNode spec = crd.path("spec");
            JsonNode names = spec.path("names");
            String plural = names.path("plural").asText();
            String kind = names.path("kind").asText();
            WebhookConverter converter = WebhookConverter.of(spec, services); // null: kube's None, only apiVersion changes
            boolean terminating = CrdConditions.isTrue(crd, "Terminating")
                    || !Json.text(crd.get("metadata"), "deletionTimestamp").isEmpty();
            String storage = null;
            for (JsonNode v : spec.path("versions")) {
                if (v.path("storage").asBoolean(false)) {
                    storage = v.path("name").asText();
                }
            }
            for (JsonNode v : spec.path("versions")) {
                if (!v.path("served").asBoolean(false)) {
                    continue;
                }
                String version = v.path("name").asText();
                all.add(version);
                JsonNode openApi = v.path("schema").path("openAPIV3Schema");
                StructuralSchema structural = openApi.isObject() ? StructuralSchema.parse(openApi) : null;
                List<String> selectable = new ArrayList<>();
                v.path("selectableFields").forEach(f -> selectable.add(f.path("jsonPath").asText()));
                CustomResourceStrategy strategy = new CustomResourceStrategy(group, version, kind, plural, structural,
                        PrinterColumns.of(v.get("additionalPrinterColumns")), selectable, terminating)
                        .withRules(openApi.isObject() ? openApi : null);
                ResourceDefinition.Builder b = ResourceDefinition.builder(version, plural, kind)
                        .singular(names.path("singular").asText(kind.toLowerCase(java.util.Locale.ROOT)))
                        .namespaced("Namespaced".equals(spec.path("scope").asText()))
                        .shortNames(strings(names.get("shortNames")))
                        .categories(strings(names.get("categories")))
                        .schema(published(openApi))
                        .strategy(strategy)
                        .storageVersion(storage)
                        .converter(converter);
                if (v.path("deprecated").asBoolean(false)) {
                    b.deprecated(v.hasNonNull("deprecationWarning") ? v.get("deprecationWarning").asText()
                            : defaultDeprecationWarning(group, kind, version, spec.path("versions")));
                }
                JsonNode subresources = v.path("subresources");
                if (subresources.has("status")) {
                    // kube's status strategy: the status schema and the rules (oldSelf: the stored object)
                    b.status(new CustomResourceStatus(strategy));
                }
                if (subresources.has("scale")) {
                    JsonNode scale = subresources.get("scale");
                    String selector = scale.path("labelSelectorPath").asText("");
                    b.scale(new ScaleSubresource(scale.path("specReplicasPath").asText(),
                            scale.path("statusReplicasPath").asText(), selector.isEmpty() ? null : selector));
                }
                defs.add(b.build());
            }
        }
        List<String> ordered = new ArrayList<>(all);
        ordered.sort(CrdGroup::compareVersions);
        this.versions = List.copyOf(ordered);
        this.resources = List.copyOf(defs);
    }

    /** The schema as kube publishes a custom resource's: the CRD's, with apiVersion, kind and metadata. */
    static ObjectNode published(JsonNode openApi) {
        ObjectNode s = openApi.isObject() ? ((ObjectNode) openApi).deepCopy() : Json.object().put("type", "object");
        ObjectNode props = s.with("properties");
        props.putObject("apiVersion").put("type", "string")
                .put("description", "APIVersion defines the versioned schema of this representation of an object.");
        props.putObject("kind").put("type", "string")
                .put("description", "Kind is a string value representing the REST resource this object represents.");
        props.putObject("metadata").put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        return s;
    }

    /**
     * kube's warning for a deprecated version without its own: the version deprecated, and the most
     * preferred served version ahead of it that is not deprecated, when there is one.
     */
    static String defaultDeprecationWarning(String group, String kind, String deprecated, JsonNode versions) {
        String msg = group + "/" + deprecated + " " + kind + " is deprecated";
        List<String> newer = new ArrayList<>();
        for (JsonNode v : versions) {
            String name = v.path("name").asText();
            if (v.path("served").asBoolean(false) && !v.path("deprecated").asBoolean(false) && compareVersions(name, deprecated) < 0) {
                newer.add(name);
            }
        }
        if (newer.isEmpty()) {
            return msg;
        }
        newer.sort(CrdGroup::compareVersions);
        return msg + "; use " + group + "/" + newer.get(0) + " " + kind;
    }

    private static String[] strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out.toArray(new String[0]);
    }

    /** kube's {@code version.CompareKubeAwareVersionStrings}, as a sort order (most preferred first). */
    static int compareVersions(String a, String b) {
        Matcher ma = KUBE_VERSION.matcher(a);
        Matcher mb = KUBE_VERSION.matcher(b);
        boolean ka = ma.matches();
        boolean kb = mb.matches();
        if (ka != kb) {
            return ka ? -1 : 1;
        }
        if (!ka) {
            return a.compareTo(b);
        }
        int stageA = stage(ma.group(2));
        int stageB = stage(mb.group(2));
        if (stageA != stageB) {
            return Integer.compare(stageB, stageA);
        }
        int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
        if (major != 0) {
            return major;
        }
        return ma.group(3) == null ? 0 : Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
    }

    private static int stage(String s) {
        return s == null ? 2 : s.equals("beta") ? 1 : 0;
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public List<String> versions() {
        return versions;
    }

    @Override
    public List<ResourceDefinition> resources() {
        return resources;
    }

    static Comparator<String> versionOrder() {
        return CrdGroup::compareVersions;
    }
}
