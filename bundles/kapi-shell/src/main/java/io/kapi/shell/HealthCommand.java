package io.kapi.shell;

import io.kapi.api.server.KapiRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kapi", name = "health", description = "Readiness, storage, post-start hooks and failures, as /readyz judges them")
@Service
public class HealthCommand implements Action {
    @Reference
    KapiRuntime runtime;

    @Override
    public Object execute() {
        System.out.println("ready:      " + (runtime.ready() ? "yes" : "no (a deployment runs, or no storage or server yet)"));
        System.out.println("storage:    " + (runtime.storage() == null ? "none" : runtime.storage()));
        System.out.println("generation: " + runtime.generation());
        ShellTable hooks = new ShellTable();
        hooks.column("Post-start hook");
        hooks.column("Server");
        hooks.column("State");
        hooks.column("Error");
        for (KapiRuntime.HookInfo h : runtime.hooks()) {
            hooks.addRow().addContent(h.name(), h.server(), h.state(), h.error() == null ? "" : h.error());
        }
        hooks.print(System.out);
        for (String f : runtime.failures()) {
            System.out.println("FAILED: " + f);
        }
        return null;
    }
}
