package dev.cordon.ui;

import org.openqa.selenium.WebDriver;

/** The browser is not on the page a page object stands for: where it is instead, in words an auditor can follow. */
public final class WrongPageException extends IllegalStateException {
    WrongPageException(String expected, WebDriver driver, String detail) {
        super("expected " + expected + " but the browser shows " + pathOf(driver.getCurrentUrl()) + " titled \""
                + driver.getTitle() + "\"" + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"));
    }

    /** Path and query only: the host is the target's, and a URL never carries credentials here. */
    static String pathOf(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
