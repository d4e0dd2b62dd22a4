package com.contoso.partnercenter.bff.config;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers tokens it has already verified. A portal sends the same bearer token for up to an hour, and
 * checking its RS256 signature and claims again on every request took more CPU than the rest of a cached
 * answer (see docs/performance.md). A token is kept until it expires and at most {@link #MAX_AGE}, so a key
 * Entra ID withdraws stops being trusted within minutes; a token that fails is never kept.
 */
final class CachingJwtDecoder implements JwtDecoder {

    static final Duration MAX_AGE = Duration.ofMinutes(5);
    private static final int MAX_TOKENS = 4096;

    private final JwtDecoder delegate;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    CachingJwtDecoder(JwtDecoder delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(MAX_TOKENS)
                .expireAfter(Expiry.<String, Jwt>creating((token, jwt) -> lifetime(jwt)))
                .build();
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt jwt = verified.getIfPresent(token);
        if (jwt != null && stillValid(jwt)) {
            return jwt;
        }
        jwt = delegate.decode(token);
        verified.put(token, jwt);
        return jwt;
    }

    private Duration lifetime(Jwt jwt) {
        Instant expires = jwt.getExpiresAt();
        if (expires == null) {
            return MAX_AGE;
        }
        Duration left = Duration.between(clock.instant(), expires);
        return left.isNegative() ? Duration.ZERO : left.compareTo(MAX_AGE) < 0 ? left : MAX_AGE;
    }

    // Caffeine's expiry runs on its own ticker; the token's own clock decides as well.
    private boolean stillValid(Jwt jwt) {
        return jwt.getExpiresAt() == null || clock.instant().isBefore(jwt.getExpiresAt());
    }
}
