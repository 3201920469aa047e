"""Reports (seed 000: «Erfaring inn i virksomhetsplan»): the periods a report covers (periods.py), the
figures and how each is defined (figures.py), risk colours, cause types and effect-check answers
(risk.py, issue 22), their words and numbers (wording.py), the charts (chart.py), the XLSX, CSV and
Markdown files (exports.py), and loading a report from the store in one transaction (service.py).
"""
