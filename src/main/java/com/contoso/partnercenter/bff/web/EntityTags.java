package com.contoso.partnercenter.bff.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import org.springframework.http.ETag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Conditional GETs: every successful GET answer of the API carries a strong {@code ETag}, a hash of its body, and
 * a GET whose {@code If-None-Match} names it (compared weakly, as RFC 9110 says) or is {@code *} is answered 304
 * with no body and the same headers. The answer is still worked out (from the cache when it is there, so a 304
 * costs no call to Partner Center), only not sent. The same answer is the same body on every replica, so it
 * has the same tag. Problems are never tagged: only a 200 is.
 *
 * <p>Not Spring's {@code ShallowEtagHeaderFilter}: it leaves out answers marked {@code no-store} (the cache off)
 * and does not take {@code *}.
 */
public final class EntityTags extends OncePerRequestFilter {

    private static final String EVENT_STREAM = "/customer-events";

    // Cloned for each answer: looking MD5 up among the security providers every time, as DigestUtils does, cost
    // more than hashing the answer (docs/performance.md).
    private static final MessageDigest MD5;

    static {
        try {
            MD5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !HttpMethod.GET.matches(request.getMethod()) && !HttpMethod.HEAD.matches(request.getMethod())
                // A stream of events has no end to hash; kept back here, it would never reach the portal.
                || request.getRequestURI().endsWith(EVENT_STREAM);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var answer = new ContentCachingResponseWrapper(response);
        chain.doFilter(request, answer);
        if (answer.getStatus() == HttpServletResponse.SC_OK && !response.isCommitted()) {
            String tag = "\"" + md5(answer.getContentAsByteArray()) + "\"";
            response.setHeader(HttpHeaders.ETAG, tag);
            if (named(request.getHeaders(HttpHeaders.IF_NONE_MATCH), tag)) {
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                return; // the body stays unsent
            }
        }
        answer.copyBodyToResponse();
    }

    static String md5(byte[] body) {
        try {
            return HexFormat.of().formatHex(((MessageDigest) MD5.clone()).digest(body));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the runtime's MD5 cannot be cloned", e);
        }
    }

    private static boolean named(Enumeration<String> ifNoneMatch, String tag) {
        while (ifNoneMatch.hasMoreElements()) {
            for (ETag named : ETag.parse(ifNoneMatch.nextElement())) {
                if (named.isWildcard() || named.formattedTag().equals(tag) || ("\"" + named.tag() + "\"").equals(tag)) {
                    return true;
                }
            }
        }
        return false;
    }
}
