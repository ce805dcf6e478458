package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * kube's system-namespaces bootstrap: {@code default}, {@code kube-system}, {@code kube-public}
 * (and {@code kube-node-lease}) exist once the server runs, created through the loopback client as
 * any client would create them. Idempotent: existing ones are kept. The server runs its hooks again
 * when another backend serves (etcd switched on), so the namespaces exist there too.
 */
@Component(service = PostStartHook.class)
public final class SystemNamespaces implements PostStartHook {
    static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    @Activate
    public SystemNamespaces() {
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
