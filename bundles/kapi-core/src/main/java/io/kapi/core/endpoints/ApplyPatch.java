package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Updater;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.json.Json;
import io.kapi.core.registry.ResourceMeta;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Server-side apply: a PATCH of type {@code application/apply-patch+yaml} (kube's {@code applyPatcher}).
 * The body is a partial object in YAML or JSON, decoded into the kind with the request's field
 * validation; it must name the kind's apiVersion and kind. The field manager merges it into the
 * stored object, or creates the object when there is none (201); conflicts are 409s, {@code force}
 * takes the fields. {@code fieldManager} is required (the options' validation says so).
 */
final class ApplyPatch {
    static final String CONTENT_TYPE = "application/apply-patch+yaml";

    private ApplyPatch() {
    }

    /** The object does not exist: the apply creates it. */
    private static final class Missing extends RuntimeException {
        Missing() {
            super(null, null, false, false);
        }
    }

    /** @param creater what creates the object when it does not exist, or null (a subresource): 404 then */
    static void serve(ServedResource resource, Patcher patcher, Creater creater, RequestInfo info, UserInfo user,
                      HttpServletRequest http, HttpServletResponse resp, ObjectOutput.Negotiated out) throws IOException {
        ResourceMeta meta = resource.meta();
        RequestOptions.Write options = RequestOptions.patch(http, info.name(), true);
        RequestContext ctx = new RequestContext(info.namespace(), user, options.isDryRun(), options.fieldManager());
        // YAML is a superset of JSON: one decoder reads both forms of an apply configuration; its strict
        // errors are sorted out below
        List<String> errors = new ArrayList<>();
        ObjectNode config = ObjectDecoder.decode(resource, MediaType.YAML, ResourceHandler.readBody(http),
                io.kapi.machinery.patch.FieldValidation.WARN, errors);
        String apiVersion = Json.text(config, "apiVersion");
        String kind = Json.text(config, "kind");
        if (!apiVersion.equals(meta.apiVersion()) || !kind.equals(meta.kind())) {
            // kube's versionCheckManager
            throw StatusException.badRequest("invalid object type: " + gvk(apiVersion, kind));
        }
        // an apply configuration is typed whatever the field validation: a field the kind does not
        // declare fails it (kube's typed patch object); duplicates follow the field validation
        List<String> warnings = new ArrayList<>();
        for (String e : errors) {
            if (e.startsWith("unknown field \"")) {
                String path = e.substring("unknown field \"".length(), e.length() - 1);
                throw StatusException.badRequest("failed to create typed patch object (" + info.namespace()
                        + (info.namespace().isEmpty() ? "" : "/") + info.name() + "; " + gvk(apiVersion, kind) + "): ." + path
                        + ": field not declared in schema");
            }
            if (options.fieldValidation() == io.kapi.machinery.patch.FieldValidation.STRICT) {
                throw StatusException.badRequest(io.kapi.machinery.validation.StrictDecoding.strictDecodingError(errors));
            }
            if (options.fieldValidation() == io.kapi.machinery.patch.FieldValidation.WARN) {
                warnings.add(e);
            }
        }
        // managedFields are not the applier's to set
        if (config.path("metadata").has("managedFields")) {
            throw StatusException.badRequest("metadata.managedFields must be nil");
        }
        String name = Json.text(config.get("metadata"), "name");
        if (!name.isEmpty() && !name.equals(info.name())) {
            throw StatusException.badRequest("the name of the object (" + name + ") does not match the name on the URL (" + info.name() + ")");
        }
        Json.metadata(config).put("name", info.name());
        boolean force = Boolean.TRUE.equals(options.force());
        String manager = options.fieldManager();
        String now = Json.now();
        ObjectDecoder.writeWarnings(resp, warnings);
        if (patcher instanceof io.kapi.core.registry.ScaleRest scale) {
            // the Scale is a view of the object: the apply is made on the object's replicas field
            ObjectOutput.write(resource, resp, out, 200, scale.apply(ctx, info.name(), config, manager, force, now), false);
            return;
        }
        try {
            Updater.UpdateResult r = patcher.update(ctx, info.name(), current -> {
                if (current == null) {
                    throw new Missing();
                }
                return resource.recordApply(current, config, manager, force, now);
            });
            ObjectOutput.write(resource, resp, out, 200, r.object(), false);
        } catch (Missing absent) {
            if (creater == null) {
                // a subresource applies to an object that exists
                throw StatusException.notFound(meta.group(), meta.resource(), info.name());
            }
            ObjectNode created;
            try {
                created = creater.create(ctx, resource.recordApply(null, config, manager, force, now));
            } catch (StatusException e) {
                if (!"AlreadyExists".equals(e.reason())) {
                    throw e;
                }
                // created meanwhile by someone else: apply to it, as kube's patcher retries
                Updater.UpdateResult r = patcher.update(ctx, info.name(), current -> {
                    if (current == null) {
                        throw e;
                    }
                    return resource.recordApply(current, config, manager, force, now);
                });
                ObjectOutput.write(resource, resp, out, 200, r.object(), false);
                return;
            }
            ObjectOutput.write(resource, resp, out, 201, created, false);
        }
    }

    /** Go's {@code schema.GroupVersionKind.String()}: {@code group/version, Kind=kind}. */
    private static String gvk(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "/" + version + ", Kind=" + kind;
    }
}
