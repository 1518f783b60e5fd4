"""How reports are produced: notebooks executed on warm kernels, reused when nothing changed, published
atomically, described by a manifest and reproducible from it.

* :mod:`.validate` — every params file and its data checked before anything runs;
* :mod:`.run` — ``evalkit run``: execute on one pool of workers, render, publish;
* :mod:`.kernels`, :mod:`.warm_state` — warm Jupyter kernels and the state restored between notebooks;
* :mod:`.reuse` — notebook outputs reused from the cache when their declared inputs did not change;
* :mod:`.manifest` — provenance of a run; :mod:`.rerun` — ``evalkit rerun`` from a manifest.

What a page looks like (templates, tables, translations) is :mod:`evalkit.report`; this package decides
only how and when pages are made. Import the modules themselves (``evalkit.runner.run``): this file
imports nothing, so that checking input never loads the notebook machinery.
"""
