"""Kith: an open-source Social CRM.

Data flows one way: connectors (``kith.channels``) → raw store (``kith.pipeline``) → domain tables
(``kith.identities``, ``kith.interactions``, ``kith.commerce``) → web/API (``kith.web``).
"""

__version__ = "0.1.0"
