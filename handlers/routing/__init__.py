"""Slack for routing: where a category goes as the form changes, and «Jeg har meldt i …» with its
external reference.
"""
