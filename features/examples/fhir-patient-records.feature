@profile:fhir-r4 @isolation @example @severity=critical
Feature: FHIR patient access stays in the patient's compartment (worked example of docs/extending.md)
  Three checks a QA engineer adds for the clinic's FHIR R4 face: one in the profile's words only (named openers),
  one on a filtered listing the profile declares, one with a step of their own written on the extension API
  and REST Assured. Tagged @profile:fhir-r4, the feature runs only where the target profile is fhir-r4
  (ci/release-gate.sh --env fhir) and is left out everywhere else.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: A Media read and its bytes are the caller's alone
    Then no patient can open another patient's Media through the read and binary openers

  Scenario: A search filtered by one of the patient's Encounters holds exactly that Encounter's Media
    Then every filtered listing holds exactly the patient's own items that match its filter

  Scenario: Another patient's Patient record cannot be read
    Then no patient can read another patient's Patient record
