"""What the load test exercises beyond the endpoints every bankcore build has.

Each switch turns on real code written against DESIGN.md's contract: flip it once the
feature is in the build being measured, and the scenario, the seeding, the gates and the
post-run checks all take it up.
"""

# /api/wire-transfers*, and `seed_load --wires-per-account`: the wire tasks of the scenario
# (below and above the review threshold, stats, limits), their gates, wire history in the
# seeded data, and the check that every wire has its audit event.
WIRES_ENABLED = True

# `manage.py verify_audit` (the audit hash chain): run after the load, next to verify_ledger.
AUDIT_CHAIN_ENABLED = True
