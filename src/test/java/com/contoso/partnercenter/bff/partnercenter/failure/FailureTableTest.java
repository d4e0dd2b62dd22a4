package com.contoso.partnercenter.bff.partnercenter.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The failure table of the portal developers' guide is {@link FailureKind}'s: one row per kind, each column what the code reads. A
 * change to either without the other fails here.
 */
class FailureTableTest {

    static final String START = "<!-- failure-table: generated from FailureKind, checked by FailureTableTest -->";
    static final String END = "<!-- /failure-table -->";

    @Test
    void theGuideShowsTheTableTheCodeReads() throws IOException {
        String readme = Files.readString(Path.of("docs/portal-developers.md"));
        assertThat(readme).contains(START, END);
        List<String> rows = readme.substring(readme.indexOf(START), readme.indexOf(END))
                .lines()
                .filter(line -> line.startsWith("| `"))
                .toList();

        Map<String, List<String>> documented = new LinkedHashMap<>();
        for (String row : rows) {
            List<String> cells =
                    Arrays.stream(row.split("\\|")).skip(1).map(String::strip).toList();
            String kind = cells.get(0).substring(1, cells.get(0).indexOf('`', 1));
            documented.put(kind, cells.subList(1, cells.size()));
        }
        for (FailureKind kind : FailureKind.values()) {
            assertThat(documented).as("a row for " + kind).containsKey(kind.name());
            List<String> expected = columns(kind);
            List<String> cells = documented.get(kind.name());
            // The status may be followed by the headers that come with it ("503 with Retry-After").
            assertThat(cells.get(0)).as(kind.name()).startsWith(expected.get(0));
            assertThat(cells.subList(1, cells.size())).as(kind.name()).isEqualTo(expected.subList(1, expected.size()));
        }
        assertThat(documented).hasSize(FailureKind.values().length);
    }

    /** Status, problem type, retryable for the portal, retried by the service, breaker, gate. */
    static List<String> columns(FailureKind kind) {
        String status = kind.portalStatus(400) == kind.portalStatus(409)
                ? Integer.toString(kind.portalStatus(400).value())
                : "Partner Center's";
        boolean get = kind.retryable(true, null);
        boolean update = kind.retryable(false, null);
        String retryable = get && update ? "yes" : get ? "GET yes, update no" : "no";
        return List.of(
                status,
                "`" + kind.type() + "`",
                retryable,
                kind.isFinal() ? "not now" : retryable,
                kind.countsForBreaker(null) ? "counts" : "",
                kind.closesGate() ? "closes" : "");
    }
}
