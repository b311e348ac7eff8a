package dev.cordon.ui;

import dev.cordon.profile.Profile;

/**
 * The CSS selectors of the target's web pages, from the profile's {@code pages:} section, so the page objects work
 * against any deployment whose profile describes its pages. A missing key fails before any browser starts.
 */
public record PageSelectors(String loginPath, String username, String password, String submit, String loginError,
                            String replaysTitle, String replaysTitleText, String replayRow, String replayRowIdAttribute,
                            String nextPage, String replayTitle, String replayPlayer, String replayMedia) {

    public static PageSelectors from(Profile profile) {
        Profile.Pages pages = profile.pages();
        if (pages == null) {
            throw new IllegalStateException("the profile " + profile.file() + " describes no web pages (pages:)");
        }
        return new PageSelectors(pages.selector("loginPath"), pages.selector("username"), pages.selector("password"),
                pages.selector("submit"), pages.selector("loginError"), pages.selector("replaysTitle"),
                pages.selector("replaysTitleText"), pages.selector("replayRow"), pages.selector("replayRowIdAttribute"),
                pages.selector("nextPage"), pages.selector("replayTitle"), pages.selector("replayPlayer"), pages.selector("replayMedia"));
    }
}
