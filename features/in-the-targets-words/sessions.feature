@isolation @severity=critical
Feature: Signing out ends the session
  A token that still works after its patient signed out is a session anyone who finds it can use: on a shared
  computer, in a browser history, in a log. The request that signs out is the profile's own (requests: signOut);
  against a profile that declares none the scenario is not applicable, and says so.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: After signing out, the old session reads nothing
    Then after signOut, the patient's old session is refused by every listing and opener
