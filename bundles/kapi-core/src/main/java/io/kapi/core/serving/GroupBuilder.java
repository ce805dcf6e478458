package io.kapi.core.serving;

import io.kapi.core.discovery.GroupView;
import io.kapi.core.endpoints.ServedResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects one group's served resources per version while a snapshot is built, then its immutable view. */
final class GroupBuilder {
    final String group;
    final List<String> versions;
    final Map<String, List<ServedResource>> resources = new LinkedHashMap<>();

    GroupBuilder(String group, List<String> versions) {
        this.group = group;
        this.versions = versions;
    }

    void add(String version, ServedResource r) {
        resources.computeIfAbsent(version, v -> new ArrayList<>()).add(r);
    }

    GroupView build() {
        List<String> vs = new ArrayList<>();
        for (String v : versions) {
            if (resources.containsKey(v)) {
                vs.add(v);
            }
        }
        for (String v : resources.keySet()) {
            if (!vs.contains(v)) {
                vs.add(v);
            }
        }
        Map<String, List<ServedResource>> copy = new LinkedHashMap<>();
        resources.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return new GroupView(group, List.copyOf(vs), copy);
    }
}
