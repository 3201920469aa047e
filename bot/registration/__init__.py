"""Registration (service.py): the `/avvik` form's checks (no future date, no national identity
number, a narrative where the office keeps one) and the one transaction that stores a deviation
and enters its receipt, card and alert (seed 000: «Registrere avviket eller observasjonen»).
"""
