@isolation @severity=blocker
Feature: No patient can open another patient's item by its id
  An id is not a secret: ids are sequential, appear in links and get shared. Opening an item —
  its metadata, its media, its download — must depend on who asks. Each patient tries a sample of
  other patients' items through every opener the profile declares and must be refused every time,
  while still opening all of their own; where the profile declares writes, another patient's item
  can be neither changed nor removed.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test
    And a second synthetic population with recorded consultations on the release under test

  Scenario: Every patient can open each of their own items after the update
    Then every patient can open each of their own items through every opener

  Scenario: Opening another patient's item by its id is refused
    Then no patient can open another patient's items through any opener

  Scenario: Another patient's item cannot be changed or removed
    Then no patient can change or remove another patient's items

  Scenario: A patient's deleted item is gone for good
    Then every item a patient deletes is gone when read back
