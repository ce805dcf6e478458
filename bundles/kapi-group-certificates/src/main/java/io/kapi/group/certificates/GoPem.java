package io.kapi.group.certificates;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Go's {@code pem.Decode} as the Go 1.23 that builds kube 1.32 has it: the next block whose
 * {@code -----BEGIN TYPE-----} line starts a line, with optional {@code Key: Value} headers, a base64
 * body and a matching {@code -----END TYPE-----} line; malformed candidates are skipped, text around
 * blocks is ignored. kube's CSR validation reads requests and issued certificates with it.
 */
final class GoPem {
    private static final byte[] PEM_START = "\n-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEM_END = "\n-----END ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEM_END_OF_LINE = "-----".getBytes(StandardCharsets.US_ASCII);

    /** A decoded block, and the input after it. */
    record Block(String type, Map<String, String> headers, byte[] bytes, byte[] rest) {
    }

    private GoPem() {
    }

    /** The first block of {@code data}, or null when it holds none. */
    static Block decode(byte[] data) {
        byte[] rest = data;
        while (true) {
            if (startsWith(rest, 0, PEM_START, 1)) {
                rest = tail(rest, PEM_START.length - 1);
            } else {
                int at = indexOf(rest, PEM_START, 0);
                if (at < 0) {
                    return null;
                }
                rest = tail(rest, at + PEM_START.length);
            }
            byte[][] line = line(rest);
            byte[] typeLine = line[0];
            rest = line[1];
            if (!endsWith(typeLine, PEM_END_OF_LINE)) {
                continue;
            }
            typeLine = Arrays.copyOf(typeLine, typeLine.length - PEM_END_OF_LINE.length);
            Map<String, String> headers = new LinkedHashMap<>();
            boolean truncated = false;
            while (true) {
                if (rest.length == 0) {
                    truncated = true;
                    break;
                }
                byte[][] next = line(rest);
                int colon = indexOf(next[0], new byte[] {':'}, 0);
                if (colon < 0) {
                    break;
                }
                String key = new String(next[0], 0, colon, StandardCharsets.UTF_8).strip();
                String val = new String(next[0], colon + 1, next[0].length - colon - 1, StandardCharsets.UTF_8).strip();
                headers.put(key, val);
                rest = next[1];
            }
            if (truncated) {
                return null;
            }
            int endIndex;
            int endTrailerIndex;
            // without headers the END line may come at once, without a newline before it
            if (headers.isEmpty() && startsWith(rest, 0, PEM_END, 1)) {
                endIndex = 0;
                endTrailerIndex = PEM_END.length - 1;
            } else {
                endIndex = indexOf(rest, PEM_END, 0);
                endTrailerIndex = endIndex + PEM_END.length;
            }
            if (endIndex < 0) {
                continue;
            }
            byte[] endTrailer = tail(rest, endTrailerIndex);
            int endTrailerLen = typeLine.length + PEM_END_OF_LINE.length;
            if (endTrailer.length < endTrailerLen) {
                continue;
            }
            byte[] restOfEndLine = tail(endTrailer, endTrailerLen);
            endTrailer = Arrays.copyOf(endTrailer, endTrailerLen);
            if (!startsWith(endTrailer, 0, typeLine, 0) || !endsWith(endTrailer, PEM_END_OF_LINE)) {
                continue;
            }
            if (line(restOfEndLine)[0].length != 0) {
                continue;
            }
            byte[] body;
            try {
                body = GoBase64.decode(withoutSpacesAndTabs(Arrays.copyOf(rest, endIndex)));
            } catch (GoBase64.CorruptInputException e) {
                continue;
            }
            byte[] after = line(tail(rest, endIndex + PEM_END.length - 1))[1];
            return new Block(new String(typeLine, StandardCharsets.UTF_8), headers, body, after);
        }
    }

    /** Go's {@code getLine}: the first line without its line ending and trailing spaces and tabs, and what follows it. */
    private static byte[][] line(byte[] data) {
        int i = indexOf(data, new byte[] {'\n'}, 0);
        int j;
        if (i < 0) {
            i = data.length;
            j = i;
        } else {
            j = i + 1;
            if (i > 0 && data[i - 1] == '\r') {
                i--;
            }
        }
        int end = i;
        while (end > 0 && (data[end - 1] == ' ' || data[end - 1] == '\t')) {
            end--;
        }
        return new byte[][] {Arrays.copyOf(data, end), tail(data, j)};
    }

    private static byte[] withoutSpacesAndTabs(byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length);
        for (byte b : data) {
            if (b != ' ' && b != '\t') {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static byte[] tail(byte[] data, int from) {
        return Arrays.copyOfRange(data, from, data.length);
    }

    /** Whether {@code data} from {@code at} starts with {@code prefix} from {@code skip}. */
    private static boolean startsWith(byte[] data, int at, byte[] prefix, int skip) {
        int n = prefix.length - skip;
        if (data.length - at < n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (data[at + k] != prefix[skip + k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(byte[] data, byte[] suffix) {
        return data.length >= suffix.length && startsWith(data, data.length - suffix.length, suffix, 0);
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        for (int i = from; i <= data.length - needle.length; i++) {
            if (startsWith(data, i, needle, 0)) {
                return i;
            }
        }
        return -1;
    }
}
