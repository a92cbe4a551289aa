"""Community set-up: site, plots, buildings, units, household target and the household register."""
