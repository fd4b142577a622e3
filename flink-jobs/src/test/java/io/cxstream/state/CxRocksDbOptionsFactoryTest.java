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

class CxRocksDbOptionsFactoryTest {
    private static final long CAP = 16 * 1024;
    private static final int FLUSHES = 300;

    @Test
    void theJobsRocksDbBackendUsesTheFactory() {
        Configuration conf =
                CxJob.flinkConfiguration(CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092"), Map.of()));
        EmbeddedRocksDBStateBackend backend =
                new EmbeddedRocksDBStateBackend().configure(conf, getClass().getClassLoader());
        CxRocksDbOptionsFactory factory = assertInstanceOf(CxRocksDbOptionsFactory.class, backend.getRocksDBOptions());
        List<AutoCloseable> handles = new ArrayList<>();
        try (DBOptions options = factory.createDBOptions(new DBOptions(), handles)) {
            assertEquals(CxRocksDbOptionsFactory.MAX_MANIFEST_FILE_SIZE, options.maxManifestFileSize());
        }
    }

    /** One flush per checkpoint, as Flink does: the MANIFEST grows without the cap and rolls over with it. */
    @Test
    void theManifestRollsOverAtTheCap(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        long uncapped = manifestBytesAfterFlushes(dir.resolve("default"), new DBOptions());
        List<AutoCloseable> handles = new ArrayList<>();
        long capped = manifestBytesAfterFlushes(
                dir.resolve("capped"), new CxRocksDbOptionsFactory(CAP).createDBOptions(new DBOptions(), handles));

        assertTrue(
                uncapped > 2 * CAP,
                "control: " + FLUSHES + " flushes should outgrow the cap without it, MANIFEST was " + uncapped);
        assertTrue(capped <= CAP + 4096, "capped MANIFEST is " + capped + " bytes, cap " + CAP);
    }

    /**
     * One flush per checkpoint over keys spread across one range, as customers are: level-0 files gather
     * until {@link CxRocksDbOptionsFactory#LEVEL0_COMPACTION_TRIGGER}, where RocksDB's default compacts at 4.
     */
    @Test
    void levelZeroFilesGatherUntilTheTrigger(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        int below = CxRocksDbOptionsFactory.LEVEL0_COMPACTION_TRIGGER - 1;
        List<AutoCloseable> handles = new ArrayList<>();
        CxRocksDbOptionsFactory factory = new CxRocksDbOptionsFactory();
        assertEquals(
                below,
                level0FilesAfterFlushes(
                        dir.resolve("job-below"),
                        factory.createColumnOptions(new ColumnFamilyOptions(), handles),
                        below),
                "no compaction before the trigger");
        assertTrue(
                level0FilesAfterFlushes(
                                dir.resolve("job-at"),
                                factory.createColumnOptions(new ColumnFamilyOptions(), handles),
                                below + 1)
                        < below + 1,
                "a compaction at the trigger");
        assertTrue(
                level0FilesAfterFlushes(dir.resolve("default"), new ColumnFamilyOptions(), below) < below,
                "control: RocksDB's default (4 files) has compacted");
    }

    private static long level0FilesAfterFlushes(Path dir, ColumnFamilyOptions cf, int flushes) throws Exception {
        Files.createDirectories(dir);
        try (cf;
                DBOptions dbOptions = new DBOptions().setCreateIfMissing(true);
                Options options = new Options(dbOptions, cf);
                RocksDB db = RocksDB.open(options, dir.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            flushKeysOfOneRange(db, flush, flushes, 200, 7);
            // RocksDB compacts in the background: wait until one has run, or for half a second with none
            // pending or running (at most 20 s)
            long start = System.nanoTime();
            while (System.nanoTime() - start < 20_000_000_000L) {
                boolean idle = db.getLongProperty("rocksdb.compaction-pending") == 0
                        && db.getLongProperty("rocksdb.num-running-compactions") == 0;
                if (level0Files(db) < flushes || (idle && System.nanoTime() - start > 500_000_000L)) {
                    break;
                }
                Thread.sleep(10);
            }
            return level0Files(db);
        }
    }

    private static long level0Files(RocksDB db) throws Exception {
        return Long.parseLong(db.getProperty("rocksdb.num-files-at-level0"));
    }

    private static long manifestBytesAfterFlushes(Path dir, DBOptions dbOptions) throws Exception {
        Files.createDirectories(dir);
        try (dbOptions;
                ColumnFamilyOptions cf = new ColumnFamilyOptions();
                Options options = new Options(dbOptions.setCreateIfMissing(true), cf);
                RocksDB db = RocksDB.open(options, dir.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            // the flushed files overlap and compactions merge them, so few live files remain (the
            // MANIFEST snapshot stays small)
            flushKeysOfOneRange(db, flush, FLUSHES, 20, 42);
        }
        return manifestBytes(dir);
    }

    /**
     * {@code flushes} times: {@code puts} values under keys drawn from one range of 1,000, as customers'
     * are, then a flush (Flink flushes at every checkpoint).
     */
    private static void flushKeysOfOneRange(RocksDB db, FlushOptions flush, int flushes, int puts, long seed)
            throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < flushes; i++) {
            for (int k = 0; k < puts; k++) {
                db.put(("customer-" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8), new byte[64]);
            }
            db.flush(flush);
        }
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
