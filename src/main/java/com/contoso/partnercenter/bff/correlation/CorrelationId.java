package com.contoso.partnercenter.bff.correlation;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

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
        return candidate != null && GUID.matcher(candidate).matches() ? candidate : newId();
    }

    /** The current request's id, or a new one for work that runs outside a request. */
    public static String current() {
        String id = MDC.get(MDC_KEY);
        return id != null ? id : newId();
    }

    /**
     * A random (version 4) UUID. These ids must be unique, not unguessable: {@link UUID#randomUUID()} draws
     * from one SecureRandom behind a lock that every request thread queued on (docs/performance.md).
     */
    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    /**
     * The id a Reactor pipeline carries, else the thread's. Work fanned out from one request (a batch)
     * subscribes on whatever thread finished the previous call, where the MDC holds nothing.
     */
    public static String current(ContextView context) {
        return context.<String>getOrEmpty(CorrelationId.class).orElseGet(CorrelationId::current);
    }

    /** Runs {@code action} with the id in this thread's MDC, then puts back what the thread had before. */
    public static void inScope(String id, Runnable action) {
        MdcScope.with(MDC_KEY, id, action);
    }

    /** A Reactor context that carries the id to work subscribed off the request's thread. */
    public static Context context(String id) {
        return Context.of(CorrelationId.class, id);
    }
}
