package io.kapi.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResetFields;
import io.kapi.api.rest.ResourceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contract of a group's status subresources with the field manager: what a status strategy says it
 * resets ({@link ResetFields}, kube's {@code GetResetFields}) is what its
 * {@link io.kapi.api.rest.StatusStrategy#prepareForUpdate} puts back, since a server-side apply through
 * {@code /status} lets nobody own those fields and relies on the strategy to restore them.
 */
public final class StatusContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusContract() {
    }

    /**
     * The reset fields each status strategy of {@code provider} states, by {@code version/plural}; a status
     * strategy that states none maps to {@code null}.
     */
    public static Map<String, List<List<String>>> resetFields(APIGroupProvider provider) {
        Map<String, List<List<String>>> out = new TreeMap<>();
        for (ResourceDefinition d : provider.resources()) {
            if (d.status() != null) {
                out.put(d.version() + "/" + d.plural(), d.status() instanceof ResetFields r ? r.resetFields() : null);
            }
        }
        return out;
    }

    /** Asserts that {@code provider}'s status strategies state exactly {@code expected} (by {@code version/plural}). */
    public static void assertResetFields(Map<String, List<List<String>>> expected, APIGroupProvider provider) {
        assertEquals(new TreeMap<>(expected), resetFields(provider));
    }

    /**
     * Asserts that a write through each status strategy of {@code provider} keeps the stored values of exactly
     * its reset fields among {@code spec}, {@code metadata.labels}, {@code metadata.annotations} and
     * {@code metadata.ownerReferences}, and takes the written ones of the others.
     */
    public static void assertStatusWritesKeepTheirResetFields(APIGroupProvider provider) {
        for (ResourceDefinition d : provider.resources()) {
            if (d.status() == null) {
                continue;
            }
            String what = d.version() + "/" + d.plural();
            List<List<String>> paths = d.status() instanceof ResetFields r ? r.resetFields() : List.of();
            ObjectNode written = object("new");
            d.status().prepareForUpdate(written, object("old"));
            assertEquals(reset(paths, "spec") ? "old" : "new", written.at("/spec/probe").asText(), what + ": spec");
            assertEquals(reset(paths, "metadata", "labels") ? "old" : "new", written.at("/metadata/labels/l").asText(),
                    what + ": metadata.labels");
            assertEquals(reset(paths, "metadata", "annotations") ? "old" : "new", written.at("/metadata/annotations/a").asText(),
                    what + ": metadata.annotations");
            assertEquals(reset(paths, "metadata", "ownerReferences") ? "old" : "new",
                    written.at("/metadata/ownerReferences/0/name").asText(), what + ": metadata.ownerReferences");
        }
    }

    /** An object whose spec, labels, annotations and owner references all carry {@code value}. */
    private static ObjectNode object(String value) {
        try {
            return (ObjectNode) JSON.readTree("""
                    {"metadata":{"name":"x","labels":{"l":"%1$s"},"annotations":{"a":"%1$s"},
                      "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"%1$s","uid":"%1$s"}]},
                     "spec":{"probe":"%1$s"},"status":{}}""".formatted(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code path} is one of {@code paths} or below one. */
    private static boolean reset(List<List<String>> paths, String... path) {
        for (List<String> p : paths) {
            if (p.size() <= path.length && p.equals(List.of(path).subList(0, p.size()))) {
                return true;
            }
        }
        return false;
    }
}
