"""Prometheus ``scrape_configs`` -> scrape targets (pure: no Django): ``config`` reads the
file's jobs and their targets, ``relabel`` applies ``relabel_configs`` to each target."""
