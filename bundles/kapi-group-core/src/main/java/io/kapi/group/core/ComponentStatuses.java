package io.kapi.group.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.Getter;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.Lister;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.api.storage.Storage;
import io.kapi.machinery.selection.FieldSelector;
import io.kapi.machinery.selection.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * core/v1 componentstatuses (deprecated in kube since 1.19, still served), as kube's
 * {@code componentstatus} REST: nothing stored, each read checks the components now, in parallel.
 * kube checks its controller manager and scheduler on their default secure ports on 127.0.0.1
 * ({@code /healthz}, 10257 and 10259) and each storage backend as {@code etcd-<n>}. Kapi checks the
 * same ports, so a controller manager or scheduler run beside it shows healthy and none shows kube's
 * connection-refused message; {@code etcd-0} is Kapi's storage backend, whichever it is (a read of
 * {@code /registry/health}, as kube's etcd check reads its health key).
 *
 * <p>Labels and fields select as kube's default predicate does (componentstatuses have no labels, so
 * any label selector selects nothing). One deliberate difference: a name that is not a component is
 * kube's usual 404 NotFound, where kube-apiserver answers a 500 ("Component not found: ...").
 */
final class ComponentStatuses implements Lister, Getter, TableConvertor {
    private static final Logger LOG = Logger.getLogger(ComponentStatuses.class.getName());
    /** kube's probe timeout for component checks. */
    static final int TIMEOUT_MILLIS = 20_000;

    /** The checks run in parallel, as kube's; threads end after a minute idle (none are kept for a bundle gone). */
    private static final java.util.concurrent.ExecutorService CHECKS = new java.util.concurrent.ThreadPoolExecutor(0, 16, 60,
            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "kapi-component-status-check");
                t.setDaemon(true);
                return t;
            }, new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());

    private final Map<String, ComponentProbe> components;
    private final TableConvertor table = Printer.builder().name()
            .column(new TableColumn("Status", "string", "", "Status of the component conditions", 0), o -> status(o))
            .column(new TableColumn("Message", "string", "", "Message of the component conditions", 0), o -> condition(o, "message"))
            .column(new TableColumn("Error", "string", "", "Error of the component conditions", 0), o -> condition(o, "error"))
            .build();

    ComponentStatuses(Map<String, ComponentProbe> components) {
        this.components = new TreeMap<>(components);
    }

    /** kube's components: controller-manager and scheduler on their default ports, the storage as etcd-0. */
    static ComponentStatuses kubes(Storage storage) {
        return new ComponentStatuses(Map.of(
                "controller-manager", ComponentProbe.http("https", "127.0.0.1", 10257, "/healthz", TIMEOUT_MILLIS),
                "scheduler", ComponentProbe.http("https", "127.0.0.1", 10259, "/healthz", TIMEOUT_MILLIS),
                "etcd-0", storage(storage)));
    }

    /** kube's etcd check: the health key read; any error is a failure with the error's text. */
    static ComponentProbe storage(Storage storage) {
        return () -> {
            try {
                storage.get("/registry/health");
                return new ComponentProbe.Outcome(ComponentProbe.Result.SUCCESS, "ok", "");
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "storage health check failed", e);
                return new ComponentProbe.Outcome(ComponentProbe.Result.FAILURE, "", String.valueOf(e.getMessage()));
            }
        };
    }

    @Override
    public ObjectNode list(RequestContext ctx, ListOptions options) {
        LabelSelector labels = LabelSelector.parse(options.labelSelector() == null ? "" : options.labelSelector());
        FieldSelector fields = FieldSelector.parse(options.fieldSelector() == null ? "" : options.fieldSelector());
        for (String field : fields.fields()) {
            if (!field.equals("metadata.name") && !field.equals("metadata.namespace")) {
                throw StatusException.badRequest("field label not supported: " + field);
            }
        }
        List<CompletableFuture<ObjectNode>> checks = new ArrayList<>();
        components.forEach((name, probe) -> checks.add(CompletableFuture.supplyAsync(() -> status(name, probe.check()), CHECKS)));
        ObjectNode list = Json.object().put("kind", "ComponentStatusList").put("apiVersion", "v1");
        list.putObject("metadata");
        var items = list.putArray("items");
        for (CompletableFuture<ObjectNode> check : checks) {
            ObjectNode status = check.join();
            if (labels.matches(Map.of()) && fields.matches(Map.of("metadata.name", Json.name(status), "metadata.namespace", ""))) {
                items.add(status);
            }
        }
        return list;
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        ComponentProbe probe = components.get(name);
        if (probe == null) {
            throw StatusException.notFound("", "componentstatuses", name);
        }
        return status(name, probe.check());
    }

    /** A ComponentStatus as kube writes it: one Healthy condition; an empty message or error omitted. */
    static ObjectNode status(String name, ComponentProbe.Outcome outcome) {
        ObjectNode s = Json.object().put("kind", "ComponentStatus").put("apiVersion", "v1");
        s.putObject("metadata").put("name", name).putNull("creationTimestamp");
        ObjectNode c = s.putArray("conditions").addObject().put("type", "Healthy").put("status", outcome.result().conditionStatus);
        if (!outcome.message().isEmpty()) {
            c.put("message", outcome.message());
        }
        if (!outcome.error().isEmpty()) {
            c.put("error", outcome.error());
        }
        return s;
    }

    /** kube's printer: Healthy when the Healthy condition is True, else Unhealthy; Unknown without one. */
    private static String status(ObjectNode o) {
        for (var c : o.path("conditions")) {
            if ("Healthy".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText()) ? "Healthy" : "Unhealthy";
            }
        }
        return "Unknown";
    }

    private static String condition(ObjectNode o, String field) {
        for (var c : o.path("conditions")) {
            if ("Healthy".equals(c.path("type").asText())) {
                return c.path(field).asText("");
            }
        }
        return "";
    }

    @Override
    public List<TableColumn> columns() {
        return table.columns();
    }

    @Override
    public List<Object> cells(ObjectNode object) {
        return table.cells(object);
    }
}
