@isolation @severity=blocker
Feature: Every listing stays with its patient across a software update
  In June 2020 a telehealth update let patients open "Consultation Replays" of other patients'
  consultations. Every listing of every resource the target profile declares must hold exactly
  the caller's own items: nothing of another patient, nothing unknown, nothing missing, on every
  page, after the update — for the patients seeded before it and for those who join after it.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test
    And a second synthetic population with recorded consultations on the release under test

  Scenario: Every listing holds exactly its owner's items after the update
    Then every patient's listings hold exactly their own items

  @video-switch
  Scenario: Switching a consultation from audio to video keeps every item with its patient
    Given patients who share consultation time slots switch their consultations from audio to video mid-call
    Then every patient's listings hold exactly their own items
