package dev.cordon.ui;

import dev.cordon.config.EnvironmentConfig;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts headless Chromium for the web page check, fully offline: the driver and the browser come from configured
 * paths (never Selenium Manager), the profile is a fresh temporary directory, and a dead proxy keeps any request to
 * anything but loopback from leaving the machine. With browser.remoteUrl set it asks a Selenium Grid instead — that is
 * how the check scales beyond one machine.
 */
public final class BrowserFactory {
    /** Flags verified on the CI machine kind (TOOLCHAIN.md); the proxy is a closed port, loopback bypasses it. */
    private static final List<String> OFFLINE_FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
            "--proxy-server=http://127.0.0.1:9", "--window-size=1280,900");
    /** Selenium warns about every CDP version it has no bindings for; the check uses none. Held so the level sticks. */
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools");
    private static final Logger CHROMIUM_LOG = Logger.getLogger("org.openqa.selenium.chromium");

    static {
        CDP_LOG.setLevel(Level.SEVERE);
        CHROMIUM_LOG.setLevel(Level.SEVERE);
    }

    private final EnvironmentConfig.Browser config;
    private final String file;

    /** {@code file} is the environment file the configuration came from, named in errors. */
    public BrowserFactory(EnvironmentConfig.Browser config, String file) {
        this.config = config;
        this.file = file;
    }

    public int parallel() {
        return config.parallel();
    }

    public Browser start() {
        if (!config.enabled()) {
            throw new BrowserUnavailableException("browser.enabled is false in " + file, null);
        }
        long started = System.nanoTime();
        return config.remoteUrl() != null ? startRemote(started) : startLocal(started);
    }

    private Browser startLocal(long started) {
        requireExecutable("browser.binary", config.binary(), "Chromium");
        requireExecutable("browser.driver", config.driver(), "chromedriver");
        Path profile;
        try {
            profile = Files.createTempDirectory("cordon-chromium-");
        } catch (IOException e) {
            throw new BrowserUnavailableException("cannot create a temporary browser profile: " + e.getMessage(), e);
        }
        ChromeOptions options = options();
        options.setBinary(config.binary());
        options.addArguments("--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(config.driver()))
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        try {
            WebDriver driver = new ChromeDriver(service, options);
            return new Browser(driver, profile, Duration.ofNanos(System.nanoTime() - started), config.pageTimeout());
        } catch (WebDriverException e) {
            service.stop();
            Browser.deleteProfile(profile);
            throw new BrowserUnavailableException("Chromium " + config.binary() + " with " + config.driver()
                    + " did not start (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private Browser startRemote(long started) {
        // The Grid node runs the browser: its binary, profile and network policy are the node's business.
        ChromeOptions options = options();
        try {
            WebDriver driver = new RemoteWebDriver(URI.create(config.remoteUrl()).toURL(), options);
            return new Browser(driver, null, Duration.ofNanos(System.nanoTime() - started), config.pageTimeout());
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new BrowserUnavailableException("browser.remoteUrl in " + file + " is not a URL: " + config.remoteUrl(), e);
        } catch (WebDriverException e) {
            throw new BrowserUnavailableException("the Selenium Grid at " + config.remoteUrl() + " gave no browser ("
                    + firstLine(e.getMessage()) + ")", e);
        }
    }

    private ChromeOptions options() {
        ChromeOptions options = new ChromeOptions();
        options.addArguments(config.remoteUrl() == null ? OFFLINE_FLAGS
                : OFFLINE_FLAGS.stream().filter(f -> !f.startsWith("--proxy-server")).toList());
        options.setPageLoadStrategy(PageLoadStrategy.NORMAL);
        options.setPageLoadTimeout(config.pageTimeout());
        options.setScriptTimeout(config.pageTimeout());
        return options;
    }

    private void requireExecutable(String key, String path, String what) {
        File file = new File(path);
        if (!file.isFile() || !file.canExecute()) {
            throw new BrowserUnavailableException("no " + what + " at " + path + " (" + key + " in " + this.file + ")", null);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "no message" : message.lines().findFirst().orElse(message);
    }
}
