"""Avviksboten: the application (settings, domain rules, app wiring, scheduler jobs, CLI)."""
