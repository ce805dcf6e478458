package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.SchemaProps.flag;
import static io.kapi.server.apiextensions.SchemaProps.has;
import static io.kapi.server.apiextensions.SchemaProps.items;
import static io.kapi.server.apiextensions.SchemaProps.map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.GoRendering;
import io.kapi.machinery.schema.Pruning;
import io.kapi.machinery.schema.ResourceRules;
import io.kapi.machinery.schema.SchemaValidator;
import io.kapi.machinery.schema.StructuralSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * apiextensions' {@code defaulting.ValidateDefaults} (v0.32.0) on a structural schema. A {@code default}
 * outside resource meta must be pruned ({@code must not have unknown fields}), coerce and validate as object
 * meta where it holds embedded resources, and validate against its own schema (errors under
 * {@code <path>.default}). A default inside the apiVersion, kind or metadata of a resource is placed in the
 * object it would default (kube's surrounding object, apiVersion {@code validation/v1}, kind
 * {@code Validation}), which must give valid metadata ({@code must result in valid metadata: ...}). The root
 * counts as an embedded resource; additionalProperties are not followed (defaults are forbidden there in
 * object meta). CEL rules are not evaluated. Stateless.
 */
final class DefaultRules {
    private static final Set<String> META_FIELDS = Set.of("metadata", "apiVersion", "kind");
    /** A step of the path from the resource root to a schema: a property name, or this marker for items. */
    private static final String INDEX = "\u0000[]";

    private DefaultRules() {
    }

    /** {@code ValidateDefaults(ctx, path, s, true, requirePrunedDefaults)} for a structural root schema. */
    static List<FieldCause> validate(JsonNode root, String path, boolean requirePrunedDefaults) {
        List<FieldCause> errs = new ArrayList<>();
        ObjectNode embeddedRoot = ((ObjectNode) root).deepCopy();
        embeddedRoot.put("x-kubernetes-embedded-resource", true);
        walk(embeddedRoot, path, embeddedRoot, List.of(), false, requirePrunedDefaults, errs);
        return errs;
    }

    private static void walk(JsonNode s, String path, JsonNode rootSchema, List<String> steps, boolean insideMeta,
                             boolean requirePruned, List<FieldCause> errs) {
        if (s == null) {
            return;
        }
        boolean embedded = flag(s, "x-kubernetes-embedded-resource");
        if (embedded) {
            insideMeta = false;
            rootSchema = s;
            steps = List.of();
        }
        if (has(s, "default")) {
            if (insideMeta) {
                insideMeta(s, path + ".default", rootSchema, steps, errs);
            } else {
                outsideMeta(s, path + ".default", embedded, requirePruned, errs);
            }
        }
        walk(items(s), path + ".items", rootSchema, append(steps, INDEX), insideMeta, requirePruned, errs);
        for (var e : map(s, "properties").entrySet()) {
            String k = e.getKey();
            walk(e.getValue(), path + ".properties[" + k + "]", rootSchema, append(steps, k),
                    insideMeta || (embedded && META_FIELDS.contains(k)), requirePruned, errs);
        }
    }

    private static List<String> append(List<String> steps, String step) {
        List<String> out = new ArrayList<>(steps);
        out.add(step);
        return out;
    }

    private static void outsideMeta(JsonNode s, String at, boolean embedded, boolean requirePruned, List<FieldCause> errs) {
        JsonNode value = s.get("default");
        StructuralSchema schema = StructuralSchema.parse(s);
        if (requirePruned) {
            JsonNode pruned = value.deepCopy();
            Pruning.prune(pruned, schema, embedded);
            if (!pruned.equals(value)) {
                errs.add(FieldCause.invalidRendered(at, GoRendering.fieldValue(value), "must not have unknown fields"));
            }
        }
        FieldCause coercion = MetaCoercion.check(at, value, s, embedded);
        if (coercion != null) {
            errs.add(coercion);
            return;
        }
        List<FieldCause> meta = new ArrayList<>();
        for (FieldCause c : ResourceRules.validateEmbeddedResources(value, schema, embedded)) {
            String f = c.field();
            meta.add(new FieldCause(c.type(), c.message(), f.isEmpty() ? at : f.startsWith("[") ? at + f : at + "." + f));
        }
        errs.addAll(meta.isEmpty() ? new SchemaValidator(schema).validate(value, at) : meta);
    }

    private static void insideMeta(JsonNode s, String at, JsonNode rootSchema, List<String> steps, List<FieldCause> errs) {
        JsonNode value = s.get("default");
        JsonNode surrounding = value.deepCopy();
        for (int i = steps.size() - 1; i >= 0; i--) {
            surrounding = steps.get(i).equals(INDEX) ? JsonNodeFactory.instance.arrayNode().add(surrounding)
                    : JsonNodeFactory.instance.objectNode().set(steps.get(i), surrounding);
        }
        if (!(surrounding instanceof ObjectNode obj)) {
            return; // kube: "object root default value must be of object type", which cannot happen inside meta
        }
        if (!obj.has("kind")) {
            obj.put("kind", "Validation");
        }
        if (!obj.has("apiVersion")) {
            obj.put("apiVersion", "validation/v1");
        }
        String rendered = GoRendering.fieldValue(value);
        FieldCause coercion = MetaCoercion.check(null, obj, rootSchema, true);
        if (coercion != null) {
            errs.add(FieldCause.invalidRendered(at, rendered, "must result in valid metadata: " + coercion.describe()));
            return;
        }
        List<FieldCause> meta = ResourceRules.validateEmbeddedResources(obj, StructuralSchema.parse(rootSchema), true);
        if (!meta.isEmpty()) {
            List<String> texts = new ArrayList<>();
            meta.forEach(c -> texts.add(c.describe()));
            String aggregate = texts.size() == 1 ? texts.get(0) : "[" + String.join(", ", texts) + "]";
            errs.add(FieldCause.invalidRendered(at, rendered, "must result in valid metadata: " + aggregate));
            return;
        }
        errs.addAll(new SchemaValidator(StructuralSchema.parse(s)).validate(value, at));
    }

    /** Whether a structural schema has a default that pruning would change (kube then relaxes the check on update). */
    static boolean hasUnprunedDefaults(JsonNode root) {
        for (FieldCause c : validate(root, "", true)) {
            if (c.message().endsWith(": must not have unknown fields")) {
                return true;
            }
        }
        return false;
    }
}
