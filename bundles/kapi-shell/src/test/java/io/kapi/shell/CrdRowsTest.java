package io.kapi.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrdRowsTest {
    private static KeyValue stored(String name, String json) {
        return new KeyValue(CrdRows.PREFIX + name, json.getBytes(StandardCharsets.UTF_8), 1, 1);
    }

    /** A storage holding {@code crds} and answering counts from {@code counts}. */
    private static Storage storage(List<KeyValue> crds, Map<String, Long> counts) {
        return (Storage) Proxy.newProxyInstance(CrdRowsTest.class.getClassLoader(), new Class<?>[] {Storage.class}, (p, m, a) -> switch (m.getName()) {
            case "list" -> new ListResult(a[0].equals(CrdRows.PREFIX) ? crds : List.of(), 5, false, 0);
            case "count" -> counts.getOrDefault((String) a[0], 0L);
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    @Test
    void eachDefinitionWithItsStateVersionsAndObjects() {
        Storage s = storage(List.of(
                stored("widgets.example.com", """
                        {"metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
                         "names":{"plural":"widgets"},"versions":[{"name":"v1","served":true,"storage":true},
                         {"name":"v1beta1","served":false,"storage":false}]},
                         "status":{"conditions":[{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"True"}]}}"""),
                stored("gadgets.example.com", """
                        {"metadata":{"name":"gadgets.example.com"},"spec":{"group":"example.com","scope":"Cluster",
                         "names":{"plural":"gadgets"},"versions":[{"name":"v1","served":true,"storage":true}]},
                         "status":{"conditions":[{"type":"NamesAccepted","status":"False"}]}}"""),
                stored("olds.example.com", """
                        {"metadata":{"name":"olds.example.com","deletionTimestamp":"2026-12-05T00:00:00Z"},
                         "spec":{"group":"example.com","scope":"Cluster","names":{"plural":"olds"},"versions":[]}}"""),
                stored("broken", "not json")),
                Map.of("/registry/example.com/widgets/", 7L));
        assertEquals(List.of(
                new CrdRows.Row("widgets.example.com", "Established", "v1*,v1beta1(off)", "Namespaced", 7),
                new CrdRows.Row("gadgets.example.com", "NameConflict", "v1*", "Cluster", 0),
                new CrdRows.Row("olds.example.com", "Terminating", "", "Cluster", 0)), CrdRows.read(s));
    }
}
