package com.contoso.partnercenter.bff.correlation;

import org.slf4j.MDC;

/**
 * The portal a request comes from, where the work of the request runs: in the logging MDC on the request's thread,
 * so every log line names it, and, through Micrometer's context propagation ({@link Accessor}), in a batch's tasks
 * and in the Partner Center module's Reactor pipeline (its {@code RequestContext}).
 */
public final class CallingPortal {

    public static final String MDC_KEY = "portal";

    /** The portal of every client id nobody configured, and of work outside a request. */
    public static final String OTHER = "other";

    private CallingPortal() {}

    /** The portal of the request on this thread; {@code other} outside a request. */
    public static String current() {
        String portal = MDC.get(MDC_KEY);
        return portal != null ? portal : OTHER;
    }

    /** The portal in the MDC, for Micrometer's context propagation (registered in {@code META-INF/services}). */
    public static final class Accessor extends CorrelationId.MdcAccessor {
        public Accessor() {
            super(MDC_KEY);
        }
    }
}
