package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A table of columns each with the function computing its cell, as kube's printers declare theirs:
 * {@code Printer.builder().name().column(DATA, o -> ...).age().build()}. Immutable. Cells are
 * String, Long, Integer, Boolean or null.
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
            return column(TableColumn.ageColumn(), Printer::age);
        }

        public Printer build() {
            return new Printer(columns, cells);
        }
    }

    /** The AGE cell kube's printers compute from {@code metadata.creationTimestamp}. */
    public static String age(ObjectNode object) {
        return since(Json.text(object.get("metadata"), "creationTimestamp"));
    }

    /**
     * kube's {@code translateTimestampSince}: the human duration (kube's {@code HumanDuration}, e.g.
     * {@code 5m10s}, {@code 3d4h}) since an RFC 3339 time, {@code <unknown>} without a valid one.
     */
    public static String since(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        try {
            return HumanDuration.format(Duration.between(Instant.parse(timestamp), Instant.now()));
        } catch (RuntimeException e) {
            return "<unknown>";
        }
    }
}
