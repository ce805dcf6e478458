package io.kapi.machinery.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The {@code byte} format, which strfmt checks with govalidator's {@code IsBase64}: the cases of govalidator's
 * validator_test.go TestIsBase64 (9), unpadded and empty values refused as Go refuses them.
 */
class FormatsByteTest {
    private static final String LONG = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuMPNS1Ufof9EW/M98FNw"
            + "UAKrwflsqVxaxQjBQnHQmiI7Vac40t8x7pIb8gLGV6wL7sBTJiPovJ0V7y7oc0Ye"
            + "rhKh0Rm4skP2z/jHwwZICgGzBvA0rH8xlhUiTvcwDCJ0kc+fh35hNt8srZQM4619"
            + "FTgB66Xmp4EtVyhpQV+t02g6NzK72oZI0vnAvqhpkxLeLiMCyrI416wHm5Tkukhx"
            + "QmcL2a6hNOyu0ixX/x2kSFXApEnVrJ+/IxGyfyw8kf4N2IZpW5nEP847lpfj0SZZ"
            + "Fwrd1mnfnDbYohX2zRptLy2ZUn06Qo9pkG5ntvFEPo9bfZeULtjYzIl6K8gJ2uGZ" + "HQIDAQAB";

    private static void base64(String value, boolean expected) {
        assertEquals(expected, Formats.valid("byte", value), value);
    }

    @Test
    void govalidatorsCases() {
        base64("TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdC4=", true);
        base64("TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdC4===", false);
        base64("TG9yZW0gaXBzdW0gZG9sb3Igc2l0IGFtZXQsIGNvbnNlY3RldHVyIGFkaXBpc2NpbmcgZWxpdC4", false);
        base64("Vml2YW11cyBmZXJtZW50dW0gc2VtcGVyIHBvcnRhLg==", true);
        base64("U3VzcGVuZGlzc2UgbGVjdHVzIGxlbw==", true);
        base64(LONG, true);
        base64("12345", false);
        base64("", false);
        base64("Vml2YW11cyBmZXJtZtesting123", false);
    }

    @Test
    void kubesRatchetingTestValues() {
        base64("dGhpcyBpcyBwYXNzd29yZA==", true);
        base64("asd", false);
        base64("doesnt abide any format", false);
        base64("YWJj\n", false);
    }
}
