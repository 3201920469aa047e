"""Registration: the `/avvik` form's rules and the one transaction that stores a deviation and enters
its receipt, card and alert (seed 000: «Registrere avviket eller observasjonen»).
"""
