package io.kapi.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.GarbageCollectionPolicy.Policy;
import io.kapi.core.json.Json;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The collector's finalizers a delete sets, case by case as kube's generic store decides them
 * (its {@code TestDeleteWithOrphanDependents}/{@code TestDeleteDependentsInForeground} cases restated):
 * explicit {@code orphanDependents}, then {@code propagationPolicy}, then the object's own finalizer,
 * then the resource's default.
 */
class DeletionFinalizersTest {

    @ParameterizedTest(name = "{0} + {1} ({2}) -> {3}")
    @CsvSource(delimiter = '|', value = {
            // finalizers before | DeleteOptions                       | default           | finalizers after (- : unchanged)
            "[]                  | {}                                  | DELETE_DEPENDENTS | -",
            "[]                  | {}                                  | ORPHAN_DEPENDENTS | [orphan]",
            "[]                  | {}                                  | UNSUPPORTED       | -",
            "[]                  | {\"propagationPolicy\":\"Orphan\"}    | DELETE_DEPENDENTS | [orphan]",
            "[]                  | {\"propagationPolicy\":\"Foreground\"}| DELETE_DEPENDENTS | [foregroundDeletion]",
            "[]                  | {\"propagationPolicy\":\"Background\"}| ORPHAN_DEPENDENTS | -",
            "[]                  | {\"propagationPolicy\":\"Foreground\"}| UNSUPPORTED       | -",
            "[]                  | {\"orphanDependents\":true}          | DELETE_DEPENDENTS | [orphan]",
            "[]                  | {\"orphanDependents\":false}         | ORPHAN_DEPENDENTS | -",
            "[orphan]            | {}                                  | DELETE_DEPENDENTS | -",
            "[orphan]            | {\"propagationPolicy\":\"Background\"}| DELETE_DEPENDENTS | []",
            "[orphan]            | {\"propagationPolicy\":\"Foreground\"}| DELETE_DEPENDENTS | [foregroundDeletion]",
            "[foregroundDeletion]| {}                                  | ORPHAN_DEPENDENTS | -",
            "[foregroundDeletion]| {\"orphanDependents\":true}          | DELETE_DEPENDENTS | [orphan]",
            "[x.io/keep]         | {\"propagationPolicy\":\"Orphan\"}    | DELETE_DEPENDENTS | [x.io/keep, orphan]",
            "[x.io/keep, orphan] | {\"propagationPolicy\":\"Foreground\"}| DELETE_DEPENDENTS | [x.io/keep, foregroundDeletion]",
            "[x.io/keep]         | {}                                  | DELETE_DEPENDENTS | -",
    })
    void finalizersAfterDelete(String before, String options, Policy policy, String after) throws Exception {
        JsonNode finalizers = Json.MAPPER.readTree(quote(before));
        List<String> out = DeletionFinalizers.after(finalizers, Json.MAPPER.readTree(options), policy);
        assertEquals(after.equals("-") ? null : Json.MAPPER.readTree(quote(after)),
                out == null ? null : Json.MAPPER.valueToTree(out));
    }

    private static String quote(String list) {
        String inner = list.substring(1, list.length() - 1).trim();
        if (inner.isEmpty()) {
            return "[]";
        }
        StringBuilder b = new StringBuilder("[");
        for (String s : inner.split(",")) {
            b.append(b.length() > 1 ? "," : "").append('"').append(s.trim()).append('"');
        }
        return b.append(']').toString();
    }
}
