package dev.cordon.gate;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;
import org.junit.platform.launcher.TestIdentifier;

import static org.assertj.core.api.Assertions.assertThat;

/** A container that fails on its own (an engine that could not discover its scenarios) is never "nothing to do". */
class ScenarioTallyTest {
    private static final UniqueId ENGINE = UniqueId.forEngine("cucumber");

    private static TestIdentifier scenario(String name) {
        return TestIdentifier.from(new AbstractTestDescriptor(ENGINE.append("scenario", name), name) {
            @Override
            public Type getType() {
                return TestDescriptor.Type.TEST;
            }
        });
    }

    @Test
    void aFailedEngineCountsAsAFailureWithItsReason() {
        ScenarioTally tally = new ScenarioTally();
        tally.executionFinished(TestIdentifier.from(new EngineDescriptor(ENGINE, "Cucumber")),
                TestExecutionResult.failed(new IllegalStateException("TestEngine with ID 'cucumber' encountered a critical issue\nmore")));
        assertThat(tally.failed.get()).isEqualTo(1);
        assertThat(tally.total()).as("scenarios reported").isZero();
        assertThat(tally.failures).containsKey("TestEngine with ID 'cucumber' encountered a critical issue");
    }

    @Test
    void containersThatSucceedAreNotCountedAndScenariosAre() {
        ScenarioTally tally = new ScenarioTally();
        tally.executionFinished(TestIdentifier.from(new EngineDescriptor(ENGINE, "Cucumber")), TestExecutionResult.successful());
        tally.executionFinished(scenario("a"), TestExecutionResult.successful());
        tally.executionFinished(scenario("b"), TestExecutionResult.failed(new AssertionError("leak")));
        assertThat(tally.passed.get()).isEqualTo(1);
        assertThat(tally.failed.get()).isEqualTo(1);
        assertThat(tally.total()).isEqualTo(2);
        assertThat(tally.failures).containsOnlyKeys("leak");
    }
}
