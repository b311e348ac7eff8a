@isolation @severity=blocker
Feature: Consultation replays stay with their patient across a software update
  In June 2020 a telehealth update let patients open "Consultation Replays" of other patients'
  consultations. Every patient's replay listing must hold exactly that patient's own recordings:
  nothing of another patient, nothing unknown, nothing missing, on every page, after the update.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: Every replay listing holds exactly its owner's recordings after the update
    Then every patient's replay listing holds exactly their own recordings

  Scenario: Patients who join after the update see only their own recordings
    Given a second synthetic population with recorded consultations on the release under test
    Then every patient's replay listing holds exactly their own recordings
    And every patient's session resolves to that patient

  @video-switch
  Scenario: Switching a consultation from audio to video keeps both recordings with the patient
    Given patients who share consultation time slots switch their consultations from audio to video mid-call
    Then every patient's replay listing holds exactly their own recordings
