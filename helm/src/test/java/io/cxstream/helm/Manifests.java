package io.cxstream.helm;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** The documents of a helm template output, parsed with SnakeYAML. */
final class Manifests {

    private final List<Map<String, Object>> docs;

    private Manifests(List<Map<String, Object>> docs) {
        this.docs = docs;
    }

    @SuppressWarnings("unchecked")
    static Manifests parse(String yamlStream) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml.loadAll(yamlStream)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return new Manifests(docs);
    }

    List<Map<String, Object>> all() {
        return docs;
    }

    List<String> kinds() {
        return docs.stream().map(d -> (String) d.get("kind")).collect(Collectors.toList());
    }

    Optional<Map<String, Object>> find(String kind) {
        List<Map<String, Object>> found = all(kind);
        if (found.size() > 1) {
            throw new AssertionError("expected at most one " + kind + ", found " + found.size());
        }
        return found.stream().findFirst();
    }

    List<Map<String, Object>> all(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).collect(Collectors.toList());
    }

    Map<String, Object> one(String kind) {
        return find(kind).orElseThrow(() -> new AssertionError("no " + kind + " rendered; kinds: " + kinds()));
    }

    boolean has(String kind) {
        return find(kind).isPresent();
    }

    /**
     * The value at a dotted path, e.g. {@code at(doc, "spec.job.parallelism")}; list elements by index
     * ({@code spec.podTemplate.spec.containers.0.name}). Null when any step is missing.
     */
    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String path) {
        Object current = node;
        for (String step : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(step);
            } else if (current instanceof List<?> list && step.chars().allMatch(Character::isDigit)) {
                int i = Integer.parseInt(step);
                current = i < list.size() ? list.get(i) : null;
            } else {
                return null;
            }
        }
        return (T) current;
    }

    /** Like {@link #at} for a map key that itself contains dots (Flink configuration keys). */
    @SuppressWarnings("unchecked")
    static <T> T key(Object node, String mapPath, String key) {
        Map<String, Object> map = at(node, mapPath);
        return map == null ? null : (T) map.get(key);
    }

    /** The flink-main-container of a FlinkDeployment's pod template. */
    static Map<String, Object> mainContainer(Map<String, Object> flinkDeployment) {
        List<Map<String, Object>> containers = at(flinkDeployment, "spec.podTemplate.spec.containers");
        Objects.requireNonNull(containers, "no containers in the podTemplate");
        return containers.stream()
                .filter(c -> "flink-main-container".equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no flink-main-container"));
    }
}
