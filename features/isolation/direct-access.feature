@isolation @severity=blocker
Feature: No patient can open another patient's recording by its id
  A recording id is not a secret: ids are sequential, appear in links and get shared. Opening one
  must depend on who asks. Each patient tries a sample of other patients' recordings — the
  metadata and the media — and must be refused every time, while still opening all of their own.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: Every patient can open each of their own recordings after the update
    Then every patient can open each of their own recordings

  Scenario: Opening another patient's replay by its id is refused
    Then no patient can open the replay of another patient

  Scenario: Fetching another patient's recording media by its id is refused
    Then no patient can fetch the recording media of another patient
