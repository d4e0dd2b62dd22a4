package com.contoso.partnercenter.bff.correlation;

import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The id that ties a portal's request to our log lines and to Partner Center's {@code MS-CorrelationId}.
 * It lives in the logging MDC of the thread that serves the request, so every log line carries it.
 */
public final class CorrelationId {

    public static final String MDC_KEY = "correlationId";

    public static final String HEADER = "X-Correlation-Id";

    private static final Pattern GUID =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private CorrelationId() {}

    /** The caller's id when it is a GUID, otherwise a new one: anything else could be used to forge log lines. */
    public static String acceptOrGenerate(String candidate) {
        return candidate != null && GUID.matcher(candidate).matches()
                ? candidate
                : UUID.randomUUID().toString();
    }

    /** The current request's id, or a new one for work that runs outside a request. */
    public static String current() {
        String id = MDC.get(MDC_KEY);
        return id != null ? id : UUID.randomUUID().toString();
    }
}
