package dev.cordon.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The sign-in page. Signing in with a right pair leads to the replays page; a wrong pair stays here with an error. */
public final class LoginPage {
    /** Server-rendered pages answer in milliseconds; the default half-second poll would dominate a check. */
    static final Duration POLL = Duration.ofMillis(25);
    private final WebDriver driver;
    private final PageSelectors selectors;
    private final Duration timeout;
    private final By username;
    private final By password;
    private final By submit;
    private final By error;

    public LoginPage(WebDriver driver, PageSelectors selectors, Duration timeout) {
        this.driver = driver;
        this.selectors = selectors;
        this.timeout = timeout;
        this.username = By.cssSelector(selectors.username());
        this.password = By.cssSelector(selectors.password());
        this.submit = By.cssSelector(selectors.submit());
        this.error = By.cssSelector(selectors.loginError());
        if (driver.findElements(username).isEmpty() || driver.findElements(password).isEmpty()) {
            throw new WrongPageException("the sign-in page", driver, null);
        }
    }

    /** Opens the sign-in page of the target at {@code baseUri}. */
    public static LoginPage open(WebDriver driver, URI baseUri, PageSelectors selectors, Duration timeout) {
        driver.get(baseUri.resolve(selectors.loginPath()).toString());
        return new LoginPage(driver, selectors, timeout);
    }

    public ReplaysPage loginAs(String user, String secret) {
        submit(user, secret);
        // One script round trip per poll: signed in (the replays title) or refused (the error).
        new WebDriverWait(driver, timeout, POLL).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "const t = Array.from(document.querySelectorAll(arguments[0])).some(e => e.textContent.trim() === arguments[1]);"
                        + "return t || document.querySelector(arguments[2]) !== null;",
                selectors.replaysTitle(), selectors.replaysTitleText(), selectors.loginError()));
        try {
            return new ReplaysPage(driver, selectors, timeout);
        } catch (WrongPageException e) {
            List<WebElement> errors = driver.findElements(error);
            throw errors.isEmpty() ? e
                    : new WrongPageException("the replays page after signing in", driver, "sign-in refused: " + errors.get(0).getText());
        }
    }

    public LoginPage loginAsExpectingError(String user, String secret) {
        submit(user, secret);
        new WebDriverWait(driver, timeout, POLL).until(ExpectedConditions.presenceOfElementLocated(error));
        return new LoginPage(driver, selectors, timeout);
    }

    /** The error the page shows, or an empty string. */
    public String error() {
        return driver.findElements(error).stream().map(WebElement::getText).findFirst().orElse("");
    }

    /** Fills in and sends the form, and waits until the browser has left this page (a refusal is a new page too). */
    private void submit(String user, String secret) {
        // A freshly loaded form with a fresh profile is empty: no clear(), one round trip less per field.
        driver.findElement(username).sendKeys(user);
        driver.findElement(password).sendKeys(secret);
        Navigation.clickAndAwaitNextDocument(driver, driver.findElement(submit), timeout);
    }
}
