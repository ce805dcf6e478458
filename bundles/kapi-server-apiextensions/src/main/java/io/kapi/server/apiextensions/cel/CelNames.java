package io.kapi.server.apiextensions.cel;

import java.util.Set;

/**
 * apiserver's {@code cel.Escape}: how a schema property name becomes a CEL field name. CEL reserved
 * words are wrapped as {@code __word__}; {@code __}, {@code .}, {@code -} and {@code /} become
 * {@code __underscores__}, {@code __dot__}, {@code __dash__} and {@code __slash__}; a name with any
 * other character outside {@code [a-zA-Z0-9_]}, or starting with a digit, has no CEL name (the
 * property is then not visible to rules).
 */
final class CelNames {
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const",
            "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace",
            "return", "var", "void", "while");

    private CelNames() {
    }

    /** Whether a name is one of CEL's reserved words, which kube 1.32 also accepts unescaped as field names. */
    static boolean reserved(String name) {
        return RESERVED.contains(name);
    }

    /** The CEL field name of a property, or null when kube cannot escape it. */
    static String escape(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return null;
        }
        if (RESERVED.contains(name)) {
            return "__" + name + "__";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' && i + 1 < name.length() && name.charAt(i + 1) == '_') {
                b.append("__underscores__");
                i++;
            } else if (c == '.') {
                b.append("__dot__");
            } else if (c == '-') {
                b.append("__dash__");
            } else if (c == '/') {
                b.append("__slash__");
            } else if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                b.append(c);
            } else {
                return null;
            }
        }
        return b.toString();
    }
}
