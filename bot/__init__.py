"""Avviksboten: the composition roots (app, server, CLI, scheduler), the shared kernel, and one package
per feature holding its pure rules, its use cases and its scheduled jobs."""
