"""Documents for the 社区 / 街道 台账: the month's report, PDF summary, sign-in sheets."""
