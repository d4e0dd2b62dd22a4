package com.contoso.partnercenter.bff.web;

import com.contoso.partnercenter.bff.correlation.CorrelationId;
import com.contoso.partnercenter.bff.partnercenter.cache.CacheStatus;
import com.contoso.partnercenter.bff.portal.CallingPortal;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Answers that say where they came from (RFC 9211 {@code Cache-Status}): from the cache, from Partner
 * Center, from a call another request had already made, or, when Partner Center could not answer, its last
 * answer, with its {@code Age}. Problems carry the header too.
 */
public final class CachedAnswers {

    private static final String ATTRIBUTE = CacheStatus.class.getName();

    private CachedAnswers() {}

    /**
     * 200 with the answer and its {@code Cache-Status}, waiting for it on the request's thread. Request threads
     * are virtual (spring.threads.virtual.enabled), so waiting costs little, and a cached answer is written at
     * once instead of through an async dispatch that took a fifth of its CPU (docs/performance.md). Partner
     * Center's failures are thrown as they are, for the problem handler; the call's deadline bounds the wait.
     */
    public static <T> ResponseEntity<T> ok(Mono<T> answer) {
        return answer(answer, (body, status) -> ResponseEntity.ok().cacheControl(cacheControl(status)));
    }

    /**
     * A portal (and only that portal: answers depend on who asks) may keep the answer for as long as this
     * service's cache would serve it, and then revalidate with its {@code ETag} ({@link EntityTags}); with no
     * cache holding it, not at all.
     */
    private static CacheControl cacheControl(CacheStatus status) {
        Instant until = status.freshUntil();
        if (until == null) {
            return CacheControl.noStore();
        }
        long seconds = Math.max(0, Duration.between(Instant.now(), until).toSeconds());
        return CacheControl.maxAge(Duration.ofSeconds(seconds)).cachePrivate();
    }

    /**
     * Like {@link #ok}, with the status and headers {@code response} starts from. An update never goes
     * through the cache, so it says {@code fwd=bypass}, as every answer says where it came from.
     */
    public static <T> ResponseEntity<T> answer(
            Mono<T> answer, BiFunction<T, CacheStatus, ResponseEntity.BodyBuilder> response) {
        CacheStatus status = new CacheStatus();
        RequestContextHolder.currentRequestAttributes()
                .setAttribute(ATTRIBUTE, status, RequestAttributes.SCOPE_REQUEST);
        return answer.map(body -> {
                    ResponseEntity.BodyBuilder builder =
                            response.apply(body, status).header(CacheStatus.HEADER, status.headerValue());
                    if (status.age() != null) { // a last-known answer: how old it is (RFC 9111)
                        builder.header(HttpHeaders.AGE, String.valueOf(status.age()));
                    }
                    return builder.body(body);
                })
                // The request's own ids go with its calls, to whichever thread they run on.
                .contextWrite(Context.of(CacheStatus.class, status)
                        .putAll(CorrelationId.context(CorrelationId.current()).readOnly())
                        .putAll(CallingPortal.context(CallingPortal.current()).readOnly()))
                .block();
    }

    static String of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof CacheStatus status ? status.headerValue() : null;
    }
}
