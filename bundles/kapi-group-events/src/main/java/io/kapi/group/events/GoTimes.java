package io.kapi.group.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * kube's {@code metav1.Time} and {@code metav1.MicroTime} as Go reads and writes them. A value absent,
 * null, or Go's zero time ({@code 0001-01-01T00:00:00Z}) is the zero time, which both types write as
 * JSON {@code null}; a Time is written as RFC 3339 in UTC to the second, a MicroTime to the microsecond
 * ({@code 2006-01-02T15:04:05.000000Z}), both truncated, as Go's {@code Format} does. A text that is not
 * an RFC 3339 time is left as it is: kube refuses it when decoding, before anything here runs.
 */
final class GoTimes {
    /** Go's zero {@code time.Time}. */
    static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICRO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GO_STRING = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private GoTimes() {
    }

    /** The instant of an RFC 3339 text, or null (absent, null, not a time). */
    static Instant parse(JsonNode value) {
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Whether the value is Go's zero time: absent, null, or the zero instant. */
    static boolean isZero(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return true;
        }
        Instant i = parse(value);
        return i != null && i.equals(ZERO);
    }

    /** A {@code metav1.Time} as Go writes it: null when zero, else to the second in UTC. */
    static JsonNode time(JsonNode value) {
        return write(value, RFC3339);
    }

    /** A {@code metav1.MicroTime} as Go writes it: null when zero, else to the microsecond in UTC. */
    static JsonNode microTime(JsonNode value) {
        return write(value, RFC3339_MICRO);
    }

    private static JsonNode write(JsonNode value, DateTimeFormatter format) {
        if (isZero(value)) {
            return JsonNodeFactory.instance.nullNode();
        }
        Instant i = parse(value);
        return i == null ? value.deepCopy() : TextNode.valueOf(format.format(i));
    }

    /**
     * Go's {@code time.Time.String()} of the value, as kube's field errors print a Time or MicroTime
     * (a {@code fmt.Stringer}): {@code 2017-09-19 13:49:16.5 +0000 UTC}, the fraction without trailing
     * zeros. kube decodes times into the server's local zone; this is an API server running in UTC, as
     * kube-apiserver's images do.
     */
    static String goString(JsonNode value) {
        Instant i = isZero(value) ? ZERO : parse(value);
        if (i == null) {
            return value.asText();
        }
        StringBuilder b = new StringBuilder(GO_STRING.format(i));
        int nanos = i.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
            b.append('.').append(fraction);
        }
        return b.append(" +0000 UTC").toString();
    }

    /** Whether two values are the same instant (kube's semantic equality of times); zero equals zero. */
    static boolean same(JsonNode a, JsonNode b) {
        return same(a, b, false);
    }

    /**
     * Whether two values are the same instant, compared to the microsecond when {@code micro} (kube's
     * eventTime update rule tolerates changes below it).
     */
    static boolean same(JsonNode a, JsonNode b, boolean micro) {
        Instant x = isZero(a) ? ZERO : parse(a);
        Instant y = isZero(b) ? ZERO : parse(b);
        if (x == null || y == null) {
            return x == null && y == null && a.asText().equals(b.asText());
        }
        return micro ? x.truncatedTo(ChronoUnit.MICROS).equals(y.truncatedTo(ChronoUnit.MICROS)) : x.equals(y);
    }
}
