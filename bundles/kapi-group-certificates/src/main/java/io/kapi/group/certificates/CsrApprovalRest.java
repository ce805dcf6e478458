package io.kapi.group.certificates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.RestStore;
import io.kapi.api.rest.StorageBinding;
import io.kapi.machinery.apply.FieldManager;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code certificatesigningrequests/approval}, as kube's {@code ApprovalREST}: get, update and patch
 * (what {@code kubectl certificate approve|deny} uses: it reads the request, adds its condition and puts
 * the object back here). A write changes {@code status.conditions} only ({@link CsrApprovalStrategy}) and
 * records its fields in the managed fields as {@code subresource: approval}. Each write runs on the
 * resource's generic store with a strategy instance of its own: the binding's store honours the status
 * subresource (it puts the stored status back before the strategy runs), so the written conditions reach
 * the strategy through that instance. Thread-safe.
 */
final class CsrApprovalRest implements Patcher {
    static final String SUBRESOURCE = "approval";

    private final StorageBinding binding;
    private final RestStore store;
    private final CsrStrategy resource;
    private final FieldManager fieldManager;
    private final Supplier<String> now;

    CsrApprovalRest(StorageBinding binding, CsrStrategy resource, FieldManager fieldManager, Supplier<String> now) {
        this.binding = binding;
        this.store = binding.genericStore(resource);
        this.resource = resource;
        this.fieldManager = fieldManager;
        this.now = now;
    }

    @Override
    public ObjectNode get(RequestContext ctx, String name, String resourceVersion) {
        return store.get(ctx, name, resourceVersion);
    }

    @Override
    public UpdateResult update(RequestContext ctx, String name, UnaryOperator<ObjectNode> transform) {
        CsrApprovalStrategy approval = new CsrApprovalStrategy(resource);
        return binding.genericStore(approval).update(ctx, name, current -> {
            ObjectNode written = transform.apply(current);
            if (written == null || current == null) {
                return written;
            }
            String time = now.get();
            CsrApprovalStrategy.prepare(written, current, time);
            approval.written(written);
            if (ctx.fieldManager() != null) {
                // the endpoint records the writes of its own subresources only: this one is recorded here,
                // on the object as it will be stored, as kube's field manager sees it after its reset fields
                fieldManager.update(current, written, ctx.fieldManager(), time, SUBRESOURCE);
            }
            return written;
        });
    }
}
