package dev.cordon.ui;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;

/**
 * Following a link or sending a form, and waiting for the next document. The wait marks the current document and polls
 * until a complete document without the mark is there, without touching the clicked element again: asking a node of a
 * page that is going away can fail in the browser ("Node with given id does not belong to the document") instead of
 * answering "stale", which made the page check UNVERIFIED on a clean release.
 */
final class Navigation {
    private static final String MARK = "window.__cordonLeaving = true;";
    private static final String ARRIVED = "return window.__cordonLeaving !== true && document.readyState === 'complete';";

    private Navigation() {
    }

    static void clickAndAwaitNextDocument(WebDriver driver, WebElement element, Duration timeout) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(MARK);
        element.click();
        new WebDriverWait(driver, timeout, LoginPage.POLL)
                .ignoring(WebDriverException.class) // mid-navigation the script may not run: poll again
                .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(ARRIVED)));
    }
}
