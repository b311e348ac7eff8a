package dev.cordon.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** One consultation replay: its heading and the player whose source is the recording's media. */
public final class ReplayPage {
    private final WebDriver driver;
    private final By heading;
    private final By player;
    private final By media;

    public ReplayPage(WebDriver driver, PageSelectors selectors) {
        this.driver = driver;
        this.heading = By.cssSelector(selectors.replayTitle());
        this.player = By.cssSelector(selectors.replayPlayer());
        this.media = By.cssSelector(selectors.replayMedia());
        if (driver.findElements(player).isEmpty()) {
            throw new WrongPageException("a consultation replay with a player", driver, null);
        }
    }

    public String heading() {
        return driver.findElement(heading).getText();
    }

    /** The path the player loads the recording from. */
    public String mediaSource() {
        return WrongPageException.pathOf(driver.findElement(media).getDomProperty("src"));
    }

    public String location() {
        return WrongPageException.pathOf(driver.getCurrentUrl());
    }
}
