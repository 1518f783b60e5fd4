"""The bottom layer: helpers every other part of evalkit uses, importing nothing from the rest of evalkit.

* :mod:`.version` — evalkit's version;
* :mod:`.hashing` — SHA-256 of files and canonical JSON, salted hashes of identifiers (Python and SQL);
* :mod:`.salt` — the hashing salt (environment, salt file) and its fingerprint;
* :mod:`.months` — calendar-month arithmetic (month numbers, month strings, windows);
* :mod:`.publish` — atomic publication of folders (cache entries, run folders) and the ``latest`` link;
* :mod:`.paths` — the project root and the settings read from the environment;
* :mod:`.cache` — the Parquet cache of prepared tables;
* :mod:`.privacy` — small-cell suppression of published counts;
* :mod:`.figures` — the shared matplotlib style, the SYNTHETIC DATA stamp and time axes.

The import contract (``tests/test_import_contract.py``) keeps this folder free of imports from the rest of
the package; only :mod:`evalkit.errors` sits beside it at the bottom.
"""
