package com.contoso.partnercenter.bff.partnercenter;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Partner Center said went wrong. It answers in three shapes and this reads all of them: the classic
 * ApiFault ({@code "code": "…"} as a string), the newer body ({@code "code": 600074} as a number, with
 * {@code errorName} and {@code isRetryable}) and the throttling body ({@code statusCode}, {@code message}).
 */
public record UpstreamError(String code, String errorName, String message, Boolean isRetryable) {

    static final UpstreamError NONE = new UpstreamError(null, null, null, null);

    private static final int MAX_MESSAGE_LENGTH = 300;

    static UpstreamError parse(JsonMapper json, String body) {
        if (body == null || body.isBlank()) {
            return NONE;
        }
        try {
            JsonNode node = json.readTree(body);
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
        String text = value.asString().strip();
        return text.isEmpty() ? null : text;
    }

    /** Partner Center's own words when it gave some, bounded so a huge body cannot flood an answer. */
    String describe(String fallback) {
        if (message == null) {
            return fallback;
        }
        return message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) + "…" : message;
    }
}
