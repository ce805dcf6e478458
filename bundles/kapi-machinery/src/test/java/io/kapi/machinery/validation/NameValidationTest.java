package io.kapi.machinery.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Vectors from kube's pkg/util/validation/validation_test.go and pkg/api/validate/content/kube_test.go. */
class NameValidationTest {
    private static void good(Function<String, List<String>> fn, List<String> values) {
        for (String v : values) {
            assertTrue(fn.apply(v).isEmpty(), "expected valid: '" + v + "': " + fn.apply(v));
        }
    }

    private static void bad(Function<String, List<String>> fn, List<String> values) {
        for (String v : values) {
            assertFalse(fn.apply(v).isEmpty(), "expected invalid: '" + v + "'");
        }
    }

    @Test
    void dns1123Label() {
        good(NameValidation::isDNS1123Label, List.of("a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a",
                "1--a--b--2", "a".repeat(63)));
        bad(NameValidation::isDNS1123Label, List.of("", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_",
                "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
                "a".repeat(64)));
        assertEquals(List.of("must not contain dots"), NameValidation.isDNS1123Label("a.b"));
        assertEquals(List.of("must be no more than 63 characters"), NameValidation.isDNS1123Label("a".repeat(64)));
        assertEquals(List.of("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
                + "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
                NameValidation.isDNS1123Label("Bad"));
    }

    @Test
    void dns1123Subdomain() {
        good(NameValidation::isDNS1123Subdomain, List.of("a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a",
                "1--a--b--2", "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1", "abc.1", "a1.1", "a-1.1",
                "a--1--2--b.1", "0.a", "01.a", "012.a", "1a.a", "1-a.a", "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
                "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55", "a".repeat(253)));
        bad(NameValidation::isDNS1123Subdomain, List.of("", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_",
                "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ", " a", "a b", "1 ", " 1", "1 2",
                "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1", "A1.1", "1A.1", "0.A", "01.A", "012.A", "1A.a", "1a.A",
                "A.B.C.D.E", "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b", "a:b", "a%b", "a?b", "a$b",
                "a".repeat(254)));
        assertEquals(List.of("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
                + "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"), NameValidation.isDNS1123Subdomain("Bad_Name"));
        assertEquals(2, NameValidation.isDNS1123Subdomain("A".repeat(254)).size());
    }

    @Test
    void qualifiedName() {
        good(NameValidation::isQualifiedName, List.of("simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
                "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple", "now-with.dashes-and.dots/simple",
                "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678", "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123",
                "requests.storage-foo", "a".repeat(63), "a".repeat(253) + "/" + "b".repeat(63)));
        bad(NameValidation::isQualifiedName, List.of("nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
                "Example.com/abc", "example_com/abc", "example.com/", "/simple", "a".repeat(64), "a".repeat(254) + "/abc"));
        assertEquals(List.of("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
                NameValidation.isQualifiedName("only/one/slash"));
        List<String> empty = NameValidation.isQualifiedName("/");
        assertEquals("prefix part must be non-empty", empty.get(0));
        assertEquals("name part must be non-empty", empty.get(1));
        assertTrue(empty.get(2).startsWith("name part must consist of alphanumeric characters"));
        assertTrue(NameValidation.isQualifiedName("Example.com/abc").get(0).startsWith("prefix part a lowercase RFC 1123 subdomain"));
        assertEquals(List.of("name part must be no more than 63 characters"), NameValidation.isQualifiedName("a".repeat(64)));
    }

    @Test
    void labelValue() {
        good(NameValidation::isValidLabelValue, List.of("simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234",
                "a".repeat(63), ""));
        bad(NameValidation::isValidLabelValue, List.of("nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad",
                "-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.", "a".repeat(64)));
        assertEquals(List.of("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
                + "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"), NameValidation.isValidLabelValue("-x"));
    }

    @Test
    void pathSegmentAndValidators() {
        assertEquals(List.of("may not be '..'"), NameValidation.isPathSegmentName(".."));
        assertEquals(List.of("may not contain '/'", "may not contain '%'"), NameValidation.isPathSegmentName("a/%"));
        assertTrue(NameValidator.PATH_SEGMENT_NAME.validate(".", true).isEmpty());
        assertTrue(NameValidator.DNS1123_SUBDOMAIN.validate("my-prefix-", true).isEmpty(), "a generateName prefix may end in '-'");
        assertFalse(NameValidator.DNS1123_SUBDOMAIN.validate("my-name-", false).isEmpty());
        assertTrue(NameValidator.DNS1123_LABEL.validate("ns-", true).isEmpty());
        assertFalse(NameValidator.DNS1035_LABEL.validate("1abc", false).isEmpty());
        assertEquals("aa", NameValidator.maskTrailingDash("ab-"), "kube swaps the last two characters for an 'a'");
        assertEquals("-", NameValidator.maskTrailingDash("-"), "a lone dash is left alone");
    }

    @Test
    void goQuote() {
        assertEquals("\"a\\\"b\\\\c\\n\\x01\"", NameValidation.goQuote("a\"b\\c\n\u0001"));
        assertEquals("\"rā\"", NameValidation.goQuote("rā"));
    }

    /** What Go's strconv.Quote prints for characters unicode.IsPrint rejects and for those it accepts beyond ASCII. */
    @Test
    void goQuoteEscapesWhatGoCannotPrint() {
        // spaces other than ASCII's, line and paragraph separators, format characters, C1 controls, private use
        assertEquals("\"a\\u00a0b\\u2028c\\u2029d\\u200be\\ufefff\\u0085g\\ue000\"",
                NameValidation.goQuote("a\u00a0b\u2028c\u2029d\u200be\ufefff\u0085g\ue000"));
        // beyond the basic plane: a tag character (format) and an unassigned one with \U, an emoji as it is
        assertEquals("\"\\U000e0001\\U0003fffe\ud83d\ude00\"", NameValidation.goQuote("\udb40\udc01\ud8bf\udffe\ud83d\ude00"));
        // DEL as \x7f, letters, marks, symbols and punctuation of other scripts as they are
        assertEquals("\"\\x7fé\u0301€«»中\"", NameValidation.goQuote("\u007fé\u0301€«»中"));
        // a lone surrogate, which Go's decoder would have made U+FFFD
        assertEquals("\"x\ufffdy\"", NameValidation.goQuote("x\ud800y"));
    }
}
