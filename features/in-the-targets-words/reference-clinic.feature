@isolation @severity=critical
Feature: The reference clinic's listings, in its own words
  An example of a feature a QA engineer writes about their own API without Java: the listing and
  resource words come from the target profile (here environments/profiles/reference-clinic*.yaml).
  Against a profile that has no such listing the scenario is not applicable, and says so.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test
    And a second synthetic population with recorded consultations on the release under test

  Scenario: The replay listing holds exactly the patient's own recordings
    Then every patient's replay listing holds exactly their own recordings

  Scenario: The document listing holds exactly the patient's own documents
    Then every patient's documents listing holds exactly their own documents
