package io.cxstream.avro.wire;

import org.apache.avro.Schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Earlier released versions of the input schemas, kept as resources under
 * {@code io/cxstream/avro/history/}. The index file lists them as {@code RecordName/file.avsc}.
 *
 * <p>When a schema changes in a release, copy the released version there and add it to the index:
 * decoders then resolve records written with it, and {@code SchemaEvolutionTest} proves that the
 * current schema can read it.
 */
public final class SchemaHistory {
    private static final String BASE = "/io/cxstream/avro/history/";

    private SchemaHistory() {}

    /** Every earlier version of the record with the given simple name, oldest first. */
    public static List<Schema> previousVersions(String recordName) {
        List<Schema> result = new ArrayList<>();
        for (String entry : index()) {
            int slash = entry.indexOf('/');
            if (slash > 0 && entry.substring(0, slash).equals(recordName)) {
                result.add(load(BASE + entry));
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** All entries of the index, as {@code RecordName/file.avsc}. */
    public static List<String> index() {
        List<String> entries = new ArrayList<>();
        try (InputStream in = SchemaHistory.class.getResourceAsStream(BASE + "index.txt")) {
            if (in == null) {
                return entries;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    entries.add(line);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read schema history index", e);
        }
        return entries;
    }

    public static Schema load(String resource) {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read schema " + resource, e);
        }
    }
}
