package com.contoso.partnercenter.bff.partnercenter;

import static org.assertj.core.api.Assertions.assertThat;

import com.contoso.partnercenter.bff.partnercenter.upstream.Operation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keys an IDE offers for the maps by operation are the operations' names, all of them. */
class SettingsMetadataTest {

    @Test
    void theMapsByOperationOfferEveryOperationAsAKey() throws IOException {
        JsonNode metadata = new ObjectMapper()
                .readTree(Path.of("target/classes/META-INF/spring-configuration-metadata.json")
                        .toFile());
        List<String> operations =
                Arrays.stream(Operation.values()).map(Operation::instanceName).toList();
        for (String map : List.of("partner-center.quota", "partner-center.throttle.scope")) {
            List<String> offered = new ArrayList<>();
            for (JsonNode hint : metadata.get("hints")) {
                if (hint.get("name").asText().equals(map + ".keys")) {
                    hint.get("values")
                            .forEach(value -> offered.add(value.get("value").asText()));
                }
            }
            assertThat(offered).as(map).containsExactlyInAnyOrderElementsOf(operations);
        }
    }
}
