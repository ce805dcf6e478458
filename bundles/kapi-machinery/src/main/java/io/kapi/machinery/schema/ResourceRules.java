package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.NameValidator;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What apiextensions checks of {@code apiVersion}, {@code kind} and {@code metadata} besides the
 * schema: the root's type meta ({@code customResourceValidator.ValidateTypeMeta}) and embedded
 * resources ({@code objectmeta.Validate}). The root's metadata is kube's ordinary ObjectMeta
 * validation ({@link ObjectMetaValidation#validateObjectMeta}). Stateless.
 */
public final class ResourceRules {
    private ResourceRules() {
    }

    /** {@code ValidateTypeMeta}: kind and apiVersion must be the CRD version's; kube stops on these errors. */
    public static List<FieldCause> validateTypeMeta(JsonNode obj, String group, String version, String kind) {
        List<FieldCause> errs = new ArrayList<>();
        String k = obj.path("kind").isTextual() ? obj.get("kind").asText() : "";
        String av = obj.path("apiVersion").isTextual() ? obj.get("apiVersion").asText() : "";
        if (!k.equals(kind)) {
            errs.add(FieldCause.invalid("kind", k, "must be " + kind));
        }
        String gv = group + "/" + version;
        if (!av.equals(gv)) {
            errs.add(FieldCause.invalid("apiVersion", av, "must be " + gv));
        }
        return errs;
    }

    /** {@code objectmeta.Validate(nil, obj, s, isResourceRoot)}: every embedded resource's apiVersion, kind and metadata. */
    public static List<FieldCause> validateEmbeddedResources(JsonNode obj, StructuralSchema s, boolean isResourceRoot) {
        List<FieldCause> errs = new ArrayList<>();
        StructuralSchema root = s == null && isResourceRoot
                ? StructuralSchema.parse(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()) : s;
        validate("", obj, root, isResourceRoot, errs);
        return errs;
    }

    private static String child(String path, String k) {
        return path.isEmpty() ? k : path + "." + k;
    }

    private static void validate(String path, JsonNode x, StructuralSchema s, boolean embedded, List<FieldCause> errs) {
        if (s == null) {
            return;
        }
        if (x instanceof ObjectNode o) {
            if (embedded || s.embeddedResource) {
                embeddedResource(path, o, errs);
            }
            o.fields().forEachRemaining(e -> {
                StructuralSchema p = s.properties.get(e.getKey());
                if (p != null) {
                    validate(child(path, e.getKey()), e.getValue(), p, false, errs);
                } else if (s.additionalAllows != null) {
                    validate(path + "[" + e.getKey() + "]", e.getValue(), s.additionalSchema, false, errs);
                }
            });
        } else if (x != null && x.isArray()) {
            for (int i = 0; i < x.size(); i++) {
                validate(path + "[" + i + "]", x.get(i), s.items, false, errs);
            }
        }
    }

    private static void embeddedResource(String path, ObjectNode x, List<FieldCause> errs) {
        if (!x.has("apiVersion")) {
            errs.add(FieldCause.required(child(path, "apiVersion"), "must not be empty"));
        }
        if (!x.has("kind")) {
            errs.add(FieldCause.required(child(path, "kind"), "must not be empty"));
        }
        x.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            String f = child(path, e.getKey());
            switch (e.getKey()) {
                case "apiVersion" -> {
                    if (!v.isTextual()) {
                        errs.add(FieldCause.invalidRendered(f, GoValues.errorValue(v), "must be a string"));
                    } else if (v.asText().isEmpty()) {
                        errs.add(FieldCause.invalid(f, "", "must not be empty"));
                    } else if (v.asText().chars().filter(c -> c == '/').count() > 1) {
                        errs.add(FieldCause.invalid(f, v.asText(), "unexpected GroupVersion string: " + v.asText()));
                    }
                }
                case "kind" -> {
                    if (!v.isTextual()) {
                        errs.add(FieldCause.invalidRendered(f, GoValues.errorValue(v), "must be a string"));
                    } else if (v.asText().isEmpty()) {
                        errs.add(FieldCause.invalid(f, "", "must not be empty"));
                    } else {
                        List<String> msgs = NameValidation.isDNS1035Label(v.asText().toLowerCase(Locale.ROOT));
                        if (!msgs.isEmpty()) {
                            errs.add(FieldCause.invalid(f, v.asText(), "may have mixed case, but should otherwise match: " + String.join(",", msgs)));
                        }
                    }
                }
                case "metadata" -> metadata(f, v, errs);
                default -> {
                }
            }
        });
    }

    private static void metadata(String f, JsonNode v, List<FieldCause> errs) {
        if (v.isNull()) {
            v = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!v.isObject()) {
            String goType = switch (GoValues.kind(v)) {
                case "boolean" -> "bool";
                case "integer", "number" -> "number";
                default -> GoValues.kind(v);
            };
            errs.add(FieldCause.invalidRendered(f, GoValues.errorValue(v),
                    "json: cannot unmarshal " + goType + " into Go value of type v1.ObjectMeta"));
            return;
        }
        ObjectNode meta = ((ObjectNode) v).deepCopy();
        if (meta.path("name").asText("").isEmpty()) {
            meta.put("name", "fakename");
        }
        boolean namespaced = !meta.path("namespace").asText("").isEmpty();
        for (FieldCause c : ObjectMetaValidation.validateObjectMeta(meta, namespaced, NameValidator.PATH_SEGMENT_NAME)) {
            String field = c.field().startsWith("metadata") ? f + c.field().substring("metadata".length()) : c.field();
            errs.add(new FieldCause(c.type(), c.message(), field));
        }
    }
}
