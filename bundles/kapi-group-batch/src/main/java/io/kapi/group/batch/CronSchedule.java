package io.kapi.group.batch;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cron schedule parser kube validates CronJobs with (robfig/cron v3's {@code ParseStandard}: five
 * fields or a descriptor), reproducing its error messages, which kube reports as they are.
 */
final class CronSchedule {
    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6);
    private static final List<Bounds> FIELDS = List.of(new Bounds(0, 59, null), new Bounds(0, 23, null),
            new Bounds(1, 31, null), new Bounds(1, 12, MONTHS), new Bounds(0, 6, DAYS));
    private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
            "@midnight", "@hourly");

    private CronSchedule() {
    }

    /** The parser's error for {@code spec}, or null when it parses. */
    static String error(String spec) {
        String s = spec;
        if (s.isEmpty()) {
            return "empty spec string";
        }
        if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
            int space = s.indexOf(' ');
            String zone = space < 0 ? s.substring(s.indexOf('=') + 1) : s.substring(s.indexOf('=') + 1, space);
            try {
                java.time.ZoneId.of(zone);
            } catch (RuntimeException e) {
                return "provided bad location " + zone + ": unknown time zone " + zone;
            }
            s = space < 0 ? "" : s.substring(space + 1).trim();
        }
        if (s.startsWith("@")) {
            if (DESCRIPTORS.contains(s)) {
                return null;
            }
            if (s.startsWith("@every ")) {
                String duration = s.substring("@every ".length());
                return goDuration(duration) ? null
                        : "failed to parse duration " + s + ": time: invalid duration \"" + duration + "\"";
            }
            return "unrecognized descriptor: " + s;
        }
        String[] fields = s.trim().isEmpty() ? new String[0] : s.trim().split("\\s+");
        if (fields.length != 5) {
            return "expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", fields) + "]";
        }
        for (int i = 0; i < 5; i++) {
            for (String range : fields[i].split(",", -1)) {
                String err = range(range, FIELDS.get(i));
                if (err != null) {
                    return err;
                }
            }
        }
        return null;
    }

    private static String range(String expr, Bounds r) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        long start;
        long end;
        if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
            start = r.min;
            end = r.max;
        } else {
            Object parsed = intOrName(lowAndHigh[0], r.names);
            if (parsed instanceof String err) {
                return err;
            }
            start = (Long) parsed;
            switch (lowAndHigh.length) {
                case 1 -> end = start;
                case 2 -> {
                    Object high = intOrName(lowAndHigh[1], r.names);
                    if (high instanceof String err) {
                        return err;
                    }
                    end = (Long) high;
                }
                default -> {
                    return "too many hyphens: " + expr;
                }
            }
        }
        long step;
        switch (rangeAndStep.length) {
            case 1 -> step = 1;
            case 2 -> {
                Object parsed = mustParseInt(rangeAndStep[1]);
                if (parsed instanceof String err) {
                    return err;
                }
                step = (Long) parsed;
                if (lowAndHigh.length == 1) {
                    end = r.max; // "N/step" means "N-max/step"
                }
            }
            default -> {
                return "too many slashes: " + expr;
            }
        }
        if (start < r.min) {
            return "beginning of range (" + start + ") below minimum (" + r.min + "): " + expr;
        }
        if (end > r.max) {
            return "end of range (" + end + ") above maximum (" + r.max + "): " + expr;
        }
        if (start > end) {
            return "beginning of range (" + start + ") beyond end of range (" + end + "): " + expr;
        }
        if (step == 0) {
            return "step of range should be a positive number: " + expr;
        }
        return null;
    }

    private static Object intOrName(String expr, Map<String, Integer> names) {
        if (names != null && names.containsKey(expr.toLowerCase(Locale.ROOT))) {
            return (long) names.get(expr.toLowerCase(Locale.ROOT));
        }
        return mustParseInt(expr);
    }

    /** Go's strconv.Atoi as robfig/cron reports it; a Long, or the error message. */
    private static Object mustParseInt(String expr) {
        if (!expr.matches("[+-]?[0-9]+")) {
            return "failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": invalid syntax";
        }
        long num;
        try {
            num = Long.parseLong(expr.startsWith("+") ? expr.substring(1) : expr);
        } catch (NumberFormatException e) {
            return "failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": value out of range";
        }
        if (num < 0) {
            return "negative number (" + num + ") not allowed: " + expr;
        }
        return num;
    }

    /** Whether Go's time.ParseDuration accepts {@code s} (numbers with units ns, us, µs, ms, s, m, h). */
    private static boolean goDuration(String s) {
        return s.matches("[+-]?((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+") || s.equals("0");
    }
}
