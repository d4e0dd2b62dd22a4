package com.contoso.partnercenter.bff.partnercenter;

import com.contoso.partnercenter.bff.partnercenter.cache.CacheStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Function;

/**
 * One of Partner Center's answers as the front door gives it: the value ({@code null} where Partner Center has none,
 * such as no synchronous qualification) and where it came from.
 *
 * @param value the answer.
 * @param cacheStatus its RFC 9211 {@code Cache-Status}: from the cache, from Partner Center, from a call another
 *     request had already made, or, when Partner Center could not answer, its last answer.
 * @param maxAge how long a portal may keep it, as long as this service's cache serves it; {@code null} when no
 *     cache holds it (caching off, an update).
 * @param age for a last-known answer, seconds since Partner Center gave it; else {@code null}.
 */
public record Answer<T>(T value, String cacheStatus, Duration maxAge, Long age) {

    /** The same answer, said in the caller's terms. */
    public <R> Answer<R> map(Function<? super T, ? extends R> mapping) {
        return new Answer<>(mapping.apply(value), cacheStatus, maxAge, age);
    }

    /**
     * One {@code Cache-Status} for an answer put together from many: the shared status when all agree (every one a
     * hit, or caching off), otherwise a miss, since Partner Center was asked for some.
     */
    public static String combined(Collection<String> cacheStatuses) {
        return CacheStatus.combined(cacheStatuses);
    }
}
