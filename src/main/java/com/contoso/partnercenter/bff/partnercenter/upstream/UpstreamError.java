package com.contoso.partnercenter.bff.partnercenter.upstream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Partner Center said went wrong. It answers in several shapes and this reads all of them: the classic
 * ApiFault ({@code "code": "…"} as a string, or as a number from {@code PartnerFD}), the newer body
 * ({@code "code": 600074} as a number, with {@code errorName} and {@code isRetryable}), the throttling body
 * ({@code statusCode}, {@code message}) and a bare JSON string, whose text is the message.
 */
public record UpstreamError(String code, String errorName, String message, Boolean isRetryable) {

    public static final UpstreamError NONE = new UpstreamError(null, null, null, null);

    // ApiFault 20002 "No relationship between caller and account.": about that customer, not our credentials.
    private static final String NO_RELATIONSHIP_CODE = "20002";

    private static final int MAX_MESSAGE_LENGTH = 300;

    public static UpstreamError parse(JsonMapper json, String body) {
        if (body == null || body.isBlank()) {
            return NONE;
        }
        try {
            JsonNode node = json.readTree(body);
            if (node.isString()) {
                return new UpstreamError(null, null, blankToNull(node.asString()), null);
            }
            if (!node.isObject()) {
                return NONE;
            }
            String message = text(node, "description");
            if (message == null) {
                message = text(node, "message");
            }
            JsonNode retryable = node.get("isRetryable");
            return new UpstreamError(
                    text(node, "code"),
                    text(node, "errorName"),
                    message,
                    retryable != null && retryable.isBoolean() ? retryable.booleanValue() : null);
        } catch (JacksonException notJson) {
            return NONE;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainer()) {
            return null;
        }
        return blankToNull(value.asString());
    }

    private static String blankToNull(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? null : stripped;
    }

    public boolean isNoRelationship() {
        return NO_RELATIONSHIP_CODE.equals(code);
    }

    /** Partner Center's own words when it gave some, bounded so a huge body cannot flood an answer. */
    public String describe(String fallback) {
        if (message == null) {
            return fallback;
        }
        return message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) + "…" : message;
    }
}
