package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README is short and sends its reader to the guides in {@code docs/}: every relative link of the README,
 * the guides and the TypeScript client's README must reach a file, and every {@code #anchor} a heading of
 * that file, spelled the way GitHub spells heading anchors. A renamed heading or a moved guide fails here.
 */
class DocumentationLinksTest {

    static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");

    @Test
    void everyRelativeLinkReachesAFileAndEveryAnchorAHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents()) {
            for (String target : links(Files.readString(document))) {
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto: — not this repository's
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty()
                        ? document
                        : document.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(document + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(linked).contains(target.substring(hash + 1))) {
                    broken.add(document + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(checked).as("links checked").isGreaterThan(20);
    }

    @Test
    void anchorsAreSpelledAsGitHubSpellsThem() {
        assertThat(slug("Resilience: what the portal receives when Partner Center misbehaves"))
                .isEqualTo("resilience-what-the-portal-receives-when-partner-center-misbehaves");
        assertThat(slug("Last-known answers during an outage (stale-if-error)"))
                .isEqualTo("last-known-answers-during-an-outage-stale-if-error");
        assertThat(slug("The Helm chart (`helm/partner-center-bff`)"))
                .isEqualTo("the-helm-chart-helmpartner-center-bff");
        assertThat(slug("Fleet mode: several replicas, one careful client"))
                .isEqualTo("fleet-mode-several-replicas-one-careful-client");
    }

    static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"), Path.of("clients/typescript/README.md")));
        try (Stream<Path> guides = Files.list(Path.of("docs"))) {
            guides.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** The link targets outside code blocks and code spans, where a bracket is just text. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean inFence = false;
        for (String line : markdown.lines().toList()) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    /** GitHub's anchors: one per heading, a repeated one numbered {@code -1}, {@code -2}… */
    static Set<String> anchors(Path document) {
        String markdown;
        try {
            markdown = Files.readString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : markdown.lines().toList()) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (!inFence && heading.matches()) {
                String slug = slug(heading.group(1));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** Lower case, punctuation dropped (hyphens and underscores kept), each space a hyphen. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link in a heading keeps its text
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
                .replace(' ', '-');
    }
}
