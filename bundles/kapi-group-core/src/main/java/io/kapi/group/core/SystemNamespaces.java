package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.storage.Storage;
import io.kapi.core.json.Json;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.NamespaceGuard;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.validation.NameValidator;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * kube's system-namespaces bootstrap: {@code default}, {@code kube-system}, {@code kube-public}
 * (and {@code kube-node-lease}) exist once the server runs. Idempotent: existing ones are kept. The
 * storage reference is greedy: when a higher-ranked backend arrives (etcd switched on), the hook is
 * re-created on it and runs again there.
 */
@Component(service = PostStartHook.class)
public final class SystemNamespaces implements PostStartHook {
    static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    private final GenericStore namespaces;

    @Activate
    public SystemNamespaces(@Reference(policyOption = ReferencePolicyOption.GREEDY) Storage storage) {
        this.namespaces = new GenericStore(new ResourceMeta("", "v1", "namespaces", "Namespace", false),
                new NamespaceStrategy(), storage, NamespaceGuard.NONE, NameValidator.DNS1123_LABEL);
    }

    @Override
    public String name() {
        return "start-system-namespaces-controller";
    }

    @Override
    public void run() {
        RequestContext ctx = new RequestContext("", new UserInfo("system:apiserver", "", List.of("system:masters")), false, null);
        for (String name : NAMES) {
            ObjectNode ns = Json.object();
            ns.put("apiVersion", "v1");
            ns.put("kind", "Namespace");
            Json.metadata(ns).put("name", name);
            try {
                namespaces.create(ctx, ns);
            } catch (StatusException e) {
                if (!"AlreadyExists".equals(e.reason())) {
                    throw e;
                }
            }
        }
    }
}
