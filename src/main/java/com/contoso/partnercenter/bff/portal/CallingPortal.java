package com.contoso.partnercenter.bff.portal;

import com.contoso.partnercenter.bff.correlation.MdcScope;
import org.slf4j.MDC;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The portal a request comes from, where the work of the request runs: in the logging MDC on the request's
 * thread (so every log line names it), and in the Reactor context of its Partner Center calls, which may run
 * on other threads (a batch, a wait for another replica's answer).
 */
public final class CallingPortal {

    public static final String MDC_KEY = "portal";

    private CallingPortal() {}

    /** The portal of the request on this thread; {@value Portals#OTHER} outside a request. */
    public static String current() {
        String portal = MDC.get(MDC_KEY);
        return portal != null ? portal : Portals.OTHER;
    }

    /** The portal a Reactor pipeline carries, else the thread's. */
    public static String current(ContextView context) {
        return context.<String>getOrEmpty(CallingPortal.class).orElseGet(CallingPortal::current);
    }

    public static Context context(String portal) {
        return Context.of(CallingPortal.class, portal);
    }

    /** Runs {@code action} with the portal in this thread's MDC, then puts back what the thread had before. */
    public static void inScope(String portal, Runnable action) {
        MdcScope.with(MDC_KEY, portal, action);
    }
}
