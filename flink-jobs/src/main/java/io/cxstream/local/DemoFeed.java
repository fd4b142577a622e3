package io.cxstream.local;

import io.cxstream.avro.wire.WireFormat;
import io.cxstream.config.CxConfig;
import io.cxstream.generator.SimulatorConfig;
import io.cxstream.generator.SyntheticLoad;
import io.cxstream.generator.SyntheticLoadConfig;
import io.cxstream.generator.TopicNames;
import io.cxstream.generator.VocSurveyLoad;
import io.cxstream.generator.VocSurveys;

import org.apache.flink.util.TimeUtils;

import java.io.PrintStream;
import java.time.Duration;

/**
 * What {@code ./cx demo} sends: a week of survey history and then live survey answers (when VoC is on), and the
 * synthetic customers, each on a daemon thread of its own until {@link #close()}.
 */
final class DemoFeed implements AutoCloseable {
    private SyntheticLoad load;
    private VocSurveyLoad surveys;

    /** Starts the feed; prints what it sends to {@code out}. */
    static DemoFeed start(
            CxConfig config,
            String bootstrapServers,
            double rate,
            long customers,
            double vocRate,
            Duration vocDegradeAfter,
            PrintStream out) {
        DemoFeed feed = new DemoFeed();
        if (config.voc.enabled) {
            // a week of survey history first (the trend alerts' baseline), before anything newer is sent
            feed.surveys = new VocSurveyLoad(
                    bootstrapServers, config.feedbackTopic, config.consentsTopic, vocRate, vocDegradeAfter);
            int history = feed.surveys.sendHistory();
            Daemons.start(feed.surveys, "voc-surveys");
            out.printf(
                    "cx-stream demo: sent a week of survey history (%d answers); touchpoint '%s' degrades in %s: watch for a VOC alert.%n",
                    history, VocSurveys.DEGRADING, TimeUtils.formatWithHighestUnit(vocDegradeAfter));
        }
        feed.load = new SyntheticLoad(SyntheticLoadConfig.builder(bootstrapServers)
                .topics(new TopicNames(config.interactionsTopic, config.feedbackTopic, config.consentsTopic))
                .eventsPerSecond(rate)
                .format(WireFormat.AVRO)
                .simulator(SimulatorConfig.builder().customers(customers).build())
                .build());
        Daemons.start(feed.load, "synthetic-customers");
        out.printf(
                "cx-stream demo: %d synthetic customers at %.0f events/s; outreach appears below as it happens. Ctrl-C to stop.%n%n",
                customers, rate);
        return feed;
    }

    /** Events the synthetic customers have sent so far. */
    long sent() {
        return load == null ? 0 : load.sent();
    }

    @Override
    public void close() {
        if (load != null) {
            load.close();
        }
        if (surveys != null) {
            surveys.close();
        }
    }
}
