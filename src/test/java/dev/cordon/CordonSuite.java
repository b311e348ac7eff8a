package dev.cordon;

import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/** The Cucumber scenarios under features/; ci/release-gate.sh runs this suite. Configuration: junit-platform.properties. */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("features")
public class CordonSuite {
}
