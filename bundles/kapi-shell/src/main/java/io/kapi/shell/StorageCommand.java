package io.kapi.shell;

import io.kapi.api.server.KapiRuntime;
import io.kapi.api.storage.Storage;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "kapi", name = "storage", description = "The storage backend serving requests: its revision, last compaction and objects per resource")
@Service
public class StorageCommand implements Action {
    @Reference
    KapiRuntime runtime;

    /** The highest-ranked backend, the one the server reads and writes. */
    @Reference(optional = true)
    Storage storage;

    @Override
    public Object execute() {
        if (storage == null || runtime.storage() == null) {
            System.out.println("no storage backend: requests answer 503");
            return null;
        }
        System.out.println("backend:   " + runtime.storage());
        System.out.println("revision:  " + storage.currentRevision());
        System.out.println("compacted: " + storage.compactedRevision() + " (the oldest revision a watch can start after)");
        ShellTable table = new ShellTable();
        table.column("Resource");
        table.column("Objects").alignRight();
        Set<String> seen = new LinkedHashSet<>();
        for (KapiRuntime.GroupResourceInfo r : runtime.resources()) {
            String prefix = r.group().isEmpty() ? "/registry/" + r.resource() + "/" : "/registry/" + r.group() + "/" + r.resource() + "/";
            if (!r.shadowed() && seen.add(prefix)) {
                table.addRow().addContent(r.resource() + (r.group().isEmpty() ? "" : "." + r.group()), storage.count(prefix));
            }
        }
        table.print(System.out);
        return null;
    }
}
