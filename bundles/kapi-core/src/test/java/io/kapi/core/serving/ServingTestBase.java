package io.kapi.core.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.UserInfo;
import io.kapi.api.server.Authenticator;
import io.kapi.api.server.Authorizer;
import io.kapi.api.server.DelegationTarget;
import io.kapi.api.server.Director;
import io.kapi.api.server.KapiRuntime;
import io.kapi.api.server.ServerContext;
import io.kapi.storage.embedded.EmbeddedStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link KapiServer} on an embedded store in a temporary folder, driven through {@link FakeHttp}, with
 * helpers to contribute servers, groups and security as the OSGi component would.
 */
abstract class ServingTestBase {
    @TempDir
    Path dir;
    EmbeddedStorage storage;
    KapiServer server;
    long ids = 100;

    @BeforeEach
    void setUp() {
        storage = EmbeddedStorage.open(dir);
        server = new KapiServer();
    }

    @AfterEach
    void tearDown() {
        server.shutdown();
        storage.close();
    }

    <T> Contribution<T> c(T service, int ranking, String bundle, Map<String, Object> props) {
        return new Contribution<>(service, ids++, ranking, ids, bundle, props);
    }

    static DelegationTarget target(String name) {
        return new DelegationTarget() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Director director(ServerContext ctx) {
                Director hosted = ctx.hostedApis();
                Director root = ctx.mergedRootDiscovery();
                return (req, resp) -> hosted.serve(req, resp) || root.serve(req, resp);
            }
        };
    }

    static APIGroupProvider provider(String group, String resource, String kind) {
        return provider(group, resource, kind, null);
    }

    /** A group serving one resource definition (of version v1). */
    static APIGroupProvider provider(String group, ResourceDefinition definition) {
        return new APIGroupProvider() {
            @Override
            public String group() {
                return group;
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(definition);
            }
        };
    }

    /** A group of one cluster-scoped resource in v1, with the given OpenAPI schema (null: none). */
    static APIGroupProvider provider(String group, String resource, String kind, ObjectNode schema) {
        return provider(group, new ResourceDefinition("v1", resource, kind.toLowerCase(), kind, false, List.of(), List.of(), schema, null, null));
    }

    void wireAuthentication() {
        Authenticator token = req -> "Bearer t".equals(req.getHeader("Authorization"))
                ? new UserInfo("admin", "", List.of("system:masters")) : null;
        server.contributions().addAuthenticator(c(token, 0, "sec", Map.of()));
    }

    void wireSecurity() {
        wireAuthentication();
        wireAuthorization();
    }

    void wireAuthorization() {
        Authorizer admin = (user, info) -> user.groups().contains("system:masters") ? Authorizer.Decision.ALLOW : Authorizer.Decision.NO_OPINION;
        server.contributions().addAuthorizer(c(admin, 0, "sec", Map.of()));
    }

    FakeHttp.Response call(String method, String uri, String body) throws Exception {
        return call(method, uri, "application/json", body);
    }

    /** A request with a body of the given Content-Type (a PATCH's patch type). */
    FakeHttp.Response call(String method, String uri, String contentType, String body) throws Exception {
        FakeHttp.Async async = new FakeHttp.Async();
        FakeHttp.Response resp = start(method, uri, "application/json", contentType, body, async);
        async.awaitCompletion();
        return resp;
    }

    /** Serves a request; a watch goes on asynchronously until {@code async} completes. */
    FakeHttp.Response start(String method, String uri, String accept, String body, FakeHttp.Async async) throws Exception {
        return start(method, uri, accept, "application/json", body, async);
    }

    private FakeHttp.Response start(String method, String uri, String accept, String contentType, String body,
                                    FakeHttp.Async async) throws Exception {
        FakeHttp.Response resp = new FakeHttp.Response();
        server.service(FakeHttp.request(method, uri, Map.of("Authorization", "Bearer t", "Accept", accept,
                "Content-Type", contentType), body, async), resp.proxy);
        return resp;
    }

    /** Security, the storage, the kube server and a widgets group from bundle "b", served. */
    Contribution<APIGroupProvider> serveWidgets() {
        return serve(provider("things.example.com", "widgets", "Widget"));
    }

    /** Security, the storage, the kube server and {@code provider} from bundle "b", served. */
    Contribution<APIGroupProvider> serve(APIGroupProvider provider) {
        wireSecurity();
        server.contributions().addStorage(c(storage, 0, "store", Map.of()));
        server.contributions().addServer(c(target("kube"), 0, "kube-bundle", Map.of(DelegationTarget.ORDER, 200)));
        Contribution<APIGroupProvider> contribution = c(provider, 0, "b", Map.of());
        server.contributions().addProvider(contribution);
        server.rebuild();
        return contribution;
    }
}
