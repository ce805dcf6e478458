package io.kapi.machinery.schema;

import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.SchemaValidator.Code;
import io.kapi.machinery.schema.SchemaValidator.Err;
import io.kapi.machinery.schema.SchemaValidator.Result;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube-openapi's {@code formatValidator} over strfmt's default registry, for the formats apiextensions
 * keeps. The checks follow strfmt's regular expressions; {@code uri}, {@code email}, {@code ipv6} and
 * {@code duration} are approximations of Go's parsers. Stateless.
 */
final class Formats {
    private static final Pattern UUID = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID3 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID4 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern UUID5 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern ISBN10 = Pattern.compile("^(?:[0-9]{9}X|[0-9]{10})$");
    private static final Pattern ISBN13 = Pattern.compile("^(?:[0-9]{13})$");
    private static final Pattern CREDIT_CARD = Pattern.compile("^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11})$");
    private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
    private static final Pattern HEX_COLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    /** govalidator's {@code IsBase64}: padded standard base64, at least one group (so never empty). */
    private static final Pattern BASE64 = Pattern.compile("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$");
    private static final Pattern RGB_COLOR = Pattern.compile("^rgb\\(\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*\\)$");
    private static final Pattern HOSTNAME = Pattern.compile("^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63})$");
    private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern MAC = Pattern.compile("^([0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\\2){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4})$");
    private static final Pattern EMAIL = Pattern.compile("^(?:[^<>@\\s]*<)?[^<>@\\s]+@[^<>@\\s]+>?$");
    private static final Pattern DURATION = Pattern.compile("^(([+-]?(\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+|0|[1-9]\\d*\\s?(ns|us|µs|ms|s|m|h|d|w)|[1-9]\\d*\\s?(nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?))$");
    private static final Pattern BSON = Pattern.compile("^[0-9a-fA-F]{24}$");

    private Formats() {
    }

    /** strfmt's {@code Validates}; a failure is {@code errors.InvalidType(path, "body", format, value)}. */
    static Result validate(String format, String path, String value) {
        if (valid(format.replace("-", ""), value)) {
            return null;
        }
        return Result.of(new Err(Code.TYPE, path, String.format("%s in %s must be of type %s: %s", path,
                SchemaValidator.IN, format, FieldCause.goQuote(value)), value, 0, List.of()));
    }

    static boolean valid(String f, String v) {
        switch (f) {
            case "bsonobjectid":
                return BSON.matcher(v).matches();
            case "uri":
                try {
                    URI u = new URI(v);
                    return u.isAbsolute() || v.startsWith("/");
                } catch (URISyntaxException e) {
                    return false;
                }
            case "email":
                return EMAIL.matcher(v).matches();
            case "hostname":
                return v.length() <= 255 && HOSTNAME.matcher(v).matches();
            case "ipv4":
                return IPV4.matcher(v).matches();
            case "ipv6":
                return v.contains(":") && isIPv6(v);
            case "cidr": {
                int slash = v.indexOf('/');
                if (slash < 0) {
                    return false;
                }
                String ip = v.substring(0, slash);
                String bits = v.substring(slash + 1);
                if (!bits.matches("\\d{1,3}")) {
                    return false;
                }
                int n = Integer.parseInt(bits);
                return IPV4.matcher(ip).matches() ? n <= 32 : isIPv6(ip) && n <= 128;
            }
            case "mac":
                return MAC.matcher(v).matches();
            case "uuid":
                return UUID.matcher(v).matches();
            case "uuid3":
                return UUID3.matcher(v).matches();
            case "uuid4":
                return UUID4.matcher(v).matches();
            case "uuid5":
                return UUID5.matcher(v).matches();
            case "isbn":
                return isbn10(v) || isbn13(v);
            case "isbn10":
                return isbn10(v);
            case "isbn13":
                return isbn13(v);
            case "creditcard":
                return CREDIT_CARD.matcher(v.replaceAll("[^0-9]", "")).matches();
            case "ssn":
                return SSN.matcher(v).matches();
            case "hexcolor":
                return HEX_COLOR.matcher(v).matches();
            case "rgbcolor":
                return RGB_COLOR.matcher(v).matches();
            case "byte":
                return BASE64.matcher(v).matches();
            case "date":
                try {
                    return v.length() == 10 && LocalDate.parse(v) != null;
                } catch (DateTimeParseException e) {
                    return false;
                }
            case "duration":
                return DURATION.matcher(v).matches();
            case "datetime":
                return dateTime(v);
            default:
                return true;
        }
    }

    private static boolean isbn10(String v) {
        return ISBN10.matcher(v.replaceAll("[\\s-]", "")).matches();
    }

    private static boolean isbn13(String v) {
        return ISBN13.matcher(v.replaceAll("[\\s-]", "")).matches();
    }

    private static boolean isIPv6(String v) {
        if (!v.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(v) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** strfmt's {@code ParseDateTime}: RFC 3339 with or without fractions, also without a zone as strfmt accepts. */
    private static boolean dateTime(String v) {
        try {
            OffsetDateTime.parse(v);
            return true;
        } catch (DateTimeParseException e) {
            try {
                java.time.LocalDateTime.parse(v);
                return v.length() >= 19;
            } catch (DateTimeParseException e2) {
                return false;
            }
        }
    }
}
