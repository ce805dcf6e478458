package io.kapi.shell;

import io.kapi.api.server.KapiRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kapi", name = "watchers", description = "Open watches per resource and per user")
@Service
public class WatchersCommand implements Action {
    @Reference
    KapiRuntime runtime;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Group");
        table.column("Version");
        table.column("Resource");
        table.column("User");
        table.column("Watches").alignRight();
        int total = 0;
        for (KapiRuntime.WatchInfo w : runtime.watches()) {
            table.addRow().addContent(w.group().isEmpty() ? "core" : w.group(), w.version(), w.resource(), w.user(), w.count());
            total += w.count();
        }
        table.print(System.out);
        System.out.println(total + " open watches");
        return null;
    }
}
