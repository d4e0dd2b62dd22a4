package com.contoso.partnercenter.bff.partnercenter.upstream;

import com.contoso.partnercenter.bff.correlation.CallingPortal;
import com.contoso.partnercenter.bff.correlation.CorrelationId;
import io.micrometer.context.ContextSnapshotFactory;
import reactor.util.context.ContextView;

/**
 * A request's context on Reactor's threads, behind the module's front door. The door captures it from the request
 * thread into the Reactor context ({@code contextCapture()}: the correlation id and portal in the MDC, through the
 * {@code ThreadLocalAccessor}s registered in {@code META-INF/services}, and the trace, which the WebClient's
 * observation continues); the client reads the id and the portal from there, and a line logged on a Reactor thread
 * is written {@link #inScope in the request's scope}, or in a {@code handle} operator, which restores it itself. Because {@code handle} restores the whole captured context around every value, it is kept
 * off the request path, and so is {@code mapNotNull}, which is a {@code handle}: {@code flatMap} with {@code
 * Mono.justOrEmpty} does the same without it.
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

    /**
     * Runs {@code work} with what the Reactor context carries of the request (its correlation id and portal in the
     * MDC, its trace), then puts back what the thread had. It costs a few microseconds: a caller on every call's
     * path enters it only when it may log.
     */
    public static void inScope(ContextView context, Runnable work) {
        try (var scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
            work.run();
        }
    }
}
