package io.kapi.machinery.apply;

import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer to an apply that conflicts with other managers, as kube's {@code NewApplyConflict}: 409
 * Conflict with getConflictMessage's message and one {@code FieldManagerConflict} cause per field and
 * manager. Stateless.
 */
final class ApplyConflict {
    private ApplyConflict() {
    }

    /** @param conflicts each conflicting manager ({@link #describe}d) and its fields, in the order the causes list them */
    static StatusException of(Map<String, FieldSet> conflicts) {
        List<FieldCause> causes = new ArrayList<>();
        Map<String, List<String>> byManager = new TreeMap<>();
        conflicts.forEach((who, set) -> {
            for (List<String> path : set.paths()) {
                String p = FieldSet.pathString(path);
                causes.add(new FieldCause("FieldManagerConflict", "conflict with " + who, p));
                byManager.computeIfAbsent(who, k -> new ArrayList<>()).add(p);
            }
        });
        String message;
        if (causes.size() == 1) {
            message = "Apply failed with 1 conflict: " + causes.get(0).message() + ": " + causes.get(0).field();
        } else {
            List<String> lines = new ArrayList<>();
            byManager.forEach((who, paths) -> {
                lines.add("conflicts with " + who + ":");
                paths.forEach(p -> lines.add("- " + p));
            });
            message = "Apply failed with " + causes.size() + " conflicts: " + String.join("\n", lines);
        }
        return new StatusException(409, "Conflict", message, null, null, null, causes, 0);
    }

    /** kube's printManager: the name quoted, its subresource, and for an Update its apiVersion. */
    static String describe(String manager, String operation, String apiVersion, String subresource) {
        String s = FieldCause.goQuote(manager);
        if (!subresource.isEmpty()) {
            s += " with subresource " + FieldCause.goQuote(subresource);
        }
        return operation.equals("Update") ? s + " using " + apiVersion : s;
    }
}
