package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strategy alone, on the group-author API: defaulting, validation, columns. */
class ${kind}StrategyTest {
    private static ObjectNode object(String color, Integer size) {
        ObjectNode o = Json.object();
        Json.metadata(o).put("name", "one");
        ObjectNode spec = o.putObject("spec");
        if (color != null) {
            spec.put("color", color);
        }
        if (size != null) {
            spec.put("size", size);
        }
        return o;
    }

    @Test
    void sizeDefaultsToOne() {
        ObjectNode o = object("blue", null);
        new ${kind}Strategy().applyDefaults(o);
        assertEquals(1, o.path("spec").path("size").asInt());
    }

    @Test
    void colorIsRequiredAndSizeBounded() {
        ${kind}Strategy strategy = new ${kind}Strategy();
        assertEquals(List.of(), strategy.validate(object("blue", 3)));
        assertEquals(List.of(FieldCause.required("spec.color", ""),
                FieldCause.invalid("spec.size", 101L, "must be between 1 and 100, inclusive")), strategy.validate(object(null, 101)));
    }

    @Test
    void kubectlShowsColorAndSize() {
        var table = new ${kind}Strategy().table();
        assertEquals(List.of("Name", "Color", "Size", "Age"), table.columns().stream().map(c -> c.name()).toList());
        assertEquals("blue", table.cells(object("blue", 3)).get(1));
        assertTrue(new ${kind}GroupProvider().resources().get(0).schema().path("properties").has("spec"));
    }
}
