package io.cxstream;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README is a front page, and every relative link in the project's Markdown (README, docs/, the module
 * and chart READMEs) points at a file that exists — and, for {@code page.md#anchor}, at a heading of it.
 */
class DocsTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("(?s)```.*?```");

    @Test
    void theReadmeIsAFrontPage() throws IOException {
        List<String> lines = Files.readAllLines(REPO.resolve("README.md"));

        assertThat(lines).as("README.md lines").hasSizeLessThanOrEqualTo(200);
        assertThat(String.join("\n", lines)).contains("./cx demo", "mvn -B verify", "docs/configuration.md");
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<Path> pages = pages();
        assertThat(pages).contains(REPO.resolve("README.md"), REPO.resolve("docs/configuration.md"));

        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            String text = FENCE.matcher(Files.readString(page)).replaceAll("");
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                    continue; // https:, mailto:
                }
                checked++;
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(REPO.relativize(page) + ": " + target + " (" + problem + ")");
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(50);
        assertThat(broken).as("broken links").isEmpty();
    }

    /** Why {@code target}, linked from {@code page}, does not resolve; null if it does. */
    static String problem(Path page, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!resolved.startsWith(REPO)) {
            return "outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor != null
                && resolved.toString().endsWith(".md")
                && !anchors(resolved).contains(anchor)) {
            return "no heading for #" + anchor;
        }
        return null;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        for (String line : FENCE.matcher(Files.readString(page)).replaceAll("").split("\n")) {
            if (line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> files = Files.walk(REPO)) {
            files.filter(f -> f.toString().endsWith(".md"))
                    .filter(f -> !REPO.relativize(f)
                            .toString()
                            .matches("(.*/)?(target|node_modules|\\..*)/.*|benchmarks/results/.*"))
                    .forEach(pages::add);
        }
        return pages;
    }

    @Test
    void aBrokenLinkIsFound() throws IOException {
        Path readme = REPO.resolve("README.md");

        assertThat(problem(readme, "docs/no-such-page.md")).isEqualTo("no such file");
        assertThat(problem(readme, "docs/configuration.md#no-such-heading"))
                .isEqualTo("no heading for #no-such-heading");
        assertThat(problem(readme, "docs/configuration.md")).isNull();
    }
}
