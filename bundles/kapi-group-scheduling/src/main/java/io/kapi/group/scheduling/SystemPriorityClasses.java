package io.kapi.group.scheduling;

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
 * kube's {@code scheduling/bootstrap-system-priority-classes} hook
 * ({@code pkg/registry/scheduling/rest/storage_scheduling.go}): the system priority classes of
 * {@code pkg/apis/scheduling/v1/helpers.go}, each read and created when missing through the loopback
 * client (already existing, or created meanwhile, is fine; a class that exists is left as it is).
 */
@Component(service = PostStartHook.class)
public final class SystemPriorityClasses implements PostStartHook {
    /** One of kube's system priority classes. */
    record SystemClass(String name, long value, String description) {
    }

    static final List<SystemClass> CLASSES = List.of(
            new SystemClass("system-node-critical", PriorityClassStrategy.SYSTEM_CRITICAL_PRIORITY + 1000,
                    "Used for system critical pods that must not be moved from their current node."),
            new SystemClass("system-cluster-critical", PriorityClassStrategy.SYSTEM_CRITICAL_PRIORITY,
                    "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."));

    @Activate
    public SystemPriorityClasses() {
    }

    @Override
    public String name() {
        return "scheduling/bootstrap-system-priority-classes";
    }

    static boolean isSystemClass(String name) {
        return CLASSES.stream().anyMatch(c -> c.name().equals(name));
    }

    /**
     * kube's {@code IsKnownSystemPriorityClass}: null when {@code name}, {@code value} and
     * {@code globalDefault} are exactly one system class's, else kube's error text.
     */
    static String knownSystemClassError(String name, long value, boolean globalDefault) {
        for (SystemClass c : CLASSES) {
            if (c.name().equals(name)) {
                if (c.value() != value) {
                    return "value of " + c.name() + " PriorityClass must be " + c.value();
                }
                if (globalDefault) {
                    return "globalDefault of " + c.name() + " PriorityClass must be false";
                }
                return null;
            }
        }
        return name + " is not a known system priority class";
    }

    static ObjectNode object(SystemClass c) {
        ObjectNode o = Json.object();
        o.put("apiVersion", SchedulingGroupProvider.GROUP + "/v1");
        o.put("kind", "PriorityClass");
        Json.metadata(o).put("name", c.name());
        o.put("value", c.value());
        o.put("description", c.description());
        return o;
    }

    @Override
    public void run(PostStartHookContext context) {
        RestStore store = context.loopback().resource(SchedulingGroupProvider.GROUP, "v1", "priorityclasses");
        for (SystemClass c : CLASSES) {
            try {
                store.get(LoopbackClient.context(""), c.name(), null);
                continue;
            } catch (StatusException e) {
                if (!"NotFound".equals(e.reason())) {
                    throw e;
                }
            }
            try {
                store.create(LoopbackClient.context(""), object(c));
            } catch (StatusException e) {
                if (!"AlreadyExists".equals(e.reason())) {
                    throw e;
                }
            }
        }
    }
}
