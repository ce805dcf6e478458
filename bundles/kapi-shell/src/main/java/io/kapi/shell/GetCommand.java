package io.kapi.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kapi.api.server.KapiRuntime;
import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Reads objects of a served resource straight from storage, for the operator on the console. */
@Command(scope = "kapi", name = "get", description = "Show objects of a served resource")
@Service
public class GetCommand implements Action {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Reference
    KapiRuntime runtime;

    @Reference
    Storage storage;

    @Argument(index = 0, name = "resource", description = "resource (plural, singular or kind, e.g. configmaps, cm is not resolved)", required = true)
    String resource;

    @Argument(index = 1, name = "name", description = "object name", required = false)
    String name;

    @Option(name = "-n", aliases = "--namespace", description = "namespace (namespaced resources; default: all)")
    String namespace;

    @Option(name = "-o", aliases = "--output", description = "yaml or json")
    String output;

    @Override
    public Object execute() throws Exception {
        KapiRuntime.GroupResourceInfo target = null;
        for (KapiRuntime.GroupResourceInfo r : runtime.resources()) {
            if (!r.shadowed() && (r.resource().equalsIgnoreCase(resource) || r.kind().equalsIgnoreCase(resource)
                    || (r.resource() + "." + r.group()).equalsIgnoreCase(resource))) {
                target = r;
                break;
            }
        }
        if (target == null) {
            System.err.println("error: the server doesn't have a resource type \"" + resource + "\"");
            return null;
        }
        String prefix = target.group().isEmpty() ? "/registry/" + target.resource() + "/"
                : "/registry/" + target.group() + "/" + target.resource() + "/";
        List<ObjectNode> objects = new ArrayList<>();
        if (name != null) {
            String key = prefix + (namespace != null ? namespace + "/" : (isNamespaced(prefix) ? "default/" : "")) + name;
            KeyValue kv = storage.get(key);
            if (kv == null) {
                System.err.println("Error from server (NotFound): " + target.resource() + " \"" + name + "\" not found");
                return null;
            }
            objects.add(decode(kv));
        } else {
            ListResult list = storage.list(namespace == null ? prefix : prefix + namespace + "/", 0, null, 0);
            for (KeyValue kv : list.items()) {
                objects.add(decode(kv));
            }
        }
        if ("json".equals(output) || "yaml".equals(output)) {
            ObjectMapper mapper = "yaml".equals(output) ? new ObjectMapper(new YAMLFactory()) : JSON;
            Object value = objects.size() == 1 && name != null ? objects.get(0) : objects;
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(value));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Namespace");
        table.column("Name");
        table.column("ResourceVersion");
        table.column("Created");
        for (ObjectNode o : objects) {
            var m = o.path("metadata");
            table.addRow().addContent(m.path("namespace").asText(""), m.path("name").asText(), m.path("resourceVersion").asText(),
                    m.path("creationTimestamp").asText());
        }
        table.print(System.out);
        return null;
    }

    private boolean isNamespaced(String prefix) {
        ListResult some = storage.list(prefix, 0, null, 1);
        return !some.items().isEmpty() && some.items().get(0).key().substring(prefix.length()).contains("/");
    }

    private static ObjectNode decode(KeyValue kv) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(kv.value());
        ((ObjectNode) o.with("metadata")).put("resourceVersion", Long.toString(kv.modRevision()));
        return o;
    }
}
