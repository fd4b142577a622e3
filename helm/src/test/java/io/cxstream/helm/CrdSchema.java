package io.cxstream.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A CustomResourceDefinition's {@code openAPIV3Schema} as a JSON schema (draft 7), to validate rendered
 * custom resources the way the Kubernetes API server would.
 *
 * <p>The CRD's schema is structural OpenAPI v3; the differences to JSON schema are bridged here:
 * {@code nullable: true} becomes a {@code "null"} type, the {@code x-kubernetes-*} extensions are dropped
 * ({@code int-or-string} already comes with its {@code anyOf}), and {@code apiVersion}, {@code kind} and
 * {@code metadata}, which every object has without its CRD declaring them, are added at the root.
 *
 * <p><b>Strict</b> mode adds {@code additionalProperties: false} to every object schema that lists its
 * properties and neither declares {@code additionalProperties} nor sets
 * {@code x-kubernetes-preserve-unknown-fields}. The API server would otherwise <em>prune</em> an unknown
 * field silently (a misspelled {@code paralellism} just vanishes); strict mode reports it, as
 * {@code kubectl apply --validate=strict} does.
 */
final class CrdSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonSchema schema;

    private CrdSchema(Map<String, Object> jsonSchema) {
        JsonNode node = JSON.valueToTree(jsonSchema);
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(node);
    }

    /** The schema of one served version of a CRD on the test classpath. */
    static CrdSchema load(String resource, String version, boolean strict) {
        Map<String, Object> crd = readYaml(resource);
        List<Map<String, Object>> versions = Manifests.at(crd, "spec.versions");
        Map<String, Object> openApi = versions.stream()
                .filter(v -> version.equals(v.get("name")))
                .findFirst()
                .map(v -> Manifests.<Map<String, Object>>at(v, "schema.openAPIV3Schema"))
                .orElseThrow(() -> new IllegalArgumentException("no version " + version + " in " + resource));
        return new CrdSchema(toJsonSchema(openApi, strict));
    }

    /** Validation errors of a custom resource, each as "location: message"; empty when it is valid. */
    List<String> validate(Map<String, Object> resource) {
        return schema.validate(JSON.valueToTree(resource)).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .collect(Collectors.toList());
    }

    static Map<String, Object> toJsonSchema(Map<String, Object> openApiV3Schema, boolean strict) {
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) convert(openApiV3Schema, strict);
        @SuppressWarnings("unchecked")
        Map<String, Object> properties =
                (Map<String, Object>) root.computeIfAbsent("properties", k -> new LinkedHashMap<>());
        properties.putIfAbsent("apiVersion", Map.of("type", "string"));
        properties.putIfAbsent("kind", Map.of("type", "string"));
        properties.putIfAbsent("metadata", Map.of("type", "object"));
        root.put("type", "object");
        root.put("required", List.of("apiVersion", "kind", "metadata", "spec"));
        if (strict) {
            root.put("additionalProperties", false);
        }
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        return root;
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Object node, boolean strict) {
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(item -> out.add(convert(item, strict)));
            return out;
        }
        if (!(node instanceof Map<?, ?>)) {
            return node;
        }
        Map<String, Object> in = (Map<String, Object>) node;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : in.entrySet()) {
            String keyword = e.getKey();
            if (keyword.startsWith("x-kubernetes-") || keyword.equals("nullable")) {
                continue;
            }
            if (keyword.equals("properties")) {
                // names of properties, not keywords: convert each property's schema, keep every name
                Map<String, Object> props = new LinkedHashMap<>();
                ((Map<String, Object>) e.getValue())
                        .forEach((name, schema) -> props.put(name, convert(schema, strict)));
                out.put(keyword, props);
            } else {
                out.put(keyword, convert(e.getValue(), strict));
            }
        }
        if (Boolean.TRUE.equals(in.get("nullable")) && out.get("type") instanceof String type) {
            out.put("type", List.of(type, "null"));
        }
        boolean preserveUnknown = Boolean.TRUE.equals(in.get("x-kubernetes-preserve-unknown-fields"));
        if (strict
                && Objects.equals(out.get("type"), "object")
                && out.containsKey("properties")
                && !out.containsKey("additionalProperties")
                && !preserveUnknown) {
            out.put("additionalProperties", false);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(String resource) {
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
            Objects.requireNonNull(in, "no resource " + resource);
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
