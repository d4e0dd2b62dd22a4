package com.contoso.partnercenter.bff.partnercenter.upstream;

import com.contoso.partnercenter.bff.correlation.CallingPortal;
import com.contoso.partnercenter.bff.correlation.CorrelationId;
import io.micrometer.context.ContextSnapshotFactory;
import reactor.util.context.ContextView;

/**
 * A request's correlation id and portal on Reactor's threads, behind the module's front door. The door captures
 * them from the request thread's MDC into the Reactor context ({@code contextCapture()}, through the {@code
 * ThreadLocalAccessor}s registered in {@code META-INF/services}); the client reads them from there, and a line
 * logged on a Reactor thread is written {@link #inScope in their scope}, or in a {@code handle} operator, which
 * restores them itself.
 *
 * <p>Not {@code spring.reactor.context-propagation=auto}: restoring the MDC around every signal of every operator
 * cost a third of the pass-through throughput (docs/performance.md), for the few lines that need it.
 */
public final class RequestContext {

    private static final ContextSnapshotFactory SNAPSHOTS =
            ContextSnapshotFactory.builder().build();

    private RequestContext() {}

    /** The correlation id the Reactor context carries, else the thread's (a new one outside a request). */
    public static String correlationId(ContextView context) {
        String id = context.getOrDefault(CorrelationId.MDC_KEY, null);
        return id != null ? id : CorrelationId.current();
    }

    /** The portal the Reactor context carries, else the thread's ({@code other} outside a request). */
    public static String portal(ContextView context) {
        String portal = context.getOrDefault(CallingPortal.MDC_KEY, null);
        return portal != null ? portal : CallingPortal.current();
    }

    /** Runs {@code work} with the MDC the Reactor context carries, then puts back what the thread had. */
    public static void inScope(ContextView context, Runnable work) {
        try (var scope = SNAPSHOTS.setThreadLocalsFrom(context, CorrelationId.MDC_KEY, CallingPortal.MDC_KEY)) {
            work.run();
        }
    }
}
