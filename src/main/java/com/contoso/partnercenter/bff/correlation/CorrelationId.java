package com.contoso.partnercenter.bff.correlation;

import io.micrometer.context.ThreadLocalAccessor;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The id that ties a portal's request to our log lines and to Partner Center's {@code MS-CorrelationId}. It lives in
 * the logging MDC of the thread that serves the request, so every log line carries it; Micrometer's context
 * propagation ({@link Accessor}) carries it from there into a batch's tasks and, as the module's {@code
 * RequestContext} says, into the Partner Center module's Reactor pipeline.
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

    /** The id in the MDC, for Micrometer's context propagation (registered in {@code META-INF/services}). */
    public static final class Accessor extends MdcAccessor {
        public Accessor() {
            super(MDC_KEY);
        }
    }

    /** One MDC entry as a thread-local value that context propagation captures and restores. */
    public abstract static class MdcAccessor implements ThreadLocalAccessor<String> {

        private final String key;

        protected MdcAccessor(String key) {
            this.key = key;
        }

        @Override
        public Object key() {
            return key;
        }

        @Override
        public String getValue() {
            return MDC.get(key);
        }

        @Override
        public void setValue(String value) {
            MDC.put(key, value);
        }

        @Override
        public void setValue() {
            MDC.remove(key);
        }
    }
}
