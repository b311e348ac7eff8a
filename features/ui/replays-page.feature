@ui @severity=blocker
Feature: The web Consultation Replays page shows each patient only their own recordings
  Patients open their replays on the web page as well as in the app, and a page can leak on its own:
  a rendering cache keyed without the user shows one patient's list to the next while the API stays
  right. A real browser signs in as a sample of patients, plus every patient an earlier check has
  flagged, and reads every page of their replays. The page must show exactly the recordings the ledger
  gives that patient; their API listing is read beside it, to tell a page-only fault from a deeper one.

  The tag @ui marks scenarios that drive a browser (headless Chromium on this machine, or a Selenium
  Grid named by browser.remoteUrl). `ci/release-gate.sh --skip-ui` leaves them out on purpose, and the
  verdict then says the page was not checked; without a browser the gate stops before it starts (exit 2),
  and a browser that fails mid-run fails them as unverified: never a pass.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: The web page of every sampled patient holds exactly their own items after the update
    Then the web replays page of every sampled patient holds exactly their own recordings
