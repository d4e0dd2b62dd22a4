package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A script under {@code src/test/js} driving Chromium (playwright-core), as the browser tests run it: its output
 * printed, a run that does not finish in time or fails is the test's failure, with the output and the screenshot's
 * path. Without Chromium the test fails: CI installs Debian's {@code chromium}.
 */
final class BrowserRun {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final long TIMEOUT_SECONDS = 120;

    private BrowserRun() {}

    /** Runs {@code node src/test/js/<script> <arguments>} and answers its output once it passed. */
    static String passed(String script, Path screenshot, String... arguments) throws IOException, InterruptedException {
        assertThat(CHROMIUM)
                .as("Chromium for the browser tests (apt-get install chromium; .ci/run does)")
                .isExecutable();
        Files.deleteIfExists(screenshot);
        List<String> command = new ArrayList<>(List.of("node", "src/test/js/" + script));
        command.addAll(List.of(arguments));
        command.add(screenshot.toString());
        File log = Files.createTempFile("browser-run", ".log").toFile();
        Process browser = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        boolean finished = browser.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log.toPath());
        Files.delete(log.toPath());
        System.out.println(output);

        assertThat(finished)
                .as("The browser run did not finish within %d s:%n%s", TIMEOUT_SECONDS, output)
                .isTrue();
        assertThat(browser.exitValue())
                .as("The browser run failed (screenshot: %s):%n%s", screenshot, output)
                .isZero();
        assertThat(screenshot).isNotEmptyFile();
        return output;
    }
}
