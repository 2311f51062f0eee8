"""Presentation: text summaries, charts and the HTML report. Nothing here computes a statistic."""
