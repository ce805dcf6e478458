package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.rest.WatchSink;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * CertificateSigningRequests on the generic store, with the part of kube's {@code PrepareForCreate} that
 * needs the request: {@code spec.username}, {@code uid}, {@code groups} and {@code extra} are the
 * requesting user's, whatever the client wrote ({@code UserInfo} carries no extra attributes, so
 * {@code spec.extra} is always left out). Every other verb is the store's.
 */
final class CsrRest implements RestStore, TableConvertor {
    private final RestStore store;
    private final TableConvertor table;

    CsrRest(RestStore store, CsrStrategy strategy) {
        this.store = store;
        this.table = strategy.table();
    }

    /** The fields of kube's {@code CertificateSigningRequestSpec}, in the order its JSON has them. */
    private static final List<String> SPEC_FIELDS = List.of("request", "signerName", "expirationSeconds", "usages", "username",
            "uid", "groups", "extra");

    /** The requestor's identity in {@code csr}'s spec, as Go's omitempty writes it, the spec in Go's field order. */
    static void setRequestor(ObjectNode csr, UserInfo user) {
        ObjectNode spec = csr.get("spec") instanceof ObjectNode s ? s : csr.putObject("spec");
        spec.remove(List.of("username", "uid", "groups", "extra"));
        if (user != null) {
            if (user.name() != null && !user.name().isEmpty()) {
                spec.put("username", user.name());
            }
            if (user.uid() != null && !user.uid().isEmpty()) {
                spec.put("uid", user.uid());
            }
            if (user.groups() != null && !user.groups().isEmpty()) {
                ArrayNode groups = spec.putArray("groups");
                user.groups().forEach(groups::add);
            }
        }
        ObjectNode ordered = spec.objectNode();
        SPEC_FIELDS.stream().filter(spec::has).forEach(f -> ordered.set(f, spec.get(f)));
        spec.fields().forEachRemaining(e -> ordered.putIfAbsent(e.getKey(), e.getValue()));
        spec.removeAll();
        spec.setAll(ordered);
    }

    @Override
    public ObjectNode create(RequestContext ctx, ObjectNode object) {
        ObjectNode csr = object.deepCopy();
        setRequestor(csr, ctx.user());
        return store.create(ctx, csr);
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        return store.get(ctx, name, resourceVersion);
    }

    @Override
    public ObjectNode list(RequestContext ctx, ListOptions options) {
        return store.list(ctx, options);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        return store.update(ctx, name, transform);
    }

    @Override
    public DeleteResult delete(RequestContext ctx, String name, ObjectNode options) {
        return store.delete(ctx, name, options);
    }

    @Override
    public ObjectNode deleteCollection(RequestContext ctx, ObjectNode deleteOptions, ListOptions listOptions) {
        return store.deleteCollection(ctx, deleteOptions, listOptions);
    }

    @Override
    public AutoCloseable watch(RequestContext ctx, ListOptions options, WatchSink sink) {
        return store.watch(ctx, options, sink);
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
