package dev.cordon.ui;

import dev.cordon.config.TargetProfile;

/**
 * The CSS selectors of the target's web pages, from the profile's {@code pages:} section, so the page objects work
 * against any deployment whose profile describes its pages. A missing key fails before any browser starts.
 */
public record PageSelectors(String loginPath, String username, String password, String submit, String loginError,
                            String replaysTitle, String replaysTitleText, String replayRow, String replayRowIdAttribute,
                            String nextPage, String replayTitle, String replayPlayer, String replayMedia) {

    public static PageSelectors from(TargetProfile profile) {
        return new PageSelectors(profile.page("loginPath"), profile.page("username"), profile.page("password"),
                profile.page("submit"), profile.page("loginError"), profile.page("replaysTitle"),
                profile.page("replaysTitleText"), profile.page("replayRow"), profile.page("replayRowIdAttribute"),
                profile.page("nextPage"), profile.page("replayTitle"), profile.page("replayPlayer"), profile.page("replayMedia"));
    }
}
