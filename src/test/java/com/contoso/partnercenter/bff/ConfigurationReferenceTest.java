package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the operators' reference of the service's own settings: every one the build's
 * configuration metadata (generated from {@code PartnerCenterProperties} and the Swagger UI settings) knows has a
 * row there, with the default the code has, and no row names a setting the code does not read. A setting added,
 * renamed or given another default without the page fails here.
 */
class ConfigurationReferenceTest {

    static final Path REFERENCE = Path.of("docs/configuration.md");
    static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

    /** A row of the page: {@code | `name` | default | meaning |}; a map's key is written {@code <name>}. */
    static final Pattern ROW =
            Pattern.compile("^\\| `((?:partner-center|partner-center-bff)\\.[^`]+)` \\| ([^|]*) \\|");

    static final List<String> COMPUTED_FROM_THE_TENANT = List.of(
            "partner-center.auth.token-uri",
            "partner-center.auth.authorization-uri",
            "partner-center.auth.jwk-set-uri",
            "partner-center.auth.issuer-uri");

    static final Pattern MAP_KEY = Pattern.compile("\\.<[a-z-]+>");

    @Test
    void everySettingIsDocumentedWithTheDefaultTheCodeHas() throws IOException {
        Map<String, String> documented = documented();
        List<String> problems = new ArrayList<>();
        for (JsonNode property : new ObjectMapper().readTree(METADATA.toFile()).get("properties")) {
            String name = property.get("name").asText();
            if (!name.startsWith("partner-center.") && !name.startsWith("partner-center-bff.")) {
                continue;
            }
            if (property.get("type").asText().startsWith("java.util.Map<")) {
                // A map of settings: its rows are the map's name, a key, and each setting of the value.
                boolean any = documented.keySet().stream()
                        .anyMatch(row -> MAP_KEY.matcher(row).replaceFirst("").startsWith(name) && !row.equals(name));
                if (!any) {
                    problems.add(name + ".<key>… has no row");
                }
                continue;
            }
            String row = documented.get(name);
            if (row == null) {
                problems.add(name + " has no row");
                continue;
            }
            JsonNode defaultValue = property.get("defaultValue");
            if (defaultValue != null && !row.equals("`" + defaultValue.asText() + "`")) {
                problems.add(name + " is documented with the default " + row + ", the code has " + defaultValue);
            }
            if (defaultValue == null && row.startsWith("`") && !COMPUTED_FROM_THE_TENANT.contains(name)) {
                // Entra ID's endpoints default to URIs computed from the tenant, so the metadata cannot know them.
                problems.add(name + " is documented with the default " + row + ", the code has none");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDocumentedSettingIsOneTheCodeReads() throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode property : new ObjectMapper().readTree(METADATA.toFile()).get("properties")) {
            names.add(property.get("name").asText());
        }
        List<String> unknown = documented().keySet().stream()
                .filter(row -> !names.contains(row))
                .filter(row -> !MAP_KEY.matcher(row).find() || !names.contains(mapOf(row)))
                .toList();
        assertThat(unknown).isEmpty();
    }

    @Test
    void aMapsSettingsAreTheComponentsOfItsValue() throws IOException, ClassNotFoundException {
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode property : new ObjectMapper().readTree(METADATA.toFile()).get("properties")) {
            types.put(property.get("name").asText(), property.get("type").asText());
        }
        List<String> problems = new ArrayList<>();
        for (String row : documented().keySet()) {
            Matcher key = MAP_KEY.matcher(row);
            if (!key.find() || key.end() == row.length()) {
                continue; // a map of plain values (throttle.scope.<operation>) has no settings of its own
            }
            String type = types.get(mapOf(row));
            String valueType = type.substring(type.indexOf(',') + 1, type.length() - 1);
            String setting = camel(row.substring(key.end() + 1));
            Class<?> value = Class.forName(valueType);
            boolean component = value.isRecord()
                    && Arrays.stream(value.getRecordComponents())
                            .anyMatch(c -> c.getName().equals(setting));
            if (!component) {
                problems.add(row + ": " + value.getSimpleName() + " has no " + setting);
            }
        }
        assertThat(problems).isEmpty();
    }

    static Map<String, String> documented() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(REFERENCE)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                rows.put(row.group(1), row.group(2).strip());
            }
        }
        assertThat(rows).as("rows of " + REFERENCE).hasSizeGreaterThan(20);
        return rows;
    }

    /** {@code partner-center.quota.<operation>.requests-per-minute} is a setting of the map {@code partner-center.quota}. */
    static String mapOf(String row) {
        return row.substring(0, row.indexOf(".<"));
    }

    static String camel(String kebab) {
        StringBuilder name = new StringBuilder();
        for (String part : kebab.split("-")) {
            name.append(name.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return name.toString();
    }
}
