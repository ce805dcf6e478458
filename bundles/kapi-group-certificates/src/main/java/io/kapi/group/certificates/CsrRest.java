package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.ForwardingRestStore;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.UserInfo;
import java.util.List;

/**
 * CertificateSigningRequests on the generic store, with the part of kube's {@code PrepareForCreate} that
 * needs the request: {@code spec.username}, {@code uid}, {@code groups} and {@code extra} are the
 * requesting user's, whatever the client wrote ({@code UserInfo} carries no extra attributes, so
 * {@code spec.extra} is always left out). Every other verb is the store's.
 */
final class CsrRest extends ForwardingRestStore {
    CsrRest(RestStore store) {
        super(store);
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
        return super.create(ctx, csr);
    }
}
