@isolation @severity=blocker
Feature: A session belongs to the patient who logged in
  A token minted for the wrong principal hands one patient another's whole record (Facebook
  "View As" 2018). The synthetic population includes patients whose usernames differ only in
  letter case, the classic trap for a login — or a sign-up — that compares names loosely.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test
    And a second synthetic population with recorded consultations on the release under test

  Scenario: Every session, including those of look-alike usernames, resolves to its own patient
    Then every patient's session resolves to that patient
