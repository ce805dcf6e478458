package io.kapi.machinery.selection;

import io.kapi.machinery.selection.LabelLexer.Item;
import io.kapi.machinery.selection.LabelLexer.Token;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * kube's recursive-descent label selector parser. Errors carry kube's exact text, including the
 * field-error form of key and value validation ("values[0][key]: Invalid value: ..."), because
 * kube-apiserver answers a bad {@code labelSelector} with that text verbatim.
 */
final class LabelParser {
    private static final String BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt";

    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message, null, false, false);
        }
    }

    private final List<Item> items;
    private int position;

    private LabelParser(String selector) {
        this.items = LabelLexer.scan(selector);
    }

    static List<Requirement> parse(String selector) throws ParseException {
        List<Requirement> out = new LabelParser(selector).requirements();
        out.sort(Comparator.comparing(Requirement::key));
        return out;
    }

    /** In a value position the keywords in/notin are plain identifiers, as kube's parser context says. */
    private Item lookahead(boolean values) {
        return contextual(items.get(position), values);
    }

    private Item consume(boolean values) {
        return contextual(items.get(position++), values);
    }

    private static Item contextual(Item item, boolean values) {
        if (values && (item.token() == Token.IN || item.token() == Token.NOT_IN)) {
            return new Item(Token.IDENTIFIER, item.literal());
        }
        return item;
    }

    private List<Requirement> requirements() throws ParseException {
        List<Requirement> out = new ArrayList<>();
        while (true) {
            Item next = lookahead(true);
            switch (next.token()) {
                case IDENTIFIER, NOT -> {
                    try {
                        out.add(requirement());
                    } catch (ParseException e) {
                        throw new ParseException("unable to parse requirement: " + e.getMessage());
                    }
                    Item t = consume(true);
                    if (t.token() == Token.END) {
                        return out;
                    }
                    if (t.token() != Token.COMMA) {
                        throw new ParseException("found '" + t.literal() + "', expected: ',' or 'end of string'");
                    }
                    Item t2 = lookahead(true);
                    if (t2.token() != Token.IDENTIFIER && t2.token() != Token.NOT) {
                        throw new ParseException("found '" + t2.literal() + "', expected: identifier after ','");
                    }
                }
                case END -> {
                    return out;
                }
                default -> throw new ParseException("found '" + next.literal() + "', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private Requirement requirement() throws ParseException {
        Operator op = null;
        Item t = consume(true);
        if (t.token() == Token.NOT) {
            op = Operator.DOES_NOT_EXIST;
            t = consume(true);
        }
        if (t.token() != Token.IDENTIFIER) {
            throw new ParseException("found '" + t.literal() + "', expected: identifier");
        }
        String key = t.literal();
        List<String> keyErrors = NameValidation.isQualifiedName(key);
        if (!keyErrors.isEmpty()) {
            throw new ParseException(fieldInvalid("<nil>", key, String.join("; ", keyErrors)));
        }
        Token after = lookahead(true).token();
        if (op == null && (after == Token.END || after == Token.COMMA)) {
            op = Operator.EXISTS;
        }
        if (op != null) {
            // "!key=v" stops after "!key"; the caller then reports the '=' it did not expect, as kube does
            return newRequirement(key, op, List.of());
        }
        op = operator();
        TreeSet<String> values = switch (op) {
            case IN, NOT_IN -> valueSet();
            default -> exactValue();
        };
        return newRequirement(key, op, new ArrayList<>(values));
    }

    private Operator operator() throws ParseException {
        Item t = consume(false);
        return switch (t.token()) {
            case IN -> Operator.IN;
            case EQUALS -> Operator.EQUALS;
            case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
            case GT -> Operator.GREATER_THAN;
            case LT -> Operator.LESS_THAN;
            case NOT_IN -> Operator.NOT_IN;
            case NOT_EQUALS -> Operator.NOT_EQUALS;
            default -> throw new ParseException("found '" + t.literal() + "', expected: " + BINARY_OPERATORS);
        };
    }

    private TreeSet<String> valueSet() throws ParseException {
        Item t = consume(true);
        if (t.token() != Token.OPEN_PAR) {
            throw new ParseException("found '" + t.literal() + "' expected: '('");
        }
        Item next = lookahead(true);
        switch (next.token()) {
            case IDENTIFIER, COMMA -> {
                TreeSet<String> s = identifierList();
                if (consume(true).token() != Token.CLOSE_PAR) {
                    // kube names the token seen before the list here, not the one that failed
                    throw new ParseException("found '" + next.literal() + "', expected: ')'");
                }
                return s;
            }
            case CLOSE_PAR -> {
                consume(true);
                TreeSet<String> s = new TreeSet<>();
                s.add("");
                return s;
            }
            default -> throw new ParseException("found '" + next.literal() + "', expected: ',', ')' or identifier");
        }
    }

    /** A possibly empty, comma separated list of possibly empty identifiers: "(,a,,b,)" holds "", a, b. */
    private TreeSet<String> identifierList() throws ParseException {
        TreeSet<String> s = new TreeSet<>();
        while (true) {
            Item t = consume(true);
            switch (t.token()) {
                case IDENTIFIER -> {
                    s.add(t.literal());
                    Item t2 = lookahead(true);
                    if (t2.token() == Token.CLOSE_PAR) {
                        return s;
                    }
                    if (t2.token() != Token.COMMA) {
                        throw new ParseException("found '" + t2.literal() + "', expected: ',' or ')'");
                    }
                }
                case COMMA -> {
                    if (s.isEmpty()) {
                        s.add("");
                    }
                    Token t2 = lookahead(true).token();
                    if (t2 == Token.CLOSE_PAR) {
                        s.add("");
                        return s;
                    }
                    if (t2 == Token.COMMA) {
                        s.add("");
                    }
                }
                default -> throw new ParseException("found '" + t.literal() + "', expected: ',', or identifier");
            }
        }
    }

    private TreeSet<String> exactValue() throws ParseException {
        TreeSet<String> s = new TreeSet<>();
        Token next = lookahead(true).token();
        if (next == Token.END || next == Token.COMMA) {
            s.add("");
            return s;
        }
        Item t = consume(true);
        if (t.token() != Token.IDENTIFIER) {
            throw new ParseException("found '" + t.literal() + "', expected: identifier");
        }
        s.add(t.literal());
        return s;
    }

    /** kube's NewRequirement checks, reported as one aggregated error like field.ErrorList.ToAggregate. */
    private static Requirement newRequirement(String key, Operator op, List<String> values) throws ParseException {
        List<String> errors = new ArrayList<>();
        List<String> keyErrors = NameValidation.isQualifiedName(key);
        if (!keyErrors.isEmpty()) {
            errors.add(fieldInvalid("key", key, String.join("; ", keyErrors)));
        }
        if (op == Operator.GREATER_THAN || op == Operator.LESS_THAN) {
            for (int i = 0; i < values.size(); i++) {
                try {
                    Long.parseLong(values.get(i));
                } catch (NumberFormatException e) {
                    errors.add(fieldInvalid("values[" + i + "]", values.get(i), "for 'Gt', 'Lt' operators, the value must be an integer"));
                }
            }
        }
        for (int i = 0; i < values.size(); i++) {
            List<String> valueErrors = NameValidation.isValidLabelValue(values.get(i));
            if (!valueErrors.isEmpty()) {
                errors.add(fieldInvalid("values[" + i + "][" + key + "]", values.get(i), String.join("; ", valueErrors)));
            }
        }
        // kube's aggregate: duplicates collapse, brackets only around more than one distinct message
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>(errors);
        if (distinct.size() == 1) {
            throw new ParseException(distinct.iterator().next());
        }
        if (!distinct.isEmpty()) {
            throw new ParseException("[" + String.join(", ", distinct) + "]");
        }
        return new Requirement(key, op, values);
    }

    private static String fieldInvalid(String field, String value, String detail) {
        return field + ": Invalid value: " + NameValidation.goQuote(value) + ": " + detail;
    }
}
