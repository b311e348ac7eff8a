package dev.cordon.report;

import dev.cordon.config.EnvironmentConfig;
import dev.cordon.ui.Browser;
import dev.cordon.ui.BrowserFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Headless Chromium on a served report, offline (the flags of {@link BrowserFactory}): opens a page, waits for what
 * must appear, reads it and takes a screenshot. For the report's tests and for the screenshots in docs/report.md:
 * {@code java -cp ... dev.cordon.report.ReportBrowser target/allure-report docs/report-clean.png}.
 */
public final class ReportBrowser implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Browser browser;

    public ReportBrowser() {
        EnvironmentConfig.Browser config = new EnvironmentConfig.Browser(true,
                System.getenv().getOrDefault("CORDON_CHROMIUM", "/usr/bin/chromium"),
                System.getenv().getOrDefault("CORDON_CHROMEDRIVER", "/usr/bin/chromedriver"), null, 1, 1, WAIT);
        browser = new BrowserFactory(config, "the report browser (CORDON_CHROMIUM, CORDON_CHROMEDRIVER)").start();
    }

    public WebDriver driver() {
        return browser.driver();
    }

    /** Opens {@code url} and waits until an element matching {@code css} is shown. */
    public ReportBrowser open(String url, String css) {
        driver().get(url);
        return waitFor(css);
    }

    public ReportBrowser waitFor(String css) {
        new WebDriverWait(driver(), WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
        return this;
    }

    public String text(String css) {
        return driver().findElement(By.cssSelector(css)).getText();
    }

    /** A value the page's scripts may have set (an injected script would set it). */
    public Object script(String expression) {
        return ((JavascriptExecutor) driver()).executeScript("return " + expression + ";");
    }

    public void screenshot(Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, browser.screenshot());
    }

    @Override
    public void close() {
        browser.close();
    }

    /** Screenshots a generated report's first page: args report folder, PNG file. */
    public static void main(String[] args) throws Exception {
        Path report = Path.of(args[0]);
        Path png = Path.of(args[1]);
        try (ReportServer server = ReportServer.serving(report); ReportBrowser browser = new ReportBrowser()) {
            browser.open(server.url("index.html"), ".widget");
            Thread.sleep(1500); // the overview's charts animate in
            browser.screenshot(png);
            if (args.length > 2) {
                browser.open(server.url(VerdictPage.FILE_NAME), "h1");
                browser.screenshot(Path.of(args[2]));
            }
        }
        System.out.println("screenshot: " + png);
    }
}
