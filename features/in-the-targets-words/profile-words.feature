@isolation @severity=critical
Feature: Checks in the profile's own words: signing out, filtered listings
  Two checks a QA engineer gets by declaring a few profile lines, without Java. A token that still works after its
  patient signed out is a session anyone who finds it can use (a shared computer, a browser history, a log): the
  request that signs out is the profile's own (requests: signOut). A listing with a filter (resources.R.filtered)
  must hold exactly the caller's items that match it: an ignored filter shows the caller things they did not ask for,
  and a filter that is honoured must still never widen to another patient. Against a profile that declares neither,
  each scenario is not applicable, and says so.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: After signing out, the old session reads nothing
    Then after signOut, the patient's old session is refused by every listing and opener

  Scenario: A filtered listing holds exactly the caller's items that match its filter
    Then every filtered listing holds exactly the patient's own items that match its filter
