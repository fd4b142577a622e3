package io.cxstream.state;

import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

import java.util.Collection;

/**
 * The job's RocksDB options beyond those Flink configures: a cap on each instance's MANIFEST, which
 * every incremental checkpoint uploads whole, and a later start of level-0 compactions.
 *
 * <p>RocksDB appends a version edit to the MANIFEST on every flush and compaction, and Flink flushes
 * on every checkpoint, so with RocksDB's default cap (1 GiB) the file grows by a few hundred bytes per
 * checkpoint for as long as the job runs and each checkpoint grows with it: in a 10-minute soak at one
 * checkpoint per second, one operator's MANIFEST reached 356 KB against 72 KB of live state. Past
 * {@link #MAX_MANIFEST_FILE_SIZE} RocksDB starts a new MANIFEST holding only the live files (about
 * 150 bytes each) and deletes the old one. The cap stays far above such a snapshot for any state a
 * slot can hold (256 KiB is ~1,700 files, i.e. ~100 GB of 64 MB SST files per operator instance).
 *
 * <p>Level 0: Flink flushes every column family at every checkpoint, so a checkpoint adds one level-0
 * file per state. Customers' keys spread over the whole key range, so every level-0 file overlaps all
 * of level 1, and each level-0 compaction rewrites the whole of level 1; RocksDB starts one at 4 files
 * by default, i.e. every 4 checkpoints. At {@link #LEVEL0_COMPACTION_TRIGGER} files a customer's value
 * in level 1 is rewritten 4 times less often, at the cost of more level-0 files that a read not served
 * from the heap cache may look in (each behind a bloom filter): in an A/B of drains RocksDB's compaction
 * threads used under 1.5 s of CPU where they had used 3.4–4.4 s (docs/performance.md, session 18). The
 * write slowdown and stop triggers move up with it so that writes are not slowed before a compaction
 * starts.
 *
 * <p>Flink applies its configurable RocksDB options (bloom filters, block cache) first and this
 * factory on top, so the two combine.
 */
public class CxRocksDbOptionsFactory implements RocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    /** Size at which a RocksDB instance rolls its MANIFEST over. */
    public static final long MAX_MANIFEST_FILE_SIZE = 256 * 1024;

    /** Level-0 files (one per flush; Flink flushes at every checkpoint) that start a compaction into level 1. */
    public static final int LEVEL0_COMPACTION_TRIGGER = 16;

    private final long maxManifestFileSize;

    /** The factory Flink instantiates (by class name, {@code state.backend.rocksdb.options-factory}). */
    public CxRocksDbOptionsFactory() {
        this(MAX_MANIFEST_FILE_SIZE);
    }

    CxRocksDbOptionsFactory(long maxManifestFileSize) {
        this.maxManifestFileSize = maxManifestFileSize;
    }

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions.setMaxManifestFileSize(maxManifestFileSize);
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(
            ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions
                .setLevel0FileNumCompactionTrigger(LEVEL0_COMPACTION_TRIGGER)
                .setLevel0SlowdownWritesTrigger(LEVEL0_COMPACTION_TRIGGER * 5 / 2)
                .setLevel0StopWritesTrigger(LEVEL0_COMPACTION_TRIGGER * 7 / 2);
    }
}
