package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.CollectionDeleter;
import io.kapi.api.rest.Creater;
import io.kapi.api.rest.Getter;
import io.kapi.api.rest.GracefulDeleter;
import io.kapi.api.rest.ListOptions;
import io.kapi.api.rest.Lister;
import io.kapi.api.rest.Patcher;
import io.kapi.api.rest.RequestContext;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Updater;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.rest.Watcher;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.RequestInfo;
import io.kapi.core.json.Json;
import io.kapi.core.registry.GenericStore;
import io.kapi.core.registry.Listing;
import io.kapi.core.registry.ResourceMeta;
import io.kapi.machinery.patch.FieldValidation;
import io.kapi.machinery.patch.Patches;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Serves the verbs of one resource (kube's {@code handlers} package): decodes, calls the REST
 * storage's verb interface, negotiates the response. A verb the storage does not implement is 405.
 */
public final class ResourceHandler {
    /** kube-apiserver's default request body limit (3 MiB). */
    public static final int MAX_BODY = 3 * 1024 * 1024;
    private static final long WATCH_MIN_TIMEOUT_SECONDS = 1800;

    private ResourceHandler() {
    }

    /**
     * The request as the resource's scope names its object (kube's {@code ContextBasedNaming}): a cluster-scoped
     * resource has no namespace. The request info of {@code /api/v1/namespaces/{name}} and its subresources
     * carries the name as its namespace, as kube's does (authorization and metrics see it so: a role binding
     * in a namespace may grant access to the namespace itself); the Namespace object itself has none. Any other
     * cluster-scoped resource under a namespace's path is not served: 404.
     */
    static RequestInfo scoped(RequestInfo info, ResourceMeta meta) {
        if (meta.namespaced() || info.namespace().isEmpty()) {
            return info;
        }
        List<String> parts = !info.parts().isEmpty() && info.parts().get(0).equals("watch") ? info.parts().subList(1, info.parts().size()) : info.parts();
        // only namespaces/{name}[/status|/finalize]: namespaces/{name}/namespaces/{name} resolves alike but has no route in kube
        if (info.apiGroup().isEmpty() && info.resource().equals("namespaces") && info.name().equals(info.namespace()) && parts.size() <= 3) {
            return new RequestInfo(info.resourceRequest(), info.path(), info.verb(), info.apiPrefix(), info.apiGroup(),
                    info.apiVersion(), "", info.resource(), info.subresource(), info.name(), info.parts());
        }
        throw new StatusException(404, "NotFound", "the server could not find the requested resource");
    }

    public static void serve(ServedResource resource, ApiRequest request, HttpServletResponse resp) throws IOException {
        RequestInfo info = scoped(request.info(), resource.meta());
        HttpServletRequest http = request.http();
        // a deprecated API warns on every request to it, whatever comes of the request (kube's installer)
        String deprecation = resource.definition() == null ? null : resource.definition().deprecationWarning();
        if (deprecation != null) {
            resp.addHeader("Warning", "299 - " + io.kapi.api.rest.FieldCause.goQuote(deprecation));
        }
        if (!info.subresource().isEmpty()) {
            ServedResource sub = resource.subresources().get(info.subresource());
            if (sub == null) {
                throw StatusException.notFound(resource.meta().group(), resource.meta().resource() + "/" + info.subresource(), info.name());
            }
            resource = sub;
        }
        ResourceMeta meta = resource.meta();
        Object storage = resource.storage();
        UserInfo user = request.user() == null ? UserInfo.ANONYMOUS : request.user();
        // reads carry no options of a write; each write builds its context from its own validated options
        RequestContext ctx = new RequestContext(info.namespace(), user, false, null);
        // the response's form is settled before anything is done, as kube negotiates first: an Accept the
        // server cannot answer is a 406 that has changed nothing (a watch negotiates its own stream form)
        if (storage instanceof io.kapi.api.rest.Connecter connecter && !info.subresource().isEmpty()) {
            connect(connecter, meta, info, user, http, resp);
            return;
        }
        ObjectOutput.Negotiated out = info.verb().equals("watch") ? null : ObjectOutput.negotiate(http, false);
        switch (info.verb()) {
            case "get" -> {
                Getter g = require(storage, Getter.class, "GET", meta);
                GenericStore store = g.getClass() == GenericStore.class && out.output() == ObjectOutput.Output.OBJECT ? (GenericStore) g : null;
                RequestContext read = ctx;
                if (store != null && out.media().equals(MediaType.JSON)) {
                    // the stored bytes with their resourceVersion, not decoded and encoded again
                    ObjectOutput.send(resp, 200, MediaType.JSON, meta.kind(), body -> store.writeJson(read, info.name(), body));
                } else if (store != null && out.media().equals(MediaType.PROTOBUF) && Codecs.PROTOBUF.canEncode(meta.apiVersion(), meta.kind())) {
                    // a large object encoded from the stored bytes, the base64 of bytes fields decoded only as it is written
                    ObjectOutput.send(resp, 200, MediaType.PROTOBUF, meta.kind(),
                            body -> store.writeProtobuf(read, info.name(), Codecs.PROTOBUF, body));
                } else {
                    ObjectNode obj = g.get(ctx, info.name(), http.getParameter("resourceVersion"));
                    ObjectOutput.write(resource, resp, out, 200, obj, false);
                }
            }
            case "list" -> {
                Lister l = require(storage, Lister.class, "LIST", meta);
                // only GenericStore itself: a subclass may answer its lists differently
                if (l.getClass() == GenericStore.class) {
                    GenericStore store = (GenericStore) l;
                    Listing listing = store.listing(ctx, listOptions(http));
                    if (out.output() == ObjectOutput.Output.OBJECT && out.media().equals(MediaType.JSON)) {
                        // the items go out as stored, not decoded and encoded again (the same bytes kube's list would be)
                        ObjectOutput.send(resp, 200, MediaType.JSON, meta.kind() + "List", body -> store.writeJson(listing, body));
                    } else {
                        // each item decoded only as it is written, and dropped once it is
                        ObjectOutput.writeList(resource, resp, out, 200,
                                new ListSource(store.listEnvelope(listing), listing.size(), i -> store.listItem(listing, i)));
                    }
                } else {
                    ObjectNode list = l.list(ctx, listOptions(http));
                    ObjectOutput.write(resource, resp, out, 200, list, true);
                }
            }
            case "watch" -> {
                Watcher w = require(storage, Watcher.class, "WATCH", meta);
                ListOptions options = listOptions(http);
                if (!info.name().isEmpty()) {
                    // a named watch (legacy /watch/ path) watches that one object, as kube's ListResource does
                    if (options.fieldSelector() != null && !options.fieldSelector().isEmpty()) {
                        throw StatusException.badRequest("both a name and a field selector provided; please provide one or the other.");
                    }
                    options = new ListOptions(options.labelSelector(), "metadata.name=" + info.name(), options.limit(),
                            options.continueToken(), options.resourceVersion(), options.resourceVersionMatch(),
                            options.allowWatchBookmarks(), options.timeoutSeconds(), options.sendInitialEvents());
                }
                watch(resource, w, ctx, options, http, resp);
            }
            case "create" -> {
                if (storage instanceof io.kapi.api.rest.NamedCreater named && !info.name().isEmpty()) {
                    // a POST to a subresource of a named object (pods/binding, pods/eviction)
                    RequestOptions.Write options = RequestOptions.create(http, "");
                    ctx = writeContext(info, user, options, http);
                    ObjectNode body = decodeObject(resource, http, resp, options);
                    checkType(body, meta);
                    ObjectOutput.write(resource, resp, out, 201, named.create(ctx, info.name(), body), false);
                    return;
                }
                Creater c = require(storage, Creater.class, "POST", meta);
                RequestOptions.Write options = RequestOptions.create(http, "");
                ctx = writeContext(info, user, options, http);
                ObjectNode body = decodeObject(resource, http, resp, options);
                checkType(body, meta);
                if (!info.name().isEmpty()) {
                    throw StatusException.methodNotAllowed("POST", meta.group(), meta.resource());
                }
                resource.recordUpdate(null, body, ctx.fieldManager(), Json.now());
                ObjectNode created = c.create(ctx, body);
                ObjectOutput.write(resource, resp, out, 201, created, false);
            }
            case "update" -> {
                Updater u = require(storage, Updater.class, "PUT", meta);
                RequestOptions.Write options = RequestOptions.update(http, info.name());
                ctx = writeContext(info, user, options, http);
                ObjectNode body = decodeObject(resource, http, resp, options);
                checkType(body, meta);
                String manager = ctx.fieldManager();
                String now = Json.now();
                ServedResource served = resource;
                Updater.UpdateResult r = u.update(ctx, info.name(), current -> {
                    ObjectNode updated = body.deepCopy();
                    served.recordUpdate(current, updated, manager, now);
                    return updated;
                });
                ObjectOutput.write(resource, resp, out, r.created() ? 201 : 200, r.object(), false);
            }
            case "patch" -> {
                Patcher p = require(storage, Patcher.class, "PATCH", meta);
                String contentType = http.getContentType() == null ? "" : MediaType.parse(http.getContentType()).type();
                if (contentType.equals(ApplyPatch.CONTENT_TYPE)) {
                    ApplyPatch.serve(resource, p, resource.subresource().isEmpty() ? require(storage, Creater.class, "PATCH", meta) : null,
                            info, user, http, resp, out);
                    return;
                }
                // kube refuses an unknown patch type and a bad fieldValidation before it reads the object
                if (!Patches.SUPPORTED.contains(contentType)) {
                    throw Patches.unsupportedMediaType(List.of(Patches.JSON_PATCH, Patches.MERGE_PATCH, Patches.STRATEGIC_MERGE_PATCH,
                            ApplyPatch.CONTENT_TYPE));
                }
                String type = contentType;
                RequestOptions.Write options = RequestOptions.patch(http, info.name(), false);
                ctx = writeContext(info, user, options, http);
                FieldValidation validation = options.fieldValidation();
                byte[] patch = readBody(http);
                // a retried transform reports the same fields again: each warning once
                java.util.Set<String> warnings = new java.util.LinkedHashSet<>();
                String manager = ctx.fieldManager();
                String now = Json.now();
                ServedResource served = resource;
                Updater.UpdateResult r = p.update(ctx, info.name(), current -> {
                    if (current == null) {
                        throw StatusException.notFound(meta.group(), meta.resource(), info.name());
                    }
                    ObjectNode patched = Patches.apply(type, current, patch, served.patchSchema(), validation);
                    checkType(patched, meta);
                    ObjectNode checked = ObjectDecoder.checkPatched(served, patched, validation, warnings);
                    served.recordUpdate(current, checked, manager, now);
                    return checked;
                });
                ObjectDecoder.writeWarnings(resp, warnings);
                ObjectOutput.write(resource, resp, out, 200, r.object(), false);
            }
            case "delete" -> {
                GracefulDeleter d = require(storage, GracefulDeleter.class, "DELETE", meta);
                ObjectNode options = RequestOptions.delete(http, readBody(http));
                io.kapi.core.registry.NamespaceGuard.checkDelete(meta, info.subresource(), info.name());
                ctx = deleteContext(info, user, options);
                GracefulDeleter.DeleteResult r = d.delete(ctx, info.name(), options);
                if (r.immediate()) {
                    // kube's store answers a Success Status for an immediate delete (ReturnDeletedObject is off for these types)
                    ObjectNode details = Json.object();
                    details.put("name", info.name());
                    if (!meta.group().isEmpty()) {
                        details.put("group", meta.group());
                    }
                    details.put("kind", meta.resource());
                    details.put("uid", Json.text(r.object().get("metadata"), "uid"));
                    ObjectOutput.write(resource, resp, out, 200, Responses.success(details), false);
                } else {
                    // kube answers 202 for an object that stays only when the request asked (the old way) for its
                    // dependents to be deleted: orphanDependents=false
                    com.fasterxml.jackson.databind.JsonNode orphan = options.get("orphanDependents");
                    int code = orphan != null && orphan.isBoolean() && !orphan.asBoolean() ? 202 : 200;
                    ObjectOutput.write(resource, resp, out, code, r.object(), false);
                }
            }
            case "deletecollection" -> {
                CollectionDeleter d = require(storage, CollectionDeleter.class, "DELETE", meta);
                ListOptions listOptions = listOptions(http);
                ObjectNode options = RequestOptions.delete(http, readBody(http));
                ObjectNode list = d.deleteCollection(deleteContext(info, user, options), options, listOptions);
                ObjectOutput.write(resource, resp, out, 200, list, true);
            }
            default -> throw StatusException.methodNotAllowed(info.verb().toUpperCase(), meta.group(), meta.resource());
        }
    }

    private static <T> T require(Object storage, Class<T> verb, String method, ResourceMeta meta) {
        if (verb.isInstance(storage)) {
            return verb.cast(storage);
        }
        throw StatusException.methodNotAllowed(method, meta.group(), meta.resource());
    }

    /** A connecter's subresource (pods/log, pods/exec): the query is its options, the answer its own body. */
    private static void connect(io.kapi.api.rest.Connecter connecter, ResourceMeta meta, RequestInfo info, UserInfo user,
                                HttpServletRequest http, HttpServletResponse resp) throws IOException {
        String method = http.getMethod();
        if (!connecter.connectMethods().contains(method)) {
            throw StatusException.methodNotAllowed(method, meta.group(), meta.resource() + "/" + info.subresource());
        }
        if (connecter instanceof io.kapi.api.rest.ProxyConnecter proxier) {
            proxy(proxier, info, user, http, resp);
            return;
        }
        java.util.Map<String, List<String>> parameters = new java.util.LinkedHashMap<>();
        http.getParameterMap().forEach((k, v) -> parameters.put(k, List.of(v)));
        io.kapi.api.rest.Connecter.Response answer = connecter.connect(new RequestContext(info.namespace(), user, false, null),
                info.name(), method, java.util.Collections.unmodifiableMap(parameters));
        resp.setStatus(200);
        resp.setContentType(answer.contentType());
        resp.setContentLength(answer.body().length);
        resp.getOutputStream().write(answer.body());
    }

    /**
     * A proxy subresource (nodes/proxy, pods/proxy, services/proxy): the path after the subresource is kube's
     * {@code path} option (a leading '/', the request's trailing '/' kept), the rest of the request is forwarded
     * and the backend's answer written back as it came.
     */
    private static void proxy(io.kapi.api.rest.ProxyConnecter proxier, RequestInfo info, UserInfo user, HttpServletRequest http,
                              HttpServletResponse resp) throws IOException {
        String[] split = proxyPath(info);
        java.util.Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (java.util.Enumeration<String> names = http.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            headers.put(name, java.util.Collections.list(http.getHeaders(name)));
        }
        io.kapi.api.rest.ProxyConnecter.ProxyResponse answer = proxier.proxy(new RequestContext(info.namespace(), user, false, null),
                info.name(), new io.kapi.api.rest.ProxyConnecter.ProxyRequest(http.getMethod(), split[0], split[1],
                        http.getQueryString(), java.util.Collections.unmodifiableMap(headers), readBody(http), http.getRemoteAddr()));
        resp.setStatus(answer.status());
        answer.headers().forEach((name, values) -> values.forEach(v -> resp.addHeader(name, v)));
        resp.setContentLength(answer.body().length);
        if (answer.body().length > 0) {
            resp.getOutputStream().write(answer.body());
        }
    }

    /**
     * A proxy request's path, split as kube's {@code getRequestOptions} splits it: the part up to and including the
     * subresource, and the rest as the {@code path} option (empty, or with a leading '/', and a trailing '/' when
     * the request path has one).
     */
    static String[] proxyPath(RequestInfo info) {
        String[] segments = info.path().replaceAll("^/+", "").split("/", -1);
        // api|apis/group, version, [namespaces/ns], resource, name, subresource
        int head = (info.apiPrefix().equals("apis") ? 2 : 1) + 1 + (info.namespace().isEmpty() ? 0 : 2) + 3;
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < Math.min(head, segments.length); i++) {
            prefix.append('/').append(segments[i]);
        }
        List<String> rest = new java.util.ArrayList<>();
        for (int i = head; i < segments.length; i++) {
            if (!segments[i].isEmpty()) {
                rest.add(segments[i]);
            }
        }
        String path = rest.isEmpty() ? "" : "/" + String.join("/", rest);
        if (info.path().endsWith("/") && !path.endsWith("/")) {
            path += "/";
        }
        return new String[] {prefix.toString(), path};
    }

    static void checkType(ObjectNode body, ResourceMeta meta) {
        String apiVersion = Json.text(body, "apiVersion");
        String kind = Json.text(body, "kind");
        if (!apiVersion.isEmpty() && !apiVersion.equals(meta.apiVersion())) {
            throw StatusException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + meta.apiVersion() + ")");
        }
        if (!kind.isEmpty() && !kind.equals(meta.kind())) {
            throw StatusException.badRequest("the kind in the data (" + kind
                    + ") does not match the expected kind (" + meta.kind() + ")");
        }
    }

    static byte[] readBody(HttpServletRequest http) throws IOException {
        long declared = http.getContentLengthLong();
        if (declared > MAX_BODY) {
            throw StatusException.tooLarge("Request entity too large: limit is " + MAX_BODY);
        }
        try (InputStream in = http.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
            byte[] buf = new byte[16384];
            int n;
            long total = 0;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > MAX_BODY) {
                    throw StatusException.tooLarge("Request entity too large: limit is " + MAX_BODY);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** A create's or update's body in the resource's kind; the fieldValidation warnings go out as headers. */
    private static ObjectNode decodeObject(ServedResource resource, HttpServletRequest http, HttpServletResponse resp,
                                           RequestOptions.Write options) throws IOException {
        List<String> warnings = new java.util.ArrayList<>();
        ObjectNode body = ObjectDecoder.decodeWrite(resource, http.getContentType(), readBody(http), options.fieldValidation(), warnings);
        ObjectDecoder.writeWarnings(resp, warnings);
        return body;
    }

    /**
     * kube's managerOrUserAgent: the fieldManager parameter, else what the User-Agent names before its
     * first '/' (kubectl's "kubectl/v1.32.4 (linux/amd64) ..." is "kubectl"), at most 128 characters.
     */
    static String manager(HttpServletRequest http, RequestOptions.Write options) {
        if (options.fieldManager() != null && !options.fieldManager().isEmpty()) {
            return options.fieldManager();
        }
        String agent = http.getHeader("User-Agent");
        if (agent == null) {
            return "";
        }
        StringBuilder prefix = new StringBuilder();
        agent.split("/", 2)[0].codePoints().filter(RequestOptions::isGoPrintable).forEach(prefix::appendCodePoint);
        return prefix.length() > 128 ? prefix.substring(0, 128) : prefix.toString();
    }

    /** A write's context: its field manager is the parameter, else the one kube derives from the User-Agent. */
    private static RequestContext writeContext(RequestInfo info, UserInfo user, RequestOptions.Write options,
                                               HttpServletRequest http) {
        return new RequestContext(info.namespace(), user, options.isDryRun(), manager(http, options));
    }

    private static RequestContext deleteContext(RequestInfo info, UserInfo user, ObjectNode deleteOptions) {
        return new RequestContext(info.namespace(), user, !RequestOptions.dryRun(deleteOptions).isEmpty(), null);
    }

    static ListOptions listOptions(HttpServletRequest http) {
        // kube's parameter codec: Go's query integers and booleans (watch=True, as the Python client sends it)
        long limit = RequestOptions.int64(http.getParameter("limit"));
        long timeout = RequestOptions.int64(http.getParameter("timeoutSeconds"));
        return new ListOptions(http.getParameter("labelSelector"), http.getParameter("fieldSelector"), limit,
                http.getParameter("continue"), http.getParameter("resourceVersion"),
                http.getParameter("resourceVersionMatch"), RequestOptions.bool(http.getParameter("allowWatchBookmarks")),
                timeout, RequestOptions.optionalBool(http.getParameter("sendInitialEvents")));
    }

    // ---- watch streaming

    private static void watch(ServedResource resource, Watcher watcher, RequestContext ctx, ListOptions options,
                              HttpServletRequest http, HttpServletResponse resp) throws IOException {
        ObjectOutput.Negotiated n = ObjectOutput.negotiate(http, true);
        ResourceMeta meta = resource.meta();
        if (n.media().equals(MediaType.PROTOBUF) && n.output() == ObjectOutput.Output.OBJECT
                && !Codecs.PROTOBUF.canEncode(meta.apiVersion(), meta.kind())) {
            // a kind without a protobuf message (as kube's custom resources) watches in JSON
            n = new ObjectOutput.Negotiated(MediaType.JSON, ObjectOutput.Output.OBJECT, n.include());
        }
        long timeout = options.timeoutSeconds() > 0 ? options.timeoutSeconds()
                : WATCH_MIN_TIMEOUT_SECONDS + ThreadLocalRandom.current().nextLong(WATCH_MIN_TIMEOUT_SECONDS);
        WatchStream stream = new WatchStream(resource, n);
        AutoCloseable started;
        try {
            started = watcher.watch(ctx, options, stream.attach());
        } catch (StatusException e) {
            if (e.code() != 410) {
                throw e; // 400, 403, 404, 504 "Too large resource version", ...: keep their HTTP status
            }
            // kube answers a watch from a too old resourceVersion with HTTP 200 and one ERROR event carrying
            // the 410 Expired Status, then ends the stream: the cacher's Watch turns the error of
            // watchCache.getAllEventsSinceLocked into newErrWatcher(err) ("To match the uncached watch
            // implementation, once we have passed authn/authz/admission, and successfully parsed a resource
            // version, other errors must fail with a watch event of type ERROR, rather than a directly
            // returned error"), and the etcd3 watcher sends etcd's ErrCompacted as an ERROR event too.
            // Errors raised before that point (unparsable resourceVersion, cache not ready) stay HTTP errors.
            started = () -> { };
            stream.closed(e);
        }
        stream.goLive();
        HeldWatch held = new HeldWatch(resource, stream, ctx, options, started);
        if (!resource.addWatch(held)) {
            // the resource left the serving snapshot while this request started: its successor (or the 404)
            // is one retry away
            held.release();
            throw StatusException.serviceUnavailable("the server is currently unable to handle the request", 1);
        }
        Runnable cleanup = held::release;
        if (WebSocketWatches.isUpgrade(http)) {
            try {
                if (WebSocketWatches.accept(http, resp, stream, stream.protobuf(), timeout, cleanup)) {
                    return;
                }
                if (resp.isCommitted()) {
                    // the handshake was refused (Jetty's 400, the missing Origin's 403): nothing more goes out
                    cleanup.run();
                    return;
                }
            } catch (IOException | RuntimeException e) {
                cleanup.run();
                throw e;
            }
        }
        stream.serve(http, resp, timeout, cleanup);
    }
}
