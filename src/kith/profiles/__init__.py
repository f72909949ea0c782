"""Profile basics of an identity — participation tier, engagement stage, RFM, active channels — with evidence.

Profiles are computed on read for now (``service.profile_for``), from interactions and orders. The next
step is a profile table refreshed incrementally by the pipeline, so that lists and segments can filter
on tier/stage/RFM without recomputing them for every identity on every request.
"""
