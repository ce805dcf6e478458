package io.kapi.protobuf;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/** kube's usual time form read without a DateTimeFormatter. */
final class UtcSeconds {
    private UtcSeconds() {
    }

    /**
     * The common form of a time, {@code yyyy-MM-ddTHH:mm:ssZ} (how kube writes metav1.Time), read without a
     * DateTimeFormatter, which allocates kilobytes for each time of each item of a list; null for any other
     * form (or an invalid date), which the formatter then reads or refuses.
     */
    static Instant parse(String s) {
        if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second);
    }

    /** The decimal number in {@code s[from, to)}; -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
