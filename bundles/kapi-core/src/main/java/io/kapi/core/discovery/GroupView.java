package io.kapi.core.discovery;

import io.kapi.core.endpoints.ServedResource;
import java.util.List;
import java.util.Map;

/**
 * One served group in a snapshot: versions preferred first, and the resources of each version.
 */
public record GroupView(String group, List<String> versions, Map<String, List<ServedResource>> resources) {
    public String preferredVersion() {
        return versions.get(0);
    }

    public static String groupVersion(String group, String version) {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
