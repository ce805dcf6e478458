package io.kapi.shell;

import io.kapi.api.server.KapiRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kapi", name = "servers", description = "The delegation chain, head first")
@Service
public class ServersCommand implements Action {
    @Reference
    KapiRuntime runtime;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Order");
        table.column("Server");
        table.column("Bundle");
        for (KapiRuntime.ServerInfo s : runtime.servers()) {
            table.addRow().addContent(s.order(), s.name(), s.bundle() + " [" + s.bundleId() + "]");
        }
        table.print(System.out);
        System.out.println("storage " + (runtime.storage() == null ? "none" : runtime.storage()) + ", generation "
                + runtime.generation() + (runtime.ready() ? ", ready" : ", NOT ready"));
        return null;
    }
}
