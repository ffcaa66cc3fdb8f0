"""Outgoing wires, one module per concern; callers import from the concern's module.

- ``create``: a customer's wire: screening, the hold and the decision to send or hold it;
- ``review``: the transitions of a held wire: approve (four eyes above a threshold), reject,
  the customer's cancel, and the release that sends it;
- ``limits``: what an account and its customer may still wire, and the structuring rule;
- ``limit_overrides``: an account's own limits, set by compliance with four eyes;
- ``calendar``: the wire day, business days and holidays, the value date;
- ``settings``: the run-time settings of wires that staff change, as the code reads them;
- ``beneficiary_checks``: the review reasons a beneficiary earns by itself.

The reads the API answers (stats, limits) are in ``transfers.selectors``; the refusals in
``transfers.errors``.
"""
