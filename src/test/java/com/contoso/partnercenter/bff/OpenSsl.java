package com.contoso.partnercenter.bff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's openssl (.ci/run installs it), for the certificates the tests issue themselves. */
public final class OpenSsl {

    static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private OpenSsl() {}

    /** Runs {@code openssl} with these arguments in {@code directory}, and fails the test if it fails. */
    public static void run(Path directory, String... arguments) {
        assertThat(OPENSSL)
                .as("openssl (Debian's openssl; .ci/run installs it) makes the test's certificates")
                .isExecutable();
        List<String> line = new ArrayList<>(List.of(OPENSSL.toString()));
        line.addAll(List.of(arguments));
        try {
            Process openssl = new ProcessBuilder(line)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0)
                    .as(String.join(" ", line))
                    .isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed RSA certificate and its key, as {@code name.crt} and {@code name.key} in {@code directory}. */
    public static void selfSigned(Path directory, String name) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(
                directory,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                name + ".key",
                "-out",
                name + ".crt",
                "-days",
                "1",
                "-subj",
                "/CN=" + name);
    }
}
