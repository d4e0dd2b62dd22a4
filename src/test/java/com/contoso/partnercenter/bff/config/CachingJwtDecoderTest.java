package com.contoso.partnercenter.bff.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.contoso.partnercenter.bff.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

class CachingJwtDecoderTest {

    final List<String> decoded = new ArrayList<>();
    final Instant issued = Instant.parse("2026-11-23T10:00:00Z");
    final Instant expiry = issued.plus(Duration.ofMinutes(30));
    TestClock clock = new TestClock(issued);

    final JwtDecoder verifying = token -> {
        decoded.add(token);
        if (token.startsWith("bad")) {
            throw new BadJwtException("signature does not match");
        }
        return Jwt.withTokenValue(token)
                .header("alg", "RS256")
                .claim("scp", "partner-center.read")
                .issuedAt(issued)
                .expiresAt(expiry)
                .build();
    };

    CachingJwtDecoder decoder() {
        return new CachingJwtDecoder(verifying, clock);
    }

    @Test
    void aTokenIsVerifiedOnceAndThenRemembered() {
        CachingJwtDecoder decoder = decoder();

        Jwt first = decoder.decode("token-a");
        Jwt second = decoder.decode("token-a");
        decoder.decode("token-b");

        assertThat(second).isSameAs(first);
        assertThat(decoded).containsExactly("token-a", "token-b");
    }

    @Test
    void aTokenThatFailsIsCheckedAgainEveryTime() {
        CachingJwtDecoder decoder = decoder();

        assertThatThrownBy(() -> decoder.decode("bad-token")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode("bad-token")).isInstanceOf(BadJwtException.class);

        assertThat(decoded).containsExactly("bad-token", "bad-token");
    }

    @Test
    void anExpiredTokenIsNeverAnsweredFromMemory() {
        CachingJwtDecoder decoder = decoder();
        decoder.decode("token-a");

        clock.set(expiry.plusSeconds(1));
        decoder.decode("token-a");

        assertThat(decoded).containsExactly("token-a", "token-a");
    }
}
