package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import io.kapi.api.storage.Storage;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * kube's system-namespaces bootstrap: {@code default}, {@code kube-system}, {@code kube-public}
 * (and {@code kube-node-lease}) exist once the server runs, created through the loopback client as
 * any client would create them. Idempotent: existing ones are kept. The storage reference is greedy
 * and only a trigger: when a higher-ranked backend arrives (etcd switched on), the hook is re-created
 * and runs again, then against the snapshot serving that backend.
 */
@Component(service = PostStartHook.class)
public final class SystemNamespaces implements PostStartHook {
    static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    @Activate
    public SystemNamespaces(@Reference(policyOption = ReferencePolicyOption.GREEDY) Storage storage) {
        // the reference re-creates this hook on a new backend; the hook itself writes through the loopback client
    }

    @Override
    public String name() {
        return "start-system-namespaces-controller";
    }

    @Override
    public void run(PostStartHookContext context) {
        RestStore namespaces = context.loopback().resource("", "v1", "namespaces");
        for (String name : NAMES) {
            ObjectNode ns = Json.object();
            ns.put("apiVersion", "v1");
            ns.put("kind", "Namespace");
            Json.metadata(ns).put("name", name);
            try {
                namespaces.create(LoopbackClient.context(""), ns);
            } catch (StatusException e) {
                if (!"AlreadyExists".equals(e.reason())) {
                    throw e;
                }
            }
        }
    }
}
