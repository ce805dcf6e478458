package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.server.LoopbackClient;
import io.kapi.api.server.PostStartHook;
import io.kapi.api.server.PostStartHookContext;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * kube's {@code default/kubernetes} Service: created when missing, through the loopback client, on the
 * first address of the service range (10.96.0.1 by default), port 443 to the server's secure port,
 * labelled {@code component=apiserver}, {@code provider=kubernetes}; left alone when it exists, as
 * kube's controller leaves it. Its Endpoints are not written: they would name the address clients
 * reach the server on, which a server listening on loopback does not have.
 */
@Component(service = PostStartHook.class, configurationPid = CoreGroupProvider.PID)
public final class KubernetesService implements PostStartHook {
    private final ServiceCidr cidr;
    private final int securePort;

    @Activate
    public KubernetesService(Map<String, Object> config) {
        this.cidr = CoreGroupProvider.serviceRange(config);
        this.securePort = CoreGroupProvider.intProperty(config, "kubernetesServiceTargetPort", 6443);
    }

    @Override
    public String name() {
        return "start-kubernetes-service-controller";
    }

    @Override
    public void run(PostStartHookContext context) {
        new SystemNamespaces().run(context); // the Service lives in default, which that hook creates too
        RestStore services = context.loopback().resource("", "v1", "services");
        ObjectNode svc = Json.object();
        svc.put("apiVersion", "v1");
        svc.put("kind", "Service");
        ObjectNode m = Json.metadata(svc);
        m.put("name", "kubernetes");
        m.put("namespace", "default");
        m.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", cidr.address(0));
        spec.put("ipFamilyPolicy", "SingleStack");
        spec.put("sessionAffinity", "None");
        spec.putArray("ports").addObject().put("name", "https").put("protocol", "TCP").put("port", 443).put("targetPort", securePort);
        try {
            services.create(LoopbackClient.context("default"), svc);
        } catch (StatusException e) {
            if (!"AlreadyExists".equals(e.reason())) {
                throw e;
            }
        }
    }
}
