package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * apiextensions' {@code ValidFieldPath}: a rule's {@code fieldPath} ({@code .a.b}, {@code ['key']},
 * single-quoted keys with Go escapes) checked against the schema it starts at, and normalized to kube's
 * field path text ({@code a.b}, {@code a[key]}).
 */
public final class FieldPaths {
    private FieldPaths() {
    }

    /** The normalized path; an IllegalArgumentException with kube's reason when it is not valid. */
    static String validate(String jsonPath, JsonNode schema) {
        return resolve(jsonPath, schema, true).path();
    }

    /** A resolved path: kube's field path text ({@code a.b}, {@code a[key]}), its first element and the schema found there. */
    public record Found(String path, String root, JsonNode schema) {
    }

    /**
     * kube's {@code ValidFieldPath(jsonPath, schema)}, with or without {@code WithFieldPathAllowArrayNotation}
     * (a selectable field may not use {@code ['key']}); an IllegalArgumentException with kube's reason when the
     * path is not valid.
     */
    public static Found resolve(String jsonPath, JsonNode schema, boolean allowArrayNotation) {
        List<String> toks = tokens(jsonPath);
        StringBuilder path = new StringBuilder();
        String root = "";
        JsonNode s = schema;
        for (int i = 0; i < toks.size(); i++) {
            String tok = toks.get(i);
            String name;
            if (tok.equals("[")) {
                if (!allowArrayNotation) {
                    throw new IllegalArgumentException("array notation is not allowed");
                }
                if (++i >= toks.size()) {
                    throw new IllegalArgumentException("unexpected end of JSON path");
                }
                tok = toks.get(i);
                if (tok.length() < 2 || tok.charAt(0) != '\'' || tok.charAt(tok.length() - 1) != '\'') {
                    throw new IllegalArgumentException("expected single quoted string but got " + tok);
                }
                name = unescape(tok.substring(1, tok.length() - 1));
                s = step(s, name, path);
                if (++i >= toks.size()) {
                    throw new IllegalArgumentException("unexpected end of JSON path");
                }
                if (!toks.get(i).equals("]")) {
                    throw new IllegalArgumentException("expected ] but got " + toks.get(i));
                }
            } else if (tok.equals(".")) {
                if (++i >= toks.size()) {
                    throw new IllegalArgumentException("unexpected end of JSON path");
                }
                s = step(s, toks.get(i), path);
            } else {
                throw new IllegalArgumentException("expected [ or . but got: " + tok);
            }
            if (root.isEmpty()) {
                root = path.toString();
            }
        }
        return new Found(path.toString(), root, s);
    }

    private static JsonNode step(JsonNode s, String name, StringBuilder path) {
        JsonNode props = s.get("properties");
        JsonNode ap = s.get("additionalProperties");
        if (props != null && props.isObject()) {
            path.append(path.length() == 0 ? "" : ".").append(name);
            JsonNode p = props.get(name);
            if (p == null) {
                throw new IllegalArgumentException("does not refer to a valid field");
            }
            return p;
        }
        if (ap != null && ap.isObject()) {
            path.append('[').append(name).append(']');
            return ap;
        }
        throw new IllegalArgumentException("does not refer to a valid field");
    }

    /** kube's scanner: delimiters {@code . [ ]} alone, a quoted string up to its unescaped closing quote. */
    static List<String> tokens(String p) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\'') {
                int j = i + 1;
                while (j < p.length() && !(p.charAt(j) == '\'' && p.charAt(j - 1) != '\\')) {
                    j++;
                }
                int end = Math.min(j + 1, p.length());
                out.add(p.substring(i, end));
                i = end;
            } else if (c == '.' || c == '[' || c == ']') {
                out.add(String.valueOf(c));
                i++;
            } else {
                int j = i;
                while (j < p.length() && ".[]".indexOf(p.charAt(j)) < 0) {
                    j++;
                }
                out.add(p.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char d = s.charAt(++i);
            switch (d) {
                case 'a' -> b.append('\u0007');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'v' -> b.append('\u000b');
                case '\'' -> b.append('\'');
                case '\\' -> b.append('\\');
                default -> throw new IllegalArgumentException("invalid string literal: invalid escape char \\" + d);
            }
        }
        return b.toString();
    }
}
