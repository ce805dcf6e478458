package io.kapi.machinery.selection;

/** The operators of a label selector requirement, with the spelling kube's parser and messages use. */
public enum Operator {
    IN("in"),
    NOT_IN("notin"),
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    GREATER_THAN("gt"),
    LESS_THAN("lt"),
    EXISTS("exists"),
    DOES_NOT_EXIST("!");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    /** kube's {@code selection.Operator} string. */
    public String symbol() {
        return symbol;
    }
}
