package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Subresource;
import io.kapi.api.rest.ScaleSubresource;
import io.kapi.api.server.ServiceAccountTokens;
import io.kapi.machinery.apply.FieldManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * core/v1 (kube's legacy group, under /api): a strategy and a schema per resource. Configured by
 * {@code etc/io.kapi.group.core.cfg}: {@code serviceClusterIPRange} (an IPv4 CIDR, default
 * {@code 10.96.0.0/12}, kubeadm's), {@code serviceNodePortRange} (default {@code 30000-32767}) and {@code eventTTL}
 * (kube-apiserver's {@code --event-ttl}, default {@code 1h}). The
 * {@code serviceaccounts/token} subresource signs with the server's service account issuer when one is
 * registered (the security bundle's), and answers 503 while none is.
 */
@Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube", configurationPid = CoreGroupProvider.PID)
public final class CoreGroupProvider implements APIGroupProvider {
    static final String PID = "io.kapi.group.core";
    static final String DEFAULT_SERVICE_RANGE = "10.96.0.0/12";
    static final ObjectNode OPENAPI = Json.resource(CoreGroupProvider.class, "core-v1-openapi.json");

    /** Where pods are stored: kube's key prefix of the pods resource. */
    private static final String PODS = "/registry/pods/";
    private static final NamespaceStrategy NAMESPACES = new NamespaceStrategy();
    private static final ObjectNode NAMESPACE_SCHEMA = Json.resource(CoreGroupProvider.class, "Namespace.json");
    private static final ObjectNode EVENT_SCHEMA = Json.resource(CoreGroupProvider.class, "Event.json");
    /** Records the writes through {@code namespaces/finalize}; holds only the schema. */
    private static final FieldManager FINALIZE_FIELDS = fieldManager("io.k8s.api.core.v1.Namespace");
    /** Records the writes through {@code pods/ephemeralcontainers}; holds only the schema. */
    private static final FieldManager EPHEMERAL_CONTAINER_FIELDS = fieldManager("io.k8s.api.core.v1.Pod");
    private static final List<ResourceDefinition> FIXED = List.of(
            ResourceDefinition.builder("v1", "namespaces", "Namespace").shortNames("ns")
                    .schema(NAMESPACE_SCHEMA).strategy(NAMESPACES)
                    .storage(binding -> new NamespaceRest(binding.genericStore(NAMESPACES), NAMESPACES))
                    .status(new NamespaceStatusStrategy())
                    .subresource(new Subresource(NamespaceFinalizeRest.SUBRESOURCE, "", "v1", "Namespace", NAMESPACE_SCHEMA,
                            binding -> new NamespaceFinalizeRest(binding.genericStore(new NamespaceFinalizeStrategy()), FINALIZE_FIELDS)))
                    .build(),
            new ResourceDefinition("v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), List.of(),
                    Json.resource(CoreGroupProvider.class, "ConfigMap.json"), new ConfigMapStrategy(), null),
            new ResourceDefinition("v1", "secrets", "secret", "Secret", true, List.of(), List.of(),
                    Json.resource(CoreGroupProvider.class, "Secret.json"), new SecretStrategy(), null),
            events(EventStrategy.DEFAULT_TTL_SECONDS),
            ResourceDefinition.builder("v1", "pods", "Pod").namespaced(true).shortNames("po").categories("all")
                    .openApi(OPENAPI, "io.k8s.api.core.v1.Pod").strategy(new PodStrategy()).status(new PodStatusStrategy())
                    .subresource(new Subresource("binding", "", "v1", "Binding", (ObjectNode) OPENAPI.get("io.k8s.api.core.v1.Binding"),
                            binding -> new PodBindingRest(binding.storage(), binding.keyPrefix())))
                    .subresource(new Subresource("eviction", "policy", "v1", "Eviction",
                            (ObjectNode) OPENAPI.get("io.k8s.api.policy.v1.Eviction"),
                            binding -> new PodEvictionRest(binding.storage(), binding.genericStore(new PodStrategy()))))
                    .subresource(new Subresource(PodEphemeralContainersRest.SUBRESOURCE, "", "v1", "Pod",
                            (ObjectNode) OPENAPI.get("io.k8s.api.core.v1.Pod"), binding -> new PodEphemeralContainersRest(
                                    binding.genericStore(new PodEphemeralContainersStrategy()), EPHEMERAL_CONTAINER_FIELDS)))
                    .subresource(connection("log", "Pod", PodConnections.Kind.LOG))
                    .subresource(connection("exec", "PodExecOptions", PodConnections.Kind.EXEC))
                    .subresource(connection("attach", "PodAttachOptions", PodConnections.Kind.ATTACH))
                    .subresource(connection("portforward", "PodPortForwardOptions", PodConnections.Kind.PORTFORWARD))
                    .subresource(new Subresource("proxy", "", "v1", "PodProxyOptions", null,
                            binding -> new ProxyRest(ProxyRest.Kind.POD, binding.genericStore(new PodStrategy()), binding.storage())))
                    .build(),
            ResourceDefinition.builder("v1", "endpoints", "Endpoints").singular("endpoints").namespaced(true).shortNames("ep")
                    .openApi(OPENAPI, "io.k8s.api.core.v1.Endpoints").strategy(new EndpointsStrategy()).build(),
            ResourceDefinition.builder("v1", "persistentvolumeclaims", "PersistentVolumeClaim").namespaced(true).shortNames("pvc")
                    .openApi(OPENAPI, "io.k8s.api.core.v1.PersistentVolumeClaim").strategy(new PersistentVolumeClaimStrategy())
                    .status(new PersistentVolumeClaimStatusStrategy()).build(),
            ResourceDefinition.builder("v1", "persistentvolumes", "PersistentVolume").shortNames("pv")
                    .openApi(OPENAPI, "io.k8s.api.core.v1.PersistentVolume").strategy(new PersistentVolumeStrategy())
                    .status(new PersistentVolumeStatusStrategy()).build(),
            nodes(),
            ResourceDefinition.builder("v1", "replicationcontrollers", "ReplicationController").namespaced(true)
                    .shortNames("rc").categories("all").openApi(OPENAPI, "io.k8s.api.core.v1.ReplicationController")
                    .strategy(new ReplicationControllerStrategy()).status(new ReplicationControllerStatusStrategy())
                    .scale(ScaleSubresource.replicas()).build(),
            ResourceDefinition.builder("v1", "podtemplates", "PodTemplate").namespaced(true)
                    .openApi(OPENAPI, "io.k8s.api.core.v1.PodTemplate").strategy(new PodTemplateStrategy()).build(),
            ResourceDefinition.builder("v1", "limitranges", "LimitRange").namespaced(true).shortNames("limits")
                    .openApi(OPENAPI, "io.k8s.api.core.v1.LimitRange").strategy(new LimitRangeStrategy()).build(),
            ResourceDefinition.builder("v1", "resourcequotas", "ResourceQuota").namespaced(true).shortNames("quota")
                    .openApi(OPENAPI, "io.k8s.api.core.v1.ResourceQuota").strategy(new ResourceQuotaStrategy())
                    .status(new ResourceQuotaStatusStrategy()).build(),
            // kube's legacy binding: a Binding posted to the namespace, named as its pod; stored nowhere itself
            ResourceDefinition.builder("v1", "bindings", "Binding").namespaced(true)
                    .openApi(OPENAPI, "io.k8s.api.core.v1.Binding")
                    .storage(binding -> new LegacyBindingRest(new PodBindingRest(binding.storage(), PODS))).build(),
            ResourceDefinition.builder("v1", "componentstatuses", "ComponentStatus").shortNames("cs")
                    .openApi(OPENAPI, "io.k8s.api.core.v1.ComponentStatus").deprecated("v1 ComponentStatus is deprecated in v1.19+")
                    .storage(binding -> ComponentStatuses.kubes(binding.storage())).build());

    private final List<ResourceDefinition> resources;

    /** The service account issuer, followed as it comes and goes: the group is not rebuilt for it. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile ServiceAccountTokens serviceAccountTokens;

    /** A field manager of v1 objects of the schema {@code definition} names in core/v1's OpenAPI. */
    static FieldManager fieldManager(String definition) {
        String prefix = "#/components/schemas/";
        return new FieldManager(OPENAPI.get(definition), ref -> ref.startsWith(prefix) ? OPENAPI.get(ref.substring(prefix.length())) : null, "v1");
    }

    private static Subresource connection(String name, String kind, PodConnections.Kind connection) {
        return new Subresource(name, "", "v1", kind, null,
                binding -> new PodConnections(connection, binding.genericStore(new PodStrategy()), binding.storage()));
    }

    /** Nodes: the generic store but for a create's status, which kube keeps ({@link NodeRest}). */
    private static ResourceDefinition nodes() {
        NodeStrategy nodes = new NodeStrategy();
        return ResourceDefinition.builder("v1", "nodes", "Node").shortNames("no")
                .openApi(OPENAPI, "io.k8s.api.core.v1.Node").strategy(nodes).status(new NodeStatusStrategy())
                .subresource(new Subresource("proxy", "", "v1", "NodeProxyOptions", null,
                        binding -> new ProxyRest(ProxyRest.Kind.NODE, binding.genericStore(nodes), binding.storage())))
                .storage(binding -> new NodeRest(binding, nodes)).build();
    }

    /** With the default service ranges (tests, and a provider without configuration). */
    public CoreGroupProvider() {
        this(Map.of());
    }

    @Activate
    public CoreGroupProvider(Map<String, Object> config) {
        ServiceCidr cidr = serviceRange(config);
        String ports = String.valueOf(config.getOrDefault("serviceNodePortRange", "30000-32767")).trim();
        String[] bounds = ports.split("-");
        if (bounds.length != 2) {
            throw new IllegalArgumentException("serviceNodePortRange is not a range such as 30000-32767: " + ports);
        }
        int base = Integer.parseInt(bounds[0].trim());
        int max = Integer.parseInt(bounds[1].trim());
        ServiceStrategy services = new ServiceStrategy();
        List<ResourceDefinition> all = new ArrayList<>(FIXED);
        ServiceAccountStrategy serviceAccounts = new ServiceAccountStrategy();
        all.add(3, ResourceDefinition.builder("v1", "serviceaccounts", "ServiceAccount").namespaced(true).shortNames("sa")
                // kube 1.32's schemas: the token subresource's TokenRequest resolves its spec in the same document
                .openApi(OPENAPI, "io.k8s.api.core.v1.ServiceAccount").strategy(serviceAccounts)
                .subresource(new Subresource(ServiceAccountTokenRest.SUBRESOURCE, "authentication.k8s.io", "v1", "TokenRequest",
                        (ObjectNode) OPENAPI.get("io.k8s.api.authentication.v1.TokenRequest"),
                        binding -> new ServiceAccountTokenRest(binding.genericStore(serviceAccounts), binding.storage(),
                                () -> serviceAccountTokens, java.time.Clock.systemUTC())))
                .build());
        all.add(6, ResourceDefinition.builder("v1", "services", "Service").namespaced(true).shortNames("svc").categories("all")
                .openApi(OPENAPI, "io.k8s.api.core.v1.Service").strategy(services).status(new ServiceStatusStrategy())
                .subresource(new Subresource("proxy", "", "v1", "ServiceProxyOptions", null,
                        binding -> new ProxyRest(ProxyRest.Kind.SERVICE, binding.genericStore(services), binding.storage())))
                .storage(binding -> new ServiceRest(binding.genericStore(services), services, binding.storage(), cidr, base, max))
                .build());
        long eventTtl = eventTtlSeconds(config);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).plural().equals("events")) {
                all.set(i, events(eventTtl));
            }
        }
        this.resources = List.copyOf(all);
    }

    private static ResourceDefinition events(long ttlSeconds) {
        return new ResourceDefinition("v1", "events", "event", "Event", true, List.of("ev"), List.of(),
                EVENT_SCHEMA, new EventStrategy(ttlSeconds), null);
    }

    /**
     * {@code eventTTL}: how long an event lives after its last write, a Go duration as kube-apiserver's
     * {@code --event-ttl} takes it (default {@code 1h}); below a second, as {@code 0}, events never expire (kube
     * attaches no lease then).
     */
    static long eventTtlSeconds(Map<String, Object> config) {
        Object v = config.get("eventTTL");
        if (v == null) {
            return EventStrategy.DEFAULT_TTL_SECONDS;
        }
        return GoDuration.parse(String.valueOf(v).trim(), "eventTTL").getSeconds();
    }

    static ServiceCidr serviceRange(Map<String, Object> config) {
        return ServiceCidr.parse(String.valueOf(config.getOrDefault("serviceClusterIPRange", DEFAULT_SERVICE_RANGE)));
    }

    static int intProperty(Map<String, Object> config, String name, int fallback) {
        Object v = config.get(name);
        return v == null ? fallback : Integer.parseInt(String.valueOf(v).trim());
    }

    @Override
    public String group() {
        return "";
    }

    @Override
    public List<String> versions() {
        return List.of("v1");
    }

    @Override
    public List<ResourceDefinition> resources() {
        return resources;
    }
}
