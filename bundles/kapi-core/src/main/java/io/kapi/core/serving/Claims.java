package io.kapi.core.serving;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.server.KapiRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which provider serves each group/version/resource: providers come sorted by ranking, so the first
 * claim of a key wins and every later one is reported as shadowed by it (kapi:groups shows both). A
 * provider that fails to describe its resources, or names a server that is not there, is reported
 * in the failures.
 */
final class Claims {
    /** The winning claim of a key: the definition, its provider and the version its objects are stored in. */
    record Claim(ResourceDefinition def, Contribution<APIGroupProvider> provider, String storageVersion) {
    }

    /** The winners by {@code group/version/plural}, in claim order. */
    final Map<String, Claim> winners = new LinkedHashMap<>();
    /** Every claim, the shadowed ones naming the bundle that won. */
    final List<KapiRuntime.GroupResourceInfo> infos = new ArrayList<>();

    private Claims() {
    }

    static Claims resolve(List<Contribution<APIGroupProvider>> providers, Set<String> serverNames, List<String> failures) {
        Claims out = new Claims();
        for (Contribution<APIGroupProvider> p : providers) {
            String server = p.property(APIGroupProvider.SERVER, "kube");
            List<ResourceDefinition> defs;
            Map<String, String> storageVersions;
            try {
                defs = p.service().resources();
                storageVersions = ServedResources.storageVersions(p.service(), defs);
            } catch (RuntimeException e) {
                failures.add("provider of bundle " + p.bundle() + " failed: " + e);
                continue;
            }
            for (ResourceDefinition d : defs) {
                String key = p.service().group() + "/" + d.version() + "/" + d.plural();
                Claim winner = out.winners.get(key);
                if (winner == null) {
                    out.winners.put(key, new Claim(d, p, storageVersions.get(d.plural())));
                }
                out.infos.add(new KapiRuntime.GroupResourceInfo(p.service().group(), d.version(), d.plural(), d.kind(),
                        server, p.bundle(), p.bundleId(), p.ranking(), winner == null ? null : winner.provider().bundle()));
            }
            if (!serverNames.contains(server)) {
                failures.add("group \"" + p.service().group() + "\" of bundle " + p.bundle() + " waits for server \"" + server + "\"");
            }
        }
        return out;
    }
}
