package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Turns objects into {@code meta.k8s.io/v1 Table} rows: the column definitions and one row of cells per object. */
@org.osgi.annotation.versioning.ConsumerType
public interface TableConvertor {
    List<TableColumn> columns();

    /** The cells of {@code object}'s row, in {@link #columns()} order (String, Long, Integer, Boolean or null). */
    List<Object> cells(ObjectNode object);
}
