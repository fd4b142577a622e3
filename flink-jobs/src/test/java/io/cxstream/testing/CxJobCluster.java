package io.cxstream.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The set-up every job ITCase shares, as one JUnit 5 extension: the real broker of this test JVM
 * ({@link SharedKafkaBroker}), a Flink MiniCluster with one TaskManager and two slots, per test a fresh set of the
 * job's topics and a Kafka client (both made on first use), and the job's lifecycle: every job started through
 * {@link #start} or handed to {@link #cancelAfterTest} is cancelled after the test, unless it has ended.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CxJobCluster CX = new CxJobCluster();
 *
 * @Test
 * void aTest() throws Exception {
 *     JobClient job = CX.start(CX.topics().jobSettings(), 2);
 *     CX.kafka().send(CX.topics().feedback, "alice", ..., WireFormat.JSON);
 * }
 * }</pre>
 * Test methods may take {@code @InjectMiniCluster MiniCluster} and the other parameters Flink's
 * {@link MiniClusterExtension} resolves.
 */
public final class CxJobCluster
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final Logger LOG = LoggerFactory.getLogger(CxJobCluster.class);

    private final SharedKafkaBroker broker = new SharedKafkaBroker();
    private final MiniClusterExtension flink;
    private final List<JobClient> jobs = new ArrayList<>();
    private CxTopics topics;
    private TestKafkaClient kafka;

    /** A MiniCluster with Flink's defaults. */
    public CxJobCluster() {
        this(new Configuration());
    }

    /** A MiniCluster with this configuration (e.g. a metric reporter, see {@link MetricsCapture}). */
    public CxJobCluster(Configuration flinkConfiguration) {
        this.flink = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(flinkConfiguration)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** The broker the test classes of this JVM share. */
    public SharedKafkaBroker broker() {
        return broker;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** This test's own set of the job's topics, created on first use. */
    public CxTopics topics() {
        if (topics == null) {
            topics = new CxTopics(broker);
        }
        return topics;
    }

    /** This test's Kafka client, made on first use and closed after the test. */
    public TestKafkaClient kafka() {
        if (kafka == null) {
            kafka = new TestKafkaClient(broker.bootstrapServers());
        }
        return kafka;
    }

    /** Starts the real job on the MiniCluster ({@link CxJobRunner}); it is cancelled after the test. */
    public JobClient start(Map<String, String> settings, int parallelism) throws Exception {
        return cancelAfterTest(CxJobRunner.start(settings, parallelism));
    }

    /** Cancels {@code job} after the test, unless it has ended by then; returns it. */
    public JobClient cancelAfterTest(JobClient job) {
        jobs.add(job);
        return job;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker.beforeAll(context);
        flink.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        flink.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (JobClient job : jobs) {
                if (!job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    job.cancel().get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            jobs.clear();
            topics = null;
            if (kafka != null) {
                closeQuietly(kafka);
                kafka = null;
            }
            flink.afterEach(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        flink.afterAll(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return flink.supportsParameter(parameter, context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return flink.resolveParameter(parameter, context);
    }

    private static void closeQuietly(TestKafkaClient client) {
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.warn("Could not close the test's Kafka client", e);
        }
    }
}
