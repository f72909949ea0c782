"""Enrichment: language, sentiment, intent, product mentions, relevance (topics), PII — pure batch stages."""
