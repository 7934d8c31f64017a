"""The fleet: many kiosks, one central PostgreSQL store.

- ``schema``: the central schema and its migrations (``legfit fleet init``);
- ``admin``: stores, kiosks and each kiosk's own database role;
- ``sync``: the kiosk's sync worker, sending its session log's outbox in batches;
- ``catalogues``: catalogues published centrally, pulled, checked and switched to;
- ``report``, ``html``: the fleet report (text, JSON, one HTML page);
- ``stamp``: what the kiosk adds to each logged session (versions, a demo mark, refusals);
- ``runtime``: the sync thread of ``legfit run``; ``commands``: ``legfit fleet``.

Only anonymous session data leave a kiosk: never a picture, a name or a screener answer.
"""
