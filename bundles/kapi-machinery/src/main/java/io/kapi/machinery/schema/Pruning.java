package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * apiextensions' {@code pruning.PruneWithOptions}: drops, in place, every field the structural schema
 * does not specify, keeping what {@code x-kubernetes-preserve-unknown-fields} keeps and
 * {@code apiVersion}/{@code kind}/{@code metadata} of embedded resources (and of the root when
 * {@code isResourceRoot}). Returns the dropped paths, sorted, as kube reports them in its warnings
 * ({@code unknown field "spec.foo"}): keys joined with {@code .}, indices as {@code [0]}.
 *
 * <p>Not {@code io.kapi.machinery.apply.Pruning}, which is structured-merge-diff's removal of field
 * sets, nor {@code validation.StrictDecoding}, which reads OpenAPI schemas of built-in kinds where a
 * schema without properties keeps everything; kube's CRD pruning drops everything there. The metadata
 * of embedded resources is narrowed to ObjectMeta by {@link ObjectMetaCoercion}. Stateless.
 */
public final class Pruning {
    private static final Set<String> META_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private Pruning() {
    }

    /** {@code PruneWithOptions(obj, s, isResourceRoot, {TrackUnknownFieldPaths: true})}. */
    public static List<String> prune(JsonNode obj, StructuralSchema s, boolean isResourceRoot) {
        List<String> unknown = new ArrayList<>();
        StructuralSchema root = s == null && isResourceRoot
                ? StructuralSchema.parse(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()) : s;
        prune(obj, root, isResourceRoot, "", unknown);
        Collections.sort(unknown);
        return unknown;
    }

    private static String key(String parent, String k) {
        return parent.isEmpty() ? k : parent + "." + k;
    }

    private static void prune(JsonNode x, StructuralSchema s, boolean embedded, String path, List<String> unknown) {
        if (s != null && s.preserveUnknownFields) {
            skipPrune(x, s, embedded, path, unknown);
            return;
        }
        if (x instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                if (s == null) {
                    unknown.add(key(path, k));
                    it.remove();
                    continue;
                }
                if ((embedded || s.embeddedResource) && META_FIELDS.contains(k)) {
                    continue;
                }
                StructuralSchema prop = s.properties.get(k);
                if (prop != null) {
                    prune(e.getValue(), prop, false, key(path, k), unknown);
                } else if (s.additionalAllows != null) {
                    prune(e.getValue(), s.additionalSchema, false, key(path, k), unknown);
                } else {
                    if (!META_FIELDS.contains(k) || !path.isEmpty()) {
                        unknown.add(key(path, k));
                    }
                    it.remove();
                }
            }
        } else if (x instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                prune(a.get(i), s == null ? null : s.items, false, path + "[" + i + "]", unknown);
            }
        }
    }

    private static void skipPrune(JsonNode x, StructuralSchema s, boolean embedded, String path, List<String> unknown) {
        if (s == null) {
            return;
        }
        if (x instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> {
                String k = e.getKey();
                if ((embedded || s.embeddedResource) && META_FIELDS.contains(k)) {
                    return;
                }
                StructuralSchema prop = s.properties.get(k);
                if (prop != null) {
                    prune(e.getValue(), prop, false, key(path, k), unknown);
                } else if (s.additionalAllows != null) {
                    prune(e.getValue(), s.additionalSchema, false, key(path, k), unknown);
                }
            });
        } else if (x instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                skipPrune(a.get(i), s.items, false, path + "[" + i + "]", unknown);
            }
        }
    }
}
