package dev.cordon.ui;

/**
 * No browser could be started for the web page check. The message says what was tried and how to fix it: install a
 * browser, point the environment at one, or switch the check off explicitly with --skip-ui. The gate never turns
 * this into a pass: the scenario breaks and the verdict is UNVERIFIED.
 */
public final class BrowserUnavailableException extends RuntimeException {
    static final String HOW_TO_FIX = "Install one (Debian/Ubuntu: apt-get install chromium chromium-driver), set browser.binary/"
            + "browser.driver (or CORDON_CHROMIUM/CORDON_CHROMEDRIVER) or browser.remoteUrl in the environment file, "
            + "or turn the web page check off explicitly with --skip-ui (the verdict then says the page was not checked).";

    public BrowserUnavailableException(String problem, Throwable cause) {
        super("the web replays page could not be checked: " + problem + ". " + HOW_TO_FIX, cause);
    }
}
