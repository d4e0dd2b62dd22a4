package com.contoso.partnercenter.bff.partnercenter;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Partner Center writes dates with {@code Z}, with {@code +00:00} and seven fractional digits, or with no
 * offset at all (meant as UTC). Portals get one form: an ISO-8601 instant in UTC.
 */
final class UpstreamDates {

    private UpstreamDates() {}

    /** The date as an ISO-8601 UTC instant; {@code null} for none; an unreadable value passes unchanged. */
    static String normalize(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        return inPortalForm(text) ? text : parsed(text);
    }

    /** The rule itself: the text parsed with or without an offset, an unreadable one unchanged. */
    static String parsed(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toString();
        } catch (DateTimeParseException noOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toString();
            } catch (DateTimeParseException unknownForm) {
                return text;
            }
        }
    }

    /**
     * Already an instant in UTC to the second, {@code 2026-11-01T10:00:00Z}: parsing it would give the same text
     * back (a valid one as an instant, an invalid one unchanged), so it is not parsed. Parsing was 2 % of a
     * passed-through validation status.
     */
    private static boolean inPortalForm(String text) {
        if (text.length() != 20 || text.charAt(19) != 'Z') {
            return false;
        }
        for (int i = 0; i < 19; i++) {
            char c = text.charAt(i);
            char expected = PORTAL_FORM.charAt(i);
            if (expected == 'd' ? c < '0' || c > '9' : c != expected) {
                return false;
            }
        }
        return true;
    }

    private static final String PORTAL_FORM = "dddd-dd-ddTdd:dd:dd";
}
