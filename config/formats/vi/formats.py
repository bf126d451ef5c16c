"""Dates as Vietnamese newsrooms print them: 13/08/2025, times on the 24-hour clock."""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
