package io.kapi.core.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A table of columns each with the function computing its cell, as kube's printers declare theirs:
 * {@code Printer.builder().name().column(DATA, o -> ...).age().build()}. Immutable.
 */
public final class Printer implements TableConvertor {
    private final List<TableColumn> columns;
    private final List<Function<ObjectNode, Object>> cells;

    private Printer(List<TableColumn> columns, List<Function<ObjectNode, Object>> cells) {
        this.columns = List.copyOf(columns);
        this.cells = List.copyOf(cells);
    }

    /** kube's default table: Name and Age. */
    public static Printer nameAndAge() {
        return builder().name().age().build();
    }

    @Override
    public List<TableColumn> columns() {
        return columns;
    }

    @Override
    public List<Object> cells(ObjectNode object) {
        List<Object> out = new ArrayList<>(cells.size());
        for (Function<ObjectNode, Object> f : cells) {
            out.add(f.apply(object));
        }
        return out;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<TableColumn> columns = new ArrayList<>();
        private final List<Function<ObjectNode, Object>> cells = new ArrayList<>();

        public Builder column(TableColumn column, Function<ObjectNode, Object> cell) {
            columns.add(column);
            cells.add(cell);
            return this;
        }

        public Builder name() {
            return column(TableColumn.nameColumn(), Json::name);
        }

        public Builder age() {
            return column(TableColumn.ageColumn(), GenericStore::age);
        }

        public Printer build() {
            return new Printer(columns, cells);
        }
    }
}
