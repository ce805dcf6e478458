package io.kapi.shell;

import io.kapi.api.server.KapiRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kapi", name = "groups", description = "Served groups, versions and resources with their owning bundles; shadowed claims and failures")
@Service
public class GroupsCommand implements Action {
    @Reference
    KapiRuntime runtime;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Group");
        table.column("Version");
        table.column("Resource");
        table.column("Kind");
        table.column("Server");
        table.column("Bundle");
        table.column("Ranking");
        table.column("State");
        for (KapiRuntime.GroupResourceInfo r : runtime.resources()) {
            table.addRow().addContent(r.group().isEmpty() ? "core" : r.group(), r.version(), r.resource(), r.kind(), r.server(),
                    r.bundle() + " [" + r.bundleId() + "]", r.ranking(), r.shadowed() ? "shadowed by " + r.shadowedBy() : "serving");
        }
        table.print(System.out);
        for (String f : runtime.failures()) {
            System.out.println("FAILED: " + f);
        }
        return null;
    }
}
