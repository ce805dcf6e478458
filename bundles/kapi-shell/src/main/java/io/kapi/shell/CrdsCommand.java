package io.kapi.shell;

import io.kapi.api.storage.Storage;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The CustomResourceDefinitions stored, with their state, versions and object counts ({@link CrdRows}). */
@Command(scope = "kapi", name = "crds", description = "CustomResourceDefinitions: state, versions (* = storage) and objects stored")
@Service
public class CrdsCommand implements Action {
    @Reference(optional = true)
    Storage storage;

    @Override
    public Object execute() {
        if (storage == null) {
            System.out.println("no storage backend: requests answer 503");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("State");
        table.column("Versions");
        table.column("Scope");
        table.column("Objects").alignRight();
        for (CrdRows.Row r : CrdRows.read(storage)) {
            table.addRow().addContent(r.name(), r.state(), r.versions(), r.scope(), r.objects());
        }
        table.print(System.out);
        return null;
    }
}
