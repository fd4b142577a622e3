package io.cxstream.state;

import io.cxstream.CxJob;
import io.cxstream.config.CxConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.PredefinedOptions;
import org.apache.flink.state.rocksdb.RocksDBResourceContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.TableProperties;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's RocksDB writes LZ4-compressed SST files: the bundled library has LZ4, and the job's options ask for it. */
class RocksDbCompressionTest {

    @Test
    void theJobsColumnOptionsWriteLz4FilesAndReadThemBack(@TempDir Path dir) throws Exception {
        Configuration conf =
                CxJob.flinkConfiguration(CxConfig.fromMap(Map.of("bootstrap-servers", "localhost:9092"), Map.of()));
        RocksDB.loadLibrary();
        try (RocksDBResourceContainer container = new RocksDBResourceContainer(
                        conf, PredefinedOptions.DEFAULT, new CxRocksDbOptionsFactory(), null, null, false);
                ColumnFamilyOptions column = container.getColumnOptions()) {
            assertThat(column.compressionPerLevel()).isNotEmpty().containsOnly(CompressionType.LZ4_COMPRESSION);

            try (DBOptions db = new DBOptions().setCreateIfMissing(true);
                    Options options = new Options(db, column);
                    RocksDB rocks = RocksDB.open(options, dir.toString());
                    FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                byte[] value = "a customer's journey, ".repeat(20).getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 2_000; i++) {
                    rocks.put(("customer-" + i).getBytes(StandardCharsets.UTF_8), value);
                }
                rocks.flush(flush);

                Map<String, TableProperties> files = rocks.getPropertiesOfAllTables();
                assertThat(files).isNotEmpty();
                for (TableProperties file : files.values()) {
                    assertThat(file.getCompressionName()).isEqualTo("LZ4");
                    // compressed: the repeated text takes far less than its raw size
                    assertThat(file.getDataSize()).isLessThan(file.getRawValueSize() / 4);
                }
                assertThat(rocks.get("customer-1999".getBytes(StandardCharsets.UTF_8)))
                        .isEqualTo(value);
            }
        }
    }
}
