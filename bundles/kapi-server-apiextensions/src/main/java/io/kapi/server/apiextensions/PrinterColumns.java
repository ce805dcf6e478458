package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import java.util.ArrayList;
import java.util.List;

/**
 * A CustomResourceDefinition version's {@code additionalPrinterColumns} as kube's table convertor for
 * custom resources prints them: the name first, then each column's first JSONPath result, a
 * {@code date} column as an age; without columns, kube's NAME and AGE. The JSONPath is kube's simple
 * form ({@code .spec.replicas}, {@code .items[0].name}, {@code .status.conditions[?(@.type=="Ready")].status});
 * an expression beyond that (ranges, recursive descent) prints nothing.
 */
final class PrinterColumns {
    private PrinterColumns() {
    }

    static TableConvertor of(JsonNode columns) {
        if (columns == null || !columns.isArray() || columns.isEmpty()) {
            return Printer.nameAndAge();
        }
        Printer.Builder b = Printer.builder().name();
        for (JsonNode c : columns) {
            String type = c.path("type").asText("string");
            String path = c.path("jsonPath").asText("");
            TableColumn column = new TableColumn(c.path("name").asText(), type, c.path("format").asText(""),
                    c.path("description").asText(""), c.path("priority").asInt(0));
            b.column(column, object -> cell(object, path, type));
        }
        return b.build();
    }

    static Object cell(ObjectNode object, String path, String type) {
        JsonNode v = find(object, path);
        if (v == null || v.isMissingNode() || v.isNull()) {
            return null;
        }
        return switch (type) {
            case "integer" -> v.isNumber() ? (Object) v.asLong() : v.asText();
            case "number" -> v.isNumber() ? (Object) v.asDouble() : v.asText();
            case "boolean" -> v.isBoolean() ? (Object) v.asBoolean() : v.asText();
            case "date" -> v.isTextual() ? Printer.since(v.asText()) : v.asText();
            default -> v.isValueNode() ? v.asText() : v.toString();
        };
    }

    /** The first value {@code path} selects in {@code root}, or null. */
    static JsonNode find(JsonNode root, String path) {
        String p = path.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        List<JsonNode> current = List.of(root);
        int i = 0;
        while (i < p.length() && !current.isEmpty()) {
            char ch = p.charAt(i);
            List<JsonNode> next = new ArrayList<>();
            if (ch == '.') {
                int end = i + 1;
                while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
                    end++;
                }
                String name = p.substring(i + 1, end);
                for (JsonNode n : current) {
                    if (name.isEmpty()) {
                        next.add(n);
                    } else if (n.has(name)) {
                        next.add(n.get(name));
                    }
                }
                i = end;
            } else if (ch == '[') {
                int end = p.indexOf(']', i);
                if (end < 0) {
                    return null;
                }
                String inside = p.substring(i + 1, end).trim();
                for (JsonNode n : current) {
                    if (!n.isArray()) {
                        continue;
                    }
                    if (inside.equals("*")) {
                        n.forEach(next::add);
                    } else if (inside.startsWith("?(@.") && inside.endsWith(")")) {
                        String[] cond = inside.substring(4, inside.length() - 1).split("==", 2);
                        if (cond.length != 2) {
                            return null;
                        }
                        String field = cond[0].trim();
                        String want = unquote(cond[1].trim());
                        for (JsonNode item : n) {
                            JsonNode f = item.get(field);
                            if (f != null && f.asText().equals(want)) {
                                next.add(item);
                            }
                        }
                    } else {
                        try {
                            int index = Integer.parseInt(inside);
                            int at = index < 0 ? n.size() + index : index;
                            if (at >= 0 && at < n.size()) {
                                next.add(n.get(at));
                            }
                        } catch (NumberFormatException e) {
                            return null; // ranges and other forms kube's JSONPath has are not read here
                        }
                    }
                }
                i = end + 1;
            } else {
                return null;
            }
            current = next;
        }
        return current.isEmpty() ? null : current.get(0);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
