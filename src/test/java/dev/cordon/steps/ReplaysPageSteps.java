package dev.cordon.steps;

import dev.cordon.extension.StepDoc;
import dev.cordon.gate.GateRun;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.report.Evidence;
import dev.cordon.ui.BrowserFactory;
import dev.cordon.ui.BrowserPool;
import dev.cordon.ui.BrowserUnavailableException;
import dev.cordon.ui.PageCheckSample;
import dev.cordon.ui.PageCheckTimings;
import dev.cordon.ui.PageSelectors;
import dev.cordon.ui.ReplaysPageCheck;
import io.cucumber.java.en.Then;
import org.picocontainer.Disposable;
import io.qameta.allure.Allure;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

/**
 * The browser check of the web replays page (@ui). Browsers start lazily, the first time a step needs one, and
 * PicoContainer disposes this per-scenario object when the scenario ends: every browser is quit and its profile
 * deleted whatever happened.
 */
public class ReplaysPageSteps implements Disposable {
    private static final String CHECK = "web page";
    private final World world;
    private BrowserPool browsers;

    public ReplaysPageSteps(World world) {
        this.world = world;
    }

    @Then("the web replays page of every sampled patient holds exactly their own recordings")
    @StepDoc(value = "A browser logs in as a sample of patients (and everyone an earlier check flagged) and reads every page of the web replays listing; it must show exactly the ledger's items (UI_MISMATCH otherwise). Needs a browser, tag @ui.",
            example = "Then the web replays page of every sampled patient holds exactly their own recordings")
    public void replaysPageHoldsOwnRecordings() {
        GateRun run = world.run();
        if (run.environment().target().profile().pages() == null) {
            world.notApplicable("the profile " + run.profileName() + " describes no web page (pages:)");
        }
        var browser = run.environment().browser();
        PageCheckSample sample = PageCheckSample.choose(world.patients(), browser.sample(),
                run.environment().population().seed(), run.findings().all(), run.ledger());
        Evidence.attachText(CHECK + " — who was checked", "%d sampled patients (browser.sample %d) and %d flagged by earlier checks: %s"
                .formatted(sample.sampled(), browser.sample(), sample.flagged(),
                        sample.patients().stream().map(p -> p.key()).toList()));
        if (sample.patients().isEmpty()) {
            world.report(CHECK, List.of(unverified("no patient to check on the web page: browser.sample is 0 in "
                    + run.environment().file() + " and no earlier check flagged anyone")));
        }
        ReplaysPageCheck.Result result;
        try {
            result = check(run).check(sample.patients());
        } catch (BrowserUnavailableException e) {
            world.report(CHECK, List.of(unverified(e.getMessage())));
            return;
        }
        PageCheckTimings.write(run.workDir().resolve("ui-timings.json"), result);
        result.mismatchScreenshots().forEach(ReplaysPageSteps::attach);
        if (result.mismatchScreenshots().isEmpty() && result.evidence() != null) {
            attach(result.evidence());
        }
        world.report(CHECK, result.findings());
    }

    private ReplaysPageCheck check(GateRun run) {
        var profile = run.environment().target().profile();
        var resource = profile.resource(profile.pages().resource());
        var listing = resource.listings().get(profile.pages().listing());
        return new ReplaysPageCheck(browsers(run), run.baseUri(), PageSelectors.from(profile), resource,
                run.ledger(), run::passwordOf, p -> run.target().list(listing, run.sessions().of(run.target(), p), p.values(),
                Map.of(), Map.of()), run.coverage());
    }

    private BrowserPool browsers(GateRun run) {
        if (browsers == null) {
            browsers = new BrowserPool(new BrowserFactory(run.environment().browser(), run.environment().file()));
        }
        return browsers;
    }

    private static Finding unverified(String problem) {
        return new Finding(FindingKind.UNVERIFIED, null, problem, Map.of("check", CHECK, "problem", problem));
    }

    private static void attach(ReplaysPageCheck.Screenshot screenshot) {
        Allure.addAttachment(screenshot.name(), "image/png", new ByteArrayInputStream(screenshot.png()), "png");
    }

    @Override
    public void dispose() {
        if (browsers != null) {
            browsers.close();
        }
    }
}
