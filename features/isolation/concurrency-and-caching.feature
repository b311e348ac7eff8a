@isolation @severity=blocker
Feature: Concurrent and cached responses never carry another patient's data
  Leaks after releases often need two people at once: request state shared between threads
  (GitHub 2021), a pooled connection answering the wrong caller (ChatGPT 2023), a cache keyed
  without the user (Steam 2015, Klarna 2021), a CDN storing an authenticated page. Sequential
  checks pass all of these. Here many patients ask at the same instant, and every private
  answer must forbid shared caching.

  Background:
    Given a synthetic population with recorded consultations on the release before the update
    And the clinic has been updated to the release under test

  Scenario: Simultaneous listings each hold only their caller's items
    Then patients asking for their listings at the same instant each receive only their own items

  @severity=critical @cache-policy
  Scenario: Private answers are never storable by a shared cache
    Then no private response may be stored by a shared cache
