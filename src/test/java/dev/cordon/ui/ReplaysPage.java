package dev.cordon.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

/** One page of "Consultation Replays": the recordings it lists and, when there are more, the way to the next page. */
public final class ReplaysPage {
    private final WebDriver driver;
    private final PageSelectors selectors;
    private final Duration timeout;
    private final By title;
    private final By rows;
    private final By nextPage;

    public ReplaysPage(WebDriver driver, PageSelectors selectors, Duration timeout) {
        this.driver = driver;
        this.selectors = selectors;
        this.timeout = timeout;
        this.title = By.cssSelector(selectors.replaysTitle());
        this.rows = By.cssSelector(selectors.replayRow() + "[" + selectors.replayRowIdAttribute() + "]");
        this.nextPage = By.cssSelector(selectors.nextPage());
        if (driver.findElements(title).stream().noneMatch(h -> selectors.replaysTitleText().equals(h.getText().trim()))) {
            throw new WrongPageException("the \"" + selectors.replaysTitleText() + "\" page", driver, null);
        }
    }

    /** The recording ids this page lists, in page order. */
    @SuppressWarnings("unchecked")
    public List<String> recordingIds() {
        // One round trip for the whole table instead of one per row: this is most of a page check's time.
        Object ids = ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(r => r.getAttribute(arguments[1]));",
                selectors.replayRow() + "[" + selectors.replayRowIdAttribute() + "]", selectors.replayRowIdAttribute());
        return ((List<Object>) ids).stream().map(String::valueOf).toList();
    }

    public boolean hasNextPage() {
        return !driver.findElements(nextPage).isEmpty();
    }

    public ReplaysPage nextPage() {
        WebElement link = driver.findElement(nextPage);
        link.click();
        new WebDriverWait(driver, timeout, LoginPage.POLL).until(ExpectedConditions.stalenessOf(link));
        return new ReplaysPage(driver, selectors, timeout);
    }

    /** Opens one listed recording by following its row's link. */
    public ReplayPage openReplay(String recordingId) {
        WebElement link = driver.findElement(By.cssSelector(selectors.replayRow() + "[" + selectors.replayRowIdAttribute()
                + "='" + recordingId.replace("'", "") + "'] a"));
        link.click();
        new WebDriverWait(driver, timeout, LoginPage.POLL).until(ExpectedConditions.stalenessOf(link));
        return new ReplayPage(driver, selectors);
    }

    /** Where the browser is: path and query, for evidence. */
    public String location() {
        return WrongPageException.pathOf(driver.getCurrentUrl());
    }
}
