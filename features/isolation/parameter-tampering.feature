@isolation @severity=blocker
Feature: Naming another patient in a request changes nothing
  An API that honours "patientId", "ownerId" or similar parameters without checking them against
  the caller lets anyone read anyone (Power Apps portals 2021). Each patient repeats their own
  requests with another synthetic patient's id in the usual owner-selecting parameters; the
  answer must stay exactly the caller's.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: Owner-selecting parameters do not widen a replay listing or open a foreign replay
    Then naming another patient in the request does not widen what a patient receives
