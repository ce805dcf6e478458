package io.kapi.shell;

import io.kapi.api.server.KapiRuntime;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kapi", name = "filters", description = "The handler filter chain, outermost first")
@Service
public class FiltersCommand implements Action {
    @Reference
    KapiRuntime runtime;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Ranking");
        table.column("Filter");
        table.column("Bundle");
        for (KapiRuntime.FilterInfo f : runtime.filters()) {
            table.addRow().addContent(f.ranking(), f.name(), f.bundle());
        }
        table.print(System.out);
        return null;
    }
}
