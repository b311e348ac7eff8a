package dev.cordon.ui;

import dev.cordon.ledger.Ledger;
import dev.cordon.ledger.LedgerPatient;
import dev.cordon.oracle.Coverage;
import dev.cordon.oracle.Finding;
import dev.cordon.oracle.FindingKind;
import dev.cordon.oracle.ListingOracle;
import dev.cordon.profile.Profile;
import dev.cordon.adapter.ItemListing;
import dev.cordon.adapter.TargetUnavailableException;
import org.openqa.selenium.WebDriverException;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The browser check of "Consultation Replays": each patient signs in through the login page, every page of their
 * replay listing is read, and what the page showed is held against the ledger (the truth) and against the same
 * patient's API listing (to tell a page-only fault from one below the page). Differences are UI_MISMATCH findings: a
 * foreign or unknown item is an isolation breach, a missing own item data loss. Up to {@link BrowserPool#size()}
 * browsers check at once; a patient whose page could not be read is UNVERIFIED, never a pass.
 */
public final class ReplaysPageCheck {
    public static final String UI_PAGES_CHECKED = "uiPagesChecked";
    public static final String UI_PATIENTS_CHECKED = "uiPatientsChecked";
    /** Only a broken next-page link gets near this; no synthetic patient has a thousand pages of replays. */
    static final int MAX_PAGES_PER_PATIENT = 1000;

    private final BrowserPool browsers;
    private final URI baseUri;
    private final PageSelectors selectors;
    private final Ledger ledger;
    private final ListingOracle oracle;
    private final Function<LedgerPatient, String> passwords;
    private final Function<LedgerPatient, ItemListing> apiListing;
    private final Coverage coverage;
    private final Profile.Resource resource;

    /**
     * @param passwords  the password of a synthetic patient (typed into the login page, never recorded)
     * @param apiListing the patient's replay listing over the API, with the patient's own session
     */
    public ReplaysPageCheck(BrowserPool browsers, URI baseUri, PageSelectors selectors, Profile.Resource resource, Ledger ledger,
                            Function<LedgerPatient, String> passwords, Function<LedgerPatient, ItemListing> apiListing,
                            Coverage coverage) {
        this.browsers = browsers;
        this.baseUri = baseUri;
        this.selectors = selectors;
        this.ledger = ledger;
        this.resource = resource;
        this.oracle = new ListingOracle(ledger);
        this.passwords = passwords;
        this.apiListing = apiListing;
        this.coverage = coverage;
    }

    public record Screenshot(String name, byte[] png) {
    }

    /** What one patient's check saw and how long it took after the browser was up. */
    public record PatientCheck(LedgerPatient patient, List<Finding> findings, int pages, Duration pageTime, Duration total,
                               Screenshot screenshot, boolean browserError) {
        public PatientCheck(LedgerPatient patient, List<Finding> findings, int pages, Duration pageTime, Duration total,
                            Screenshot screenshot) {
            this(patient, findings, pages, pageTime, total, screenshot, false);
        }
    }

    /**
     * @param evidence a screenshot of one patient's page, for the report when nothing was wrong (null if none taken)
     */
    public record Result(List<PatientCheck> patients, Screenshot evidence, List<Duration> browserStartups, Duration wall) {
        public List<Finding> findings() {
            return patients.stream().flatMap(p -> p.findings().stream()).toList();
        }

        public List<Screenshot> mismatchScreenshots() {
            return patients.stream().filter(p -> p.screenshot() != null).map(PatientCheck::screenshot).toList();
        }

        public int pages() {
            return patients.stream().mapToInt(PatientCheck::pages).sum();
        }
    }

    /**
     * Checks every patient; throws {@link BrowserUnavailableException} when no browser could be started, since then
     * nothing at all was checked.
     */
    public Result check(List<LedgerPatient> patients) {
        long started = System.nanoTime();
        int workers = Math.max(1, Math.min(browsers.size(), patients.size()));
        ConcurrentLinkedQueue<LedgerPatient> queue = new ConcurrentLinkedQueue<>(patients);
        AtomicBoolean evidenceWanted = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "cordon-browser");
            t.setDaemon(true);
            return t;
        });
        List<PatientCheck> checks = new ArrayList<>();
        Screenshot[] evidence = new Screenshot[1];
        try {
            List<Future<List<PatientCheck>>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    Browser browser;
                    try {
                        browser = browsers.browser(worker);
                    } catch (BrowserUnavailableException e) {
                        queue.clear();
                        throw e;
                    }
                    List<PatientCheck> mine = new ArrayList<>();
                    boolean first = true;
                    for (LedgerPatient patient = queue.poll(); patient != null; patient = queue.poll()) {
                        PatientCheck check = checkOne(browser, patient, !first);
                        first = false;
                        if (check.findings().isEmpty() && evidenceWanted.compareAndSet(true, false)) {
                            synchronized (evidence) {
                                evidence[0] = screenshot(browser, "web replays page of " + patient.key() + " (as checked)");
                            }
                        }
                        mine.add(check);
                    }
                    return mine;
                }));
            }
            for (Future<List<PatientCheck>> future : futures) {
                checks.addAll(future.get());
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BrowserUnavailableException unavailable) {
                throw unavailable;
            }
            throw new IllegalStateException("the web page check failed unexpectedly: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the web page", e);
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> order = new LinkedHashMap<>();
        patients.forEach(p -> order.putIfAbsent(p.key(), order.size()));
        checks.sort(Comparator.comparing(c -> order.get(c.patient().key())));
        synchronized (evidence) {
            return new Result(List.copyOf(checks), evidence[0], browsers.startups(), Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * A browser error while reading (not a wrong page, not a mismatch: those are read whole first) is tried once more
     * from a fresh sign-in before the patient is UNVERIFIED: the browser is infrastructure too.
     */
    private PatientCheck checkOne(Browser browser, LedgerPatient patient, boolean forgetPrevious) {
        PatientCheck first = checkOnce(browser, patient, forgetPrevious);
        return first.browserError() ? checkOnce(browser, patient, true) : first;
    }

    private PatientCheck checkOnce(Browser browser, LedgerPatient patient, boolean forgetPrevious) {
        long started = System.nanoTime();
        List<String> shown = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        Screenshot screenshot = null;
        int pages = 0;
        try {
            if (forgetPrevious) {
                browser.forgetSession();
            }
            Set<String> own = new LinkedHashSet<>(ledger.itemsOf(patient.key(), resource.name()));
            ReplaysPage page = LoginPage.open(browser.driver(), baseUri, selectors, browser.pageTimeout())
                    .loginAs(patient.username(), passwords.apply(patient));
            Set<String> visited = new LinkedHashSet<>();
            while (true) {
                String location = page.location();
                if (!visited.add(location) || visited.size() > MAX_PAGES_PER_PATIENT) {
                    throw new IllegalStateException("the next-page link of the replays page does not end: " + location
                            + " after " + visited.size() + " pages");
                }
                List<String> onPage = page.recordingIds();
                pages++;
                coverage.add(UI_PAGES_CHECKED, 1);
                shown.addAll(onPage);
                requests.add("GET " + location + " (browser)");
                if (screenshot == null && onPage.stream().anyMatch(id -> !own.contains(id))) {
                    // The page as it was read, not a reload: a cache may have moved on by then.
                    screenshot = screenshot(browser, "web replays page of " + patient.key() + " at " + location + " (mismatch)");
                }
                if (!page.hasNextPage()) {
                    break;
                }
                page = page.nextPage();
            }
            Duration pageTime = Duration.ofNanos(System.nanoTime() - started);
            ItemListing api = apiListing.apply(patient);
            List<Finding> findings = compare(patient, shown, requests, api);
            if (!findings.isEmpty() && screenshot == null) {
                screenshot = screenshot(browser, "web replays page of " + patient.key() + " at " + page.location() + " (mismatch)");
            }
            coverage.add(UI_PATIENTS_CHECKED, 1);
            return new PatientCheck(patient, findings, pages, pageTime, Duration.ofNanos(System.nanoTime() - started), screenshot);
        } catch (TargetUnavailableException | WebDriverException | IllegalStateException e) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("patient", patient.key());
            evidence.put("username", patient.username());
            evidence.put("pagesRead", requests);
            evidence.put("problem", firstLine(e.getMessage()));
            Duration spent = Duration.ofNanos(System.nanoTime() - started);
            return new PatientCheck(patient, List.of(new Finding(FindingKind.UNVERIFIED, patient.key(),
                    "could not check the web replays page of " + patient.key() + ": " + firstLine(e.getMessage()), evidence)),
                    pages, spent, spent, screenshot, e instanceof WebDriverException);
        }
    }

    /** Page against the ledger (the verdict) with the API listing beside it (where the fault sits). */
    List<Finding> compare(LedgerPatient patient, List<String> shown, List<String> requests, ItemListing api) {
        List<Finding> raw = oracle.compare(patient, resource, shown, null, FindingKind.UI_MISMATCH, FindingKind.UI_MISMATCH,
                FindingKind.UI_MISMATCH, "web replays page");
        if (raw.isEmpty()) {
            return raw;
        }
        Set<String> own = new LinkedHashSet<>(ledger.itemsOf(patient.key(), resource.name()));
        Set<String> onPage = new LinkedHashSet<>(shown);
        Set<String> inApi = new LinkedHashSet<>(api.itemIds());
        String where = inApi.equals(own) ? "the API listing of the same patient is right, so the fault is in the web page alone"
                : inApi.equals(onPage) ? "the API listing shows the same, so the fault is below the web page"
                : "the API listing differs from both the page and the ledger";
        List<Finding> findings = new ArrayList<>();
        for (Finding f : raw) {
            Map<String, Object> evidence = new LinkedHashMap<>(f.evidence());
            evidence.put("requests", List.copyOf(requests));
            evidence.put("api", List.copyOf(api.itemIds()));
            evidence.put("apiRequests", api.pages().stream().map(o -> o.request() + " " + o.status()).toList());
            evidence.put("onPageNotInApi", onPage.stream().filter(id -> !inApi.contains(id)).toList());
            evidence.put("inApiNotOnPage", inApi.stream().filter(id -> !onPage.contains(id)).toList());
            evidence.put("pageAgreesWithApi", inApi.equals(onPage));
            evidence.put("apiAgreesWithLedger", inApi.equals(own));
            findings.add(new Finding(f.kind(), f.patient(), f.summary() + "; " + where, evidence));
        }
        return findings;
    }

    private static Screenshot screenshot(Browser browser, String name) {
        try {
            return new Screenshot(name, browser.screenshot());
        } catch (WebDriverException e) {
            return null;
        }
    }

    private static String firstLine(String message) {
        return message == null ? "no message" : message.lines().findFirst().orElse(message);
    }
}
