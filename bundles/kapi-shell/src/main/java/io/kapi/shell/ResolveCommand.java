package io.kapi.shell;

import io.kapi.api.server.KapiRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

@Command(scope = "kapi", name = "resolve", description = "Which server, group and bundle would serve a request now")
@Service
public class ResolveCommand implements Action {
    @Reference
    KapiRuntime runtime;

    @Argument(index = 0, name = "method", description = "GET, POST, PUT, PATCH or DELETE", required = true)
    @Completion(value = StringsCompleter.class, values = {"GET", "POST", "PUT", "PATCH", "DELETE"})
    String method;

    @Argument(index = 1, name = "path", description = "the request path, e.g. /api/v1/namespaces/default/configmaps?watch=true", required = true)
    String path;

    @Override
    public Object execute() {
        KapiRuntime.Resolution r = runtime.resolve(method, path);
        System.out.println("verb:     " + r.verb());
        if (!r.resourceRequest()) {
            System.out.println("a non-resource path, served by the chain from its head (" + r.server() + ")");
            return null;
        }
        System.out.println("resource: " + (r.group().isEmpty() ? "core" : r.group()) + "/" + r.version() + " " + r.resource()
                + (r.subresource().isEmpty() ? "" : "/" + r.subresource()));
        System.out.println("server:   " + r.server());
        System.out.println("bundle:   " + (r.bundle().isEmpty() ? "none: nothing serves it (404)" : r.bundle()));
        return null;
    }
}
