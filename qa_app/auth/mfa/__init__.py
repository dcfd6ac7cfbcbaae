"""A second factor for password sign-in: passkeys (WebAuthn) first, an authenticator app
(TOTP) for those who cannot use one, and ten single-use recovery codes (docs/domain.md §2.11).

Staff who sign in through the council's identity provider get its multi-factor check; this
package covers the accounts that sign in with a password. The tables are in models.py, the
rules in passkeys.py, totp.py, recovery.py and services.py (no request in any of them), the
sign-in's half-finished state in pending.py, and the pages in routes.py.
"""
