package io.cxstream.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The chart under test, rendered with the helm 3 library that helm-java bundles. Values are given as
 * YAML text (a values file), which keeps commas, dots and quotes in values exactly as a user writes them.
 */
final class HelmChart {

    /** The chart directory; Maven passes it, an IDE run from the module directory finds it too. */
    static final Path DIR =
            Path.of(System.getProperty("chart.dir", "cx-stream")).toAbsolutePath();

    /** Release name and namespace of every rendering: the full name is then exactly "cx-stream". */
    static final String RELEASE = "cx-stream";

    static final String NAMESPACE = "cx-prod";

    private static final Helm HELM = new Helm(DIR);

    private HelmChart() {}

    static Helm helm() {
        return HELM;
    }

    /** Renders the chart with its defaults. */
    static Manifests render() {
        return render("");
    }

    /** Renders the chart with the given values (YAML) over its defaults. */
    static Manifests render(String valuesYaml) {
        return Manifests.parse(renderText(valuesYaml));
    }

    /** Renders the chart with a values file. */
    static Manifests render(Path valuesFile) {
        return Manifests.parse(template().withValuesFile(valuesFile).call());
    }

    /** Renders the chart as another release (name) with the given values. */
    static Manifests renderRelease(String release, String valuesYaml) {
        TemplateCommand template = HELM.template().withName(release).withNamespace(NAMESPACE);
        if (!valuesYaml.isBlank()) {
            template = template.withValuesFile(writeValues(valuesYaml));
        }
        return Manifests.parse(template.call());
    }

    /** What {@code helm install} prints (a client-only dry run): the release summary and NOTES.txt. */
    static String installOutput(String valuesYaml) {
        InstallCommand install = HELM.install()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .dryRun()
                .clientOnly();
        if (!valuesYaml.isBlank()) {
            install = install.withValuesFile(writeValues(valuesYaml));
        }
        return install.call().getOutput();
    }

    /** The raw output of helm template. */
    static String renderText(String valuesYaml) {
        TemplateCommand template = template();
        if (!valuesYaml.isBlank()) {
            template = template.withValuesFile(writeValues(valuesYaml));
        }
        return template.call();
    }

    /** Renders with the given values and returns helm's error; fails the test if rendering succeeds. */
    static String renderError(String valuesYaml) {
        try {
            renderText(valuesYaml);
        } catch (RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
        throw new AssertionError("rendering succeeded, an error was expected for values:\n" + valuesYaml);
    }

    private static TemplateCommand template() {
        return HELM.template().withName(RELEASE).withNamespace(NAMESPACE);
    }

    private static Path writeValues(String yaml) {
        try {
            Path file = Files.createTempFile("cx-stream-values-", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
