"""Webhooks: bankcore's events (bankcore.events) sent to the endpoints staff registered,
signed as Standard Webhooks are (docs/webhooks.md).

- ``relay``: fans the outbox's committed events out to the endpoints that take them, one
  delivery row each, in the background (never in the transaction of the change);
- ``dispatch``: one run per endpoint at a time sends its due deliveries, each object's in
  order, and schedules the failed ones' retries for about three days;
- ``sending``: the signed POST, to an address checked by ``targets`` and pinned for the run.

The audited staff actions on endpoints and deliveries are the back office's
(bankcore.backoffice.webhooks); the tasks that run all this are in bankcore.tasks.
"""
