package com.contoso.partnercenter.bff;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.local.PartnerCenterSimulator;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A portal that polls: every successful GET carries a strong ETag and how long it may keep the answer, and a
 * revalidation with the ETag is a 304 with no body that costs no call to Partner Center while the answer is
 * cached.
 */
class ConditionalRequestsTest extends EndToEndTest {

    String token;

    @BeforeEach
    void portal() {
        token = EndToEnd.readerToken(issuer);
    }

    RawHttp.Answer get(String path, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return RawHttp.get(port, path, all);
    }

    static int asked(String path) {
        return simulator.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    @Test
    void aRevalidatedAnswerIsA304WithoutBodyAndWithoutAnUpstreamCall() {
        String path = "/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validation-status";
        RawHttp.Answer first = get(path);
        int upstream = asked("/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validationStatus");

        assertThat(first.status()).isEqualTo(200);
        String etag = first.header("ETag");
        assertThat(etag).as("strong, quoted").matches("\"[^\"]+\"");
        assertThat(first.header("Cache-Control")).matches("private, max-age=(30|29|28)|max-age=(30|29|28), private");

        RawHttp.Answer again =
                get(path, "If-None-Match", etag, "X-Correlation-Id", "c0ffee00-1111-4000-8000-000000000001");

        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(etag);
        assertThat(again.header("Cache-Control")).contains("private", "max-age=");
        assertThat(again.header("Cache-Status")).isEqualTo("partner-center-bff; hit");
        assertThat(again.header("X-Correlation-Id")).isEqualTo("c0ffee00-1111-4000-8000-000000000001");
        assertThat(asked("/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validationStatus"))
                .as("answered from the cache")
                .isEqualTo(upstream);
    }

    @Test
    void anyMatchingTagOrAStarIsA304AndAnotherTagIsTheFullAnswer() {
        String path = "/api/v1/customers/" + PartnerCenterSimulator.EDUCATION_APPROVED + "/qualifications";
        String etag = get(path).header("ETag");

        assertThat(get(path, "If-None-Match", "\"other\", " + etag).status()).isEqualTo(304);
        assertThat(get(path, "If-None-Match", "W/" + etag).status())
                .as("If-None-Match compares weakly")
                .isEqualTo(304);
        assertThat(get(path, "If-None-Match", "*").status()).isEqualTo(304);
        RawHttp.Answer changed = get(path, "If-None-Match", "\"other\"");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("items").isArray()).isTrue();
        assertThat(changed.header("ETag")).isEqualTo(etag);
    }

    @Test
    void everyGetIsTaggedAndDifferentAnswersHaveDifferentTags() {
        String codes = get("/api/v1/gcc-validation-codes").header("ETag");
        String eligibility = get("/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/purchase-eligibility")
                .header("ETag");
        String sync = get("/api/v1/customers/" + PartnerCenterSimulator.EDUCATION_APPROVED + "/qualification")
                .header("ETag");
        String blocked = get("/api/v1/customers/" + PartnerCenterSimulator.UNDER_REVIEW + "/purchase-eligibility")
                .header("ETag");

        assertThat(java.util.List.of(codes, eligibility, sync, blocked))
                .doesNotContainNull()
                .doesNotHaveDuplicates();
    }

    @Test
    void problemsCarryNeitherTagNorPermissionToKeepThem() {
        RawHttp.Answer missing = get("/api/v1/customers/" + UUID.randomUUID() + "/validation-status");

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("ETag")).isNull();
        assertThat(missing.header("Cache-Control")).doesNotContain("max-age=1", "max-age=2", "private");
    }

    /** With the cache off nothing is fresh for a while: not to be kept, but still tagged. */
    @Nested
    @TestPropertySource(properties = "partner-center.cache.ttl=0")
    class WithoutTheCache {

        @Test
        void answersAreTaggedButNotToBeKept() {
            String path = "/api/v1/customers/" + PartnerCenterSimulator.ALLOWED + "/validation-status";
            RawHttp.Answer first = get(path);

            assertThat(first.header("Cache-Control")).isEqualTo("no-store");
            assertThat(first.header("ETag")).isNotNull();
            assertThat(get(path, "If-None-Match", first.header("ETag")).status())
                    .isEqualTo(304);
        }
    }
}
