"""Reports: translation table, notebook context, runner, HTML templates."""
