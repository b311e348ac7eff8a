package dev.cordon.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One page of "Consultation Replays": the recordings it lists and, when there are more, the way to the next page. */
public final class ReplaysPage {
    /**
     * The page is server-rendered and does not change once loaded, so it is read in one script round trip: titles,
     * row ids, whether a next page exists, and where the browser is. Round trips are most of a page check's time.
     */
    private static final String READ = "const titles = Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent.trim());"
            + "const ids = Array.from(document.querySelectorAll(arguments[1])).map(r => r.getAttribute(arguments[2]));"
            + "return {titles: titles, ids: ids, next: document.querySelector(arguments[3]) !== null,"
            + " location: location.pathname + location.search};";

    private final WebDriver driver;
    private final PageSelectors selectors;
    private final Duration timeout;
    private final By nextPage;
    private final List<String> recordingIds;
    private final boolean hasNextPage;
    private final String location;

    @SuppressWarnings("unchecked")
    public ReplaysPage(WebDriver driver, PageSelectors selectors, Duration timeout) {
        this.driver = driver;
        this.selectors = selectors;
        this.timeout = timeout;
        this.nextPage = By.cssSelector(selectors.nextPage());
        Map<String, Object> page = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(READ,
                selectors.replaysTitle(), selectors.replayRow() + "[" + selectors.replayRowIdAttribute() + "]",
                selectors.replayRowIdAttribute(), selectors.nextPage());
        if (!((List<Object>) page.get("titles")).contains(selectors.replaysTitleText())) {
            throw new WrongPageException("the \"" + selectors.replaysTitleText() + "\" page", driver, null);
        }
        this.recordingIds = ((List<Object>) page.get("ids")).stream().map(String::valueOf).toList();
        this.hasNextPage = Boolean.TRUE.equals(page.get("next"));
        this.location = String.valueOf(page.get("location"));
    }

    /** The recording ids this page lists, in page order. */
    public List<String> recordingIds() {
        return recordingIds;
    }

    public boolean hasNextPage() {
        return hasNextPage;
    }

    public ReplaysPage nextPage() {
        Navigation.clickAndAwaitNextDocument(driver, driver.findElement(nextPage), timeout);
        return new ReplaysPage(driver, selectors, timeout);
    }

    /** Opens one listed recording by following its row's link. */
    public ReplayPage openReplay(String recordingId) {
        WebElement link = driver.findElement(By.cssSelector(selectors.replayRow() + "[" + selectors.replayRowIdAttribute()
                + "='" + recordingId.replace("'", "") + "'] a"));
        Navigation.clickAndAwaitNextDocument(driver, link, timeout);
        return new ReplayPage(driver, selectors);
    }

    /** Where the browser was when the page was read: path and query, for evidence. */
    public String location() {
        return location;
    }
}
