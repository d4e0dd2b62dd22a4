package com.contoso.partnercenter.bff.partnercenter.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/**
 * The RFC 9211 {@code Cache-Status} of one answer. The front door puts one into the Reactor context of a call and
 * hands its value on with the answer (or the failure); the cache fills it in. Without a cache on the way it says
 * "bypass".
 */
public final class CacheStatus {

    private static final String CACHE = "partner-center-bff";

    private volatile String value = CACHE + "; fwd=bypass";
    private volatile Instant freshUntil;
    private volatile Long age;

    void hit() {
        value = CACHE + "; hit";
    }

    void miss() {
        value = CACHE + "; fwd=miss";
    }

    /** Another request was already asking Partner Center the same question; this one waited for its answer. */
    void collapsed() {
        value = CACHE + "; fwd=miss; collapsed";
    }

    /** Another replica of the fleet had the answer. */
    void sharedHit() {
        value = CACHE + "; hit; detail=fleet";
    }

    /** Another replica of the fleet was asking Partner Center the same question; this one waited for its answer. */
    void sharedCollapsed() {
        value = CACHE + "; fwd=miss; collapsed; detail=fleet";
    }

    /**
     * Partner Center could not answer, and this is the last answer it gave, which stopped being fresh at {@code
     * expiredAt} (stale-if-error): {@code ttl} says how long ago, in negative seconds, {@code Age} how old it is.
     */
    void stale(Instant receivedAt, Instant expiredAt, Instant now) {
        long past = Math.max(1, (Duration.between(expiredAt, now).toMillis() + 999) / 1000);
        value = CACHE + "; hit; ttl=-" + past + "; detail=stale-if-error";
        age = Math.max(0, Duration.between(receivedAt, now).toSeconds());
        freshUntil = expiredAt;
    }

    /** Seconds since Partner Center gave the answer, for the {@code Age} header; {@code null} unless it is stale. */
    public Long age() {
        return age;
    }

    /** The answer stays fresh until then: the cache holds it that long. */
    void freshUntil(Instant until) {
        freshUntil = until;
    }

    /** Until when the answer stays fresh; {@code null} when no cache holds it (caching off, or an update). */
    public Instant freshUntil() {
        return freshUntil;
    }

    public String headerValue() {
        return value;
    }

    /**
     * Where the answer came from, for the portals' figures: {@code stale} (a last-known answer), {@code cache} (kept
     * or asked for by another request, here or on another replica) or {@code partner-center} (this request asked).
     */
    public String outcome() {
        String now = value;
        if (now.contains("stale-if-error")) {
            return "stale";
        }
        return now.contains("; hit") || now.contains("collapsed") ? "cache" : "partner-center";
    }

    /**
     * One header for answers put together from many: the shared status when all agree (every one a hit, or
     * caching off), otherwise a miss, since Partner Center was asked for some.
     */
    public static String combined(Collection<String> statuses) {
        Set<String> values = Set.copyOf(statuses);
        return values.size() == 1 ? values.iterator().next() : CACHE + "; fwd=miss";
    }
}
