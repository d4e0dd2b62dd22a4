package com.contoso.partnercenter.bff.correlation;

import org.slf4j.MDC;

/** A value in this thread's logging MDC for the length of one action, for work that runs off a request's thread. */
public final class MdcScope {

    private MdcScope() {}

    /** Runs {@code action} with {@code key} set to {@code value}, then puts back what the thread had before. */
    public static void with(String key, String value, Runnable action) {
        String previous = MDC.get(key);
        MDC.put(key, value);
        try {
            action.run();
        } finally {
            if (previous == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, previous);
            }
        }
    }
}
