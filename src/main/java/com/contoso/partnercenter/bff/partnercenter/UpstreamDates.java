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
}
