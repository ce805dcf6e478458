package io.kapi.machinery.selection;

import java.util.ArrayList;
import java.util.List;

/** Tokenizes a label selector the way kube's lexer does, so that errors name the same literals. */
final class LabelLexer {
    enum Token { ERROR, END, CLOSE_PAR, COMMA, NOT, DOUBLE_EQUALS, EQUALS, GT, IDENTIFIER, IN, LT, NOT_EQUALS, NOT_IN, OPEN_PAR }

    record Item(Token token, String literal) {
    }

    private final String s;
    private int pos;

    private LabelLexer(String s) {
        this.s = s;
    }

    static List<Item> scan(String selector) {
        LabelLexer l = new LabelLexer(selector);
        List<Item> items = new ArrayList<>();
        Item item;
        do {
            item = l.lex();
            items.add(item);
        } while (item.token() != Token.END);
        return items;
    }

    private static Token keyword(String s) {
        return switch (s) {
            case ")" -> Token.CLOSE_PAR;
            case "," -> Token.COMMA;
            case "!" -> Token.NOT;
            case "==" -> Token.DOUBLE_EQUALS;
            case "=" -> Token.EQUALS;
            case ">" -> Token.GT;
            case "in" -> Token.IN;
            case "<" -> Token.LT;
            case "!=" -> Token.NOT_EQUALS;
            case "notin" -> Token.NOT_IN;
            case "(" -> Token.OPEN_PAR;
            default -> null;
        };
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static boolean isSpecial(char c) {
        return "=!(),><".indexOf(c) >= 0;
    }

    private Item lex() {
        while (pos < s.length() && isWhitespace(s.charAt(pos))) {
            pos++;
        }
        // kube reads bytes and treats NUL as the end of input
        if (pos >= s.length() || s.charAt(pos) == 0) {
            return new Item(Token.END, "");
        }
        return isSpecial(s.charAt(pos)) ? special() : identifierOrKeyword();
    }

    private Item identifierOrKeyword() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) != 0 && !isSpecial(s.charAt(pos)) && !isWhitespace(s.charAt(pos))) {
            pos++;
        }
        String word = s.substring(start, pos);
        Token t = keyword(word);
        return new Item(t == null ? Token.IDENTIFIER : t, word);
    }

    /** Longest run of special symbols that is still an operator ("!=" rather than "!", "==" rather than "="). */
    private Item special() {
        StringBuilder buffer = new StringBuilder();
        Item last = null;
        while (pos < s.length() && s.charAt(pos) != 0 && isSpecial(s.charAt(pos))) {
            buffer.append(s.charAt(pos++));
            Token t = keyword(buffer.toString());
            if (t != null) {
                last = new Item(t, buffer.toString());
            } else if (last != null) {
                pos--;
                break;
            }
        }
        if (last == null) {
            return new Item(Token.ERROR, "error expected: keyword found '" + buffer + "'");
        }
        return last;
    }
}
