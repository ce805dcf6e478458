package io.kapi.group.scheduling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.WatchSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A cluster-scoped store in memory with the generic store's order: defaults, prepare, validate, write. */
class MemoryStore implements RestStore {
    final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    private final Strategy strategy;
    private long revision;

    MemoryStore(Strategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode input) {
        calls.add("create " + Json.name(input));
        ObjectNode obj = input.deepCopy();
        String name = Json.name(obj);
        strategy.applyDefaults(obj);
        strategy.prepareForCreate(obj);
        List<FieldCause> causes = strategy.validate(obj);
        if (!causes.isEmpty()) {
            throw StatusException.invalid(SchedulingGroupProvider.GROUP, "PriorityClass", name, causes);
        }
        if (objects.containsKey(name)) {
            throw StatusException.alreadyExists(SchedulingGroupProvider.GROUP, "priorityclasses", name);
        }
        Json.metadata(obj).put("resourceVersion", Long.toString(++revision));
        objects.put(name, obj);
        return obj.deepCopy();
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        calls.add("get " + name);
        ObjectNode o = objects.get(name);
        if (o == null) {
            throw StatusException.notFound(SchedulingGroupProvider.GROUP, "priorityclasses", name);
        }
        return o.deepCopy();
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        ObjectNode old = objects.get(name);
        if (old == null) {
            throw StatusException.notFound(SchedulingGroupProvider.GROUP, "priorityclasses", name);
        }
        ObjectNode obj = transform.apply(old.deepCopy());
        strategy.applyDefaults(obj);
        strategy.prepareForUpdate(obj, old);
        List<FieldCause> causes = strategy.validateUpdate(obj, old);
        if (!causes.isEmpty()) {
            throw StatusException.invalid(SchedulingGroupProvider.GROUP, "PriorityClass", name, causes);
        }
        Json.metadata(obj).put("resourceVersion", Long.toString(++revision));
        objects.put(name, obj);
        return new UpdateResult(obj.deepCopy(), false);
    }

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        ObjectNode o = objects.remove(name);
        if (o == null) {
            throw StatusException.notFound(SchedulingGroupProvider.GROUP, "priorityclasses", name);
        }
        return new DeleteResult(o, true);
    }

    @Override
    public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
        ObjectNode list = list(ctx, listOptions);
        objects.clear();
        return list;
    }

    @Override
    public ObjectNode list(RequestContext ctx, ListOptions options) {
        ObjectNode list = Json.object();
        ArrayNode items = list.putArray("items");
        objects.values().forEach(o -> items.add(o.deepCopy()));
        return list;
    }

    @Override
    public AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
        throw new UnsupportedOperationException();
    }
}
