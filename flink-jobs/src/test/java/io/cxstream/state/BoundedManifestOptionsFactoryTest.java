package io.cxstream.state;

import io.cxstream.CxJob;
import io.cxstream.config.CxConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedManifestOptionsFactoryTest {
    private static final long CAP = 16 * 1024;
    private static final int FLUSHES = 300;

    @Test
    void theJobsRocksDbBackendUsesTheFactory() {
        Configuration conf =
                CxJob.flinkConfiguration(CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092"), Map.of()));
        EmbeddedRocksDBStateBackend backend =
                new EmbeddedRocksDBStateBackend().configure(conf, getClass().getClassLoader());
        BoundedManifestOptionsFactory factory =
                assertInstanceOf(BoundedManifestOptionsFactory.class, backend.getRocksDBOptions());
        List<AutoCloseable> handles = new ArrayList<>();
        try (DBOptions options = factory.createDBOptions(new DBOptions(), handles)) {
            assertEquals(BoundedManifestOptionsFactory.MAX_MANIFEST_FILE_SIZE, options.maxManifestFileSize());
        }
    }

    /** One flush per checkpoint, as Flink does: the MANIFEST grows without the cap and rolls over with it. */
    @Test
    void theManifestRollsOverAtTheCap(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        long uncapped = manifestBytesAfterFlushes(dir.resolve("default"), new DBOptions());
        List<AutoCloseable> handles = new ArrayList<>();
        long capped = manifestBytesAfterFlushes(
                dir.resolve("capped"),
                new BoundedManifestOptionsFactory(CAP).createDBOptions(new DBOptions(), handles));

        assertTrue(
                uncapped > 2 * CAP,
                "control: " + FLUSHES + " flushes should outgrow the cap without it, MANIFEST was " + uncapped);
        assertTrue(capped <= CAP + 4096, "capped MANIFEST is " + capped + " bytes, cap " + CAP);
    }

    private static long manifestBytesAfterFlushes(Path dir, DBOptions dbOptions) throws Exception {
        Files.createDirectories(dir);
        try (dbOptions;
                ColumnFamilyOptions cf = new ColumnFamilyOptions();
                Options options = new Options(dbOptions.setCreateIfMissing(true), cf);
                RocksDB db = RocksDB.open(options, dir.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            Random random = new Random(42);
            for (int i = 0; i < FLUSHES; i++) {
                // Keys spread over one range, as customers are: the flushed files overlap and
                // compactions merge them, so few live files remain (the MANIFEST snapshot stays small).
                for (int k = 0; k < 20; k++) {
                    db.put(("customer-" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8), new byte[64]);
                }
                db.flush(flush);
            }
        }
        return manifestBytes(dir);
    }

    private static long manifestBytes(Path dir) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>)
                    files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-"))::iterator) {
                total += Files.size(f);
            }
        }
        return total;
    }
}
