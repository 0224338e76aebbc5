"""Programmes of sessions: the year's curriculum and shorter courses, from content/programme/,
and the pages that show them."""
