package dev.cordon.ui;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One started browser: the driver, how long it took to start, and the throw-away profile directory it owns.
 * Closing quits the browser and deletes the profile, so no cookie or cache outlives the check.
 */
public final class Browser implements AutoCloseable {
    private final WebDriver driver;
    private final Path profileDir;
    private final Duration startup;
    private final Duration pageTimeout;

    Browser(WebDriver driver, Path profileDir, Duration startup, Duration pageTimeout) {
        this.driver = driver;
        this.profileDir = profileDir;
        this.startup = startup;
        this.pageTimeout = pageTimeout;
    }

    public WebDriver driver() {
        return driver;
    }

    public Duration startup() {
        return startup;
    }

    public Duration pageTimeout() {
        return pageTimeout;
    }

    /** Forgets the previous patient: every cookie of the site the browser is on (the session cookie among them). */
    public void forgetSession() {
        driver.manage().deleteAllCookies();
    }

    public byte[] screenshot() {
        return ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteProfile(profileDir);
        }
    }

    static void deleteProfile(Path profileDir) {
        if (profileDir == null || !Files.exists(profileDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(profileDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a profile left in the temp folder holds only synthetic patients' cookies
        }
    }
}
