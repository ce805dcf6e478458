package io.kapi.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** The formatter-free reading of kube's usual time form answers what the formatter does, and leaves the rest to it. */
class UtcSecondsTest {
    @Test
    void theUsualFormIsReadAsTheFormatterReadsIt() {
        for (String s : new String[] {"2025-01-02T03:04:05Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z"}) {
            assertEquals(OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), UtcSeconds.parse(s), s);
        }
    }

    @Test
    void otherFormsAndInvalidDatesAreLeftToTheFormatter() {
        for (String s : new String[] {"2025-01-02T03:04:05.123Z", "2025-01-02T03:04:05+01:00", "2023-02-29T00:00:00Z",
                "2025-13-01T00:00:00Z", "2025-01-02T24:00:00Z", "2025-01-02t03:04:05Z", "2025-01-0aT03:04:05Z", ""}) {
            assertNull(UtcSeconds.parse(s), s);
        }
    }
}
