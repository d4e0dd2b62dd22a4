package com.contoso.partnercenter.bff.web;

import com.contoso.partnercenter.bff.partnercenter.Answer;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * Partner Center's answers as HTTP answers that say where they came from (RFC 9211 {@code Cache-Status}): from the
 * cache, from Partner Center, from a call another request had already made, or, when Partner Center could not
 * answer, its last answer, with its {@code Age}. A portal (and only that portal: answers depend on who asks) may keep
 * an answer for as long as this service's cache would serve it, and then revalidate with its {@code ETag} ({@link
 * EntityTags}); with no cache holding it, not at all. Problems carry the {@code Cache-Status} too ({@link
 * ProblemDetailsAdvice}).
 */
public final class Answers {

    public static final String CACHE_STATUS = "Cache-Status";

    private Answers() {}

    /** 200 with the answer, which the portal may keep as long as this service's cache would serve it. */
    public static <T> ResponseEntity<T> ok(Answer<T> answer) {
        return answered(
                ResponseEntity.ok()
                        .cacheControl(
                                answer.maxAge() == null
                                        ? CacheControl.noStore()
                                        : CacheControl.maxAge(answer.maxAge()).cachePrivate()),
                answer);
    }

    /** The answer, on the status and headers {@code response} starts from. */
    public static <T> ResponseEntity<T> answered(ResponseEntity.BodyBuilder response, Answer<T> answer) {
        response.header(CACHE_STATUS, answer.cacheStatus());
        if (answer.age() != null) { // a last-known answer: how old it is (RFC 9111)
            response.header(HttpHeaders.AGE, String.valueOf(answer.age()));
        }
        return response.body(answer.value());
    }
}
