package io.cxstream.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The front door: {@code ./cx} says what is missing (Java 17+, Maven) and how to get it, instead of a raw "command
 * not found" or a compiler error; {@code serve} starts with JSON outputs and from the earliest offsets; local
 * checkpoints of earlier runs are removed.
 */
class CxScriptTest {

    /** The repository root: the tests run in flink-jobs/. */
    private static final Path CX = Path.of("..", "cx").toAbsolutePath().normalize();

    @Test
    void withoutJavaTheScriptSaysSoAndHowToGetIt(@TempDir Path dir) throws Exception {
        Result r = runCx(toolsWithout(dir), "demo");

        assertThat(r.status).as(r.output).isEqualTo(3);
        assertThat(r.output)
                .contains("Java 17 or newer is needed", "no 'java' on the PATH", "openjdk-17-jdk")
                .doesNotContain("command not found");
    }

    @Test
    void withJava11TheScriptNamesTheVersionInsteadOfFailingToCompile(@TempDir Path dir) throws Exception {
        Path bin = toolsWithout(dir);
        fakeJava(bin, "11.0.22");

        Result r = runCx(bin, "serve");

        assertThat(r.status).as(r.output).isEqualTo(3);
        assertThat(r.output).contains("Java 17 or newer is needed", "is Java 11.0.22", "openjdk-17-jdk");
    }

    @Test
    void withJava8TheOldVersionSchemeIsReadToo(@TempDir Path dir) throws Exception {
        Path bin = toolsWithout(dir);
        fakeJava(bin, "1.8.0_292");

        Result r = runCx(bin, "demo");

        assertThat(r.status).as(r.output).isEqualTo(3);
        assertThat(r.output).contains("is Java 1.8.0_292");
    }

    @Test
    void withoutMavenABuildSaysSoAndHowToGetIt(@TempDir Path dir) throws Exception {
        Path bin = toolsWithout(dir);
        fakeJava(bin, "17.0.13");

        Result r = runCx(bin, "build");

        assertThat(r.status).as(r.output).isEqualTo(3);
        assertThat(r.output)
                .contains("Maven is needed", "no 'mvn' on the PATH", "apt-get install maven")
                .doesNotContain("Java 17 or newer is needed", "command not found");
    }

    @Test
    void serveWritesJsonAndReadsFromTheEarliestOffsetByDefault() {
        CxLocal serve = new CxLocal("serve", Map.of(), new PrintStream(new ByteArrayOutputStream()));
        CxLocal demo = new CxLocal("demo", Map.of(), new PrintStream(new ByteArrayOutputStream()));
        CxLocal avro =
                new CxLocal("serve", Map.of("output-format", "avro"), new PrintStream(new ByteArrayOutputStream()));

        assertThat(serve.jobSettings())
                .containsEntry("output-format", "json")
                .containsEntry("starting-offsets", "earliest");
        assertThat(demo.jobSettings()).doesNotContainKey("output-format").containsEntry("starting-offsets", "earliest");
        assertThat(avro.jobSettings()).containsEntry("output-format", "avro");
    }

    @Test
    void earlierRunsCheckpointsAreRemovedAndARecentOneIsKept(@TempDir Path dir) throws IOException {
        Path old = Files.createDirectories(dir.resolve("0f1e2d").resolve("chk-3"));
        Files.writeString(old.resolve("_metadata"), "x");
        Path recent = Files.createDirectories(dir.resolve("a9b8c7").resolve("chk-1"));
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        for (Path p : List.of(old.resolve("_metadata"), old, old.getParent())) {
            Files.setLastModifiedTime(p, hourAgo);
        }

        int removed = LocalCheckpoints.removeOlderRuns(dir, Duration.ofMinutes(1));

        assertThat(removed).isEqualTo(1);
        assertThat(dir.resolve("0f1e2d")).doesNotExist();
        assertThat(recent).exists();
        assertThat(LocalCheckpoints.removeOlderRuns(dir.resolve("missing"), Duration.ofMinutes(1)))
                .isZero();
    }

    /** A bin directory with the tools the script needs, but neither java nor mvn. */
    private static Path toolsWithout(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool :
                List.of("bash", "awk", "cut", "dirname", "cat", "sed", "find", "touch", "mkdir", "tail", "tee")) {
            for (String d : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
                Path real = Path.of(d, tool);
                if (Files.isExecutable(real)) {
                    Files.createSymbolicLink(bin.resolve(tool), real.toRealPath());
                    break;
                }
            }
        }
        return bin;
    }

    /** A {@code java} that only answers {@code -version}, as the given version does. */
    private static void fakeJava(Path bin, String version) throws IOException {
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2024-01-16' >&2\n");
        java.toFile().setExecutable(true);
    }

    private record Result(int status, String output) {}

    private static Result runCx(Path bin, String... args) throws Exception {
        List<String> command =
                new java.util.ArrayList<>(List.of(bin.resolve("bash").toString(), CX.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("./cx ended").isTrue();
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
