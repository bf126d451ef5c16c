"""Dates as Korean readers write them: 2025년 8월 13일."""

DATE_FORMAT = "Y년 n월 j일"
DATETIME_FORMAT = "Y년 n월 j일 H:i"
SHORT_DATE_FORMAT = "Y. n. j."
TIME_FORMAT = "H:i"
