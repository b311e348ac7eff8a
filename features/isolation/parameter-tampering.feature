@isolation @severity=blocker
Feature: Naming another patient in a request changes nothing
  An API that honours "patientId", "ownerId" or similar parameters — or an owner header — without
  checking them against the caller lets anyone read anyone (Power Apps portals 2021). Each patient
  repeats their own requests naming another synthetic patient through every tampering channel the
  profile declares; the answer must stay exactly the caller's.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: Owner-selecting parameters and headers do not widen a listing or open a foreign item
    Then naming another patient in the request does not widen what a patient receives
