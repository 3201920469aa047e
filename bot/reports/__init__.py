"""Reports (seed 000: «Erfaring inn i virksomhetsplan»): periods, figures, wording, the chart, file
exports, and loading a report from the store.
"""
