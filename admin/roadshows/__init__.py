"""Roadshows (路演): schedule, calendar, registrations with a waiting list, check-in, export."""
