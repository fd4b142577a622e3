package io.cxstream.helm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.cxstream.helm.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered FlinkDeployment against the operator's CRD schema (fixture crds/, see its README), and
 * proof that the validation bites.
 */
class FlinkDeploymentCrdTest {

    private static final String CRD = "crds/flinkdeployments.flink.apache.org-v1.yml";
    private static final CrdSchema STRICT = CrdSchema.load(CRD, "v1beta1", true);
    private static final CrdSchema PRUNING = CrdSchema.load(CRD, "v1beta1", false);

    @Test
    void defaultFlinkDeploymentMatchesTheCrd() {
        assertThat(STRICT.validate(HelmChart.render().one("FlinkDeployment"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full.yaml", "sasl-ssl.yaml", "s3.yaml", "readme.yaml"})
    void exampleFlinkDeploymentsMatchTheCrd(String valuesFile) {
        Map<String, Object> fd =
                HelmChart.render(KafkaSecurityTest.example(valuesFile)).one("FlinkDeployment");

        assertThat(STRICT.validate(fd)).isEmpty();
    }

    @Test
    void aFlinkVersionTheOperatorDoesNotKnowIsRejected() {
        // v2_9 passes the chart's own values schema (v2_<n>) but is not in the operator's enum
        Map<String, Object> fd = HelmChart.render("flinkVersion: v2_9").one("FlinkDeployment");

        assertThat(STRICT.validate(fd)).singleElement().asString().contains("flinkVersion");
        assertThat(PRUNING.validate(fd)).singleElement().asString().contains("flinkVersion");
    }

    @Test
    void aMisspelledFieldIsCaughtInStrictModeOnly() {
        Map<String, Object> fd = HelmChart.render().one("FlinkDeployment");
        Map<String, Object> job = new LinkedHashMap<>(at(fd, "spec.job"));
        job.put("paralellism", job.remove("parallelism"));
        Map<String, Object> spec = new LinkedHashMap<>(at(fd, "spec"));
        spec.put("job", job);
        Map<String, Object> misspelled = new LinkedHashMap<>(fd);
        misspelled.put("spec", spec);

        assertThat(STRICT.validate(misspelled)).singleElement().asString().contains("paralellism");
        // what the API server would do: prune the unknown field without a word
        assertThat(PRUNING.validate(misspelled)).isEmpty();
    }

    @Test
    void aWrongTypeOrEnumValueIsRejected() {
        Map<String, Object> fd = HelmChart.render().one("FlinkDeployment");
        Map<String, Object> job = new LinkedHashMap<>(at(fd, "spec.job"));
        job.put("parallelism", "two");
        job.put("upgradeMode", "last_state");
        Map<String, Object> spec = new LinkedHashMap<>(at(fd, "spec"));
        spec.put("job", job);
        Map<String, Object> broken = new LinkedHashMap<>(fd);
        broken.put("spec", spec);

        assertThat(PRUNING.validate(broken))
                .hasSize(2)
                .anySatisfy(m -> assertThat(m).contains("parallelism"))
                .anySatisfy(m -> assertThat(m).contains("upgradeMode"));
    }
}
