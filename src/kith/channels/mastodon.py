"""Placeholder replaced by the channel's real parser."""
